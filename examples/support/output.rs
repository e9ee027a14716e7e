//! A run's output directory, written through a staging directory beside it: the files appear
//! in `--out` only when the run succeeds, and a failed run leaves nothing behind (not even an
//! empty `--out`). A second signal, which ends the run at once, removes the staging directory
//! first ([`remove_unpublished`]); a run that could not clean up (killed, or signalled twice
//! while it published) leaves it, and the next run for the same `--out` removes it.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The staging directories of this process that nothing has started to move out of yet: only
/// those may be removed without publishing half a run, or losing what publishing moved aside.
static UNPUBLISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every staging directory that no publishing or rescue has started on, and returns
/// them. Holds the registry until the process ends: a second signal calls it just before
/// ending the process, and a publish that starts meanwhile must wait rather than move files
/// out of a folder being removed.
pub fn remove_unpublished() -> (MutexGuard<'static, Vec<PathBuf>>, Vec<PathBuf>) {
    let guard = unpublished();
    let mut removed = Vec::new();
    for staging in guard.iter() {
        // The run may still be writing into it: a file created during the removal fails it.
        let gone = (0..3).any(|_| std::fs::remove_dir_all(staging).is_ok());
        if gone {
            removed.push(staging.clone());
        }
    }
    (guard, removed)
}

/// Takes `staging` off the registry of [`remove_unpublished`]: files are about to move out of it.
fn forget_unpublished(staging: &Path) {
    unpublished().retain(|s| s != staging);
}

/// The registry of [`remove_unpublished`], whatever a panicking holder left: it holds only
/// paths, which stay valid.
fn unpublished() -> MutexGuard<'static, Vec<PathBuf>> {
    UNPUBLISHED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Where a run writes ([`Output::dir`]) until it [`publish`](Output::publish)es to `--out`.
/// Dropped unpublished (an error, a panic), it removes everything it staged.
pub struct Output {
    out: PathBuf,
    staging: PathBuf,
    published: bool,
    /// Held (`flock`) while the run lives: it tells a live staging folder from an abandoned
    /// one, across PID namespaces too, where process ids say nothing. Closed before the
    /// staging folder is removed, which may need the descriptor (`ulimit -n`).
    lock: Option<std::fs::File>,
}

/// The lock file in every staging folder; never published.
const LOCK_NAME: &str = ".dotae-staging.lock";

/// The folder in the staging folder that holds what publishing replaced, until it succeeds.
const REPLACED_NAME: &str = ".dotae-replaced";

impl Output {
    /// Stages a run for `out`, which must be a directory or not exist yet. The staging
    /// directory lies in `out` when it exists, else in its nearest existing ancestor, so that
    /// publishing is a rename on one file system (`out` may be a mount point, or a link to a
    /// folder on another file system); nothing is created at a new `out` before
    /// [`Output::publish`].
    pub fn stage(out: &Path) -> Result<Self, Box<dyn Error>> {
        // `new/.` names `new`; left as it is, creating it at publish time would fail after the
        // work.
        let given = out;
        let out: &Path = &out.components().collect::<PathBuf>();
        let fail = |e: &dyn std::fmt::Display| {
            format!("--out {} is not a writable directory: {e}", out.display())
        };
        // `a/../new` names `new`, but creating it as written would create `a` too.
        let out: &Path =
            &without_parent_steps(out).map_err(|e| format!("--out {}: {e}", given.display()))?;
        if std::fs::symlink_metadata(out).is_ok() && !out.is_dir() {
            return Err(fail(&"it exists and is not a directory (or is a dangling link)").into());
        }
        let absolute = std::path::absolute(out).map_err(|e| fail(&e))?;
        check_name_lengths(&absolute).map_err(|e| fail(&e))?;
        // An existing --out by its real path: two runs into one folder under two names (a link
        // to it) must find each other's staging folder (probe 24).
        let absolute = match out.is_dir() {
            true => std::fs::canonicalize(out).map_err(|e| fail(&e))?,
            false => absolute,
        };
        // A run's files scattered over `/` beside the system's are a slip, never a wish
        // (probe 27: as root, `--out /` wrote them there).
        if absolute.parent().is_none() {
            return Err(format!(
                "--out {} is the file system's root: give a folder of the run's own, such as runs/name",
                given.display()
            )
            .into());
        }
        // The nearest existing ancestor must be a directory: under a file, nothing could be
        // published, and finding that out after the work would waste it.
        let base = match out.is_dir() {
            true => absolute.as_path(),
            false => absolute
                .ancestors()
                .skip(1)
                .find(|dir| std::fs::symlink_metadata(dir).is_ok())
                .ok_or_else(|| fail(&"no parent directory exists"))?,
        };
        if !base.is_dir() {
            return Err(fail(&format!("{} is not a directory", base.display())).into());
        }
        let name = absolute
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        // The staging folder's name adds about 20 bytes to --out's; file names stop at 255.
        let name: String = name
            .char_indices()
            .take_while(|(at, c)| at + c.len_utf8() <= STAGING_NAME_BYTES)
            .map(|(_, c)| c)
            .collect();
        remove_abandoned_staging(base, &name);
        // A file-size limit (`ulimit -f`) then fails a write (EFBIG), which the run reports and
        // cleans up after, instead of ending the process at once with SIGXFSZ.
        // SAFETY: setting a signal's disposition to "ignore" has no handler to be unsafe in.
        unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
        let staging = base.join(format!(".{name}.partial-{}", std::process::id()));
        std::fs::create_dir(&staging).map_err(|e| {
            format!(
                "--out {}: cannot create a folder in {}: {e}",
                out.display(),
                base.display()
            )
        })?;
        crate::support::name_staging_as(&staging, out);
        let lock = lock_staging(&staging).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            fail(&e)
        })?;
        // Two runs into one --out would each report their own results and leave the other's
        // (probe 17). Checked with this run's lock held, so of two starting together at least
        // the later one sees the other.
        if let Some((other, _)) = staging_folders(base, &name)
            .into_iter()
            .find(|(folder, held)| *held && *folder != staging)
        {
            drop(lock);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(format!(
                "--out {} is being written by another run (its staging folder {}): wait for it to finish, or choose another --out",
                out.display(),
                other.display()
            )
            .into());
        }
        unpublished().push(staging.clone());
        Ok(Self {
            out: out.to_path_buf(),
            staging,
            published: false,
            lock: Some(lock),
        })
    }

    /// The directory to write the run's files into.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Moves every staged entry into `--out` (creating it), replacing entries of the same
    /// name and leaving any others there untouched.
    pub fn publish(mut self) -> Result<(), Box<dyn Error>> {
        forget_unpublished(&self.staging);
        let fail =
            |e: std::io::Error| format!("cannot publish to --out {}: {e}", self.out.display());
        std::fs::create_dir_all(&self.out).map_err(fail)?;
        let entries = std::fs::read_dir(&self.staging)
            .map_err(fail)?
            .filter(|entry| entry.as_ref().map_or(true, |e| e.file_name() != LOCK_NAME))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        // A file where a folder goes, or the reverse, would stop the moves half-way: find it
        // before the first one.
        for entry in &entries {
            let target = self.out.join(entry.file_name());
            if std::fs::symlink_metadata(&target).is_ok()
                && target.is_dir() != entry.path().is_dir()
            {
                let error = format!(
                    "cannot publish to --out {}: {} is in the way (the run writes a {} there); no result was moved into --out",
                    self.out.display(),
                    target.display(),
                    if entry.path().is_dir() {
                        "folder"
                    } else {
                        "file"
                    },
                );
                // Probe 20: the training was thrown away with the staging folder.
                return Err(self.fail_keeping_checkpoints(error.into()));
            }
        }
        // What is replaced moves aside into the staging folder first: an entry that cannot be
        // moved (an immutable file) then stops the publishing before any of this run's files
        // are in --out, and what was moved aside goes back (probe 24: a half-published run
        // mixed new files with old ones).
        let aside = self.staging.join(REPLACED_NAME);
        std::fs::create_dir(&aside).map_err(fail)?;
        let names: Vec<_> = entries.iter().map(|entry| entry.file_name()).collect();
        let kept = entries_besides(&self.out, &names);
        let mut moved_aside = Vec::new();
        let mut moved_in = Vec::new();
        let mut failure = None;
        for name in &names {
            let target = self.out.join(name);
            if std::fs::symlink_metadata(&target).is_err() {
                continue;
            }
            match std::fs::rename(&target, aside.join(name)) {
                Ok(()) => moved_aside.push(name.clone()),
                Err(e) => {
                    failure = Some((target, e));
                    break;
                }
            }
        }
        if failure.is_none() {
            for name in &names {
                let target = self.out.join(name);
                match std::fs::rename(self.staging.join(name), &target) {
                    Ok(()) => moved_in.push(name.clone()),
                    Err(e) => {
                        failure = Some((target, e));
                        break;
                    }
                }
            }
        }
        if let Some((target, e)) = failure {
            for name in moved_in {
                let _ = std::fs::rename(self.out.join(&name), self.staging.join(&name));
            }
            for name in moved_aside {
                let _ = std::fs::rename(aside.join(&name), self.out.join(&name));
            }
            let _ = std::fs::remove_dir(&aside);
            // Name the entry that could not be replaced (probe 14: an immutable metrics.json).
            let error = format!(
                "cannot publish to --out {}: {}: {e}; no result was moved into --out",
                self.out.display(),
                target.display()
            );
            return Err(self.fail_keeping_checkpoints(error.into()));
        }
        self.lock.take();
        if let Err(e) = std::fs::remove_dir_all(&self.staging) {
            crate::support::print_to_stderr(&format!(
                "warning: the results are in --out {}, but the replaced entries of an earlier run could not be removed from {}: {e}",
                self.out.display(),
                self.staging.display()
            ));
        }
        self.published = true;
        if !kept.is_empty() {
            crate::support::print_to_stderr(&format!(
                "warning: --out {} also holds {}, which this run left as they were: they are not its results",
                self.out.display(),
                kept
            ));
        }
        Ok(())
    }
}

/// What `out` holds beside the entries `published` replaces, hidden ones left out, as a list for
/// a message (the first few names); empty when nothing. Probes 29 and 30 published a run into
/// another experiment's folder, which then mixed both without a word.
fn entries_besides(out: &Path, published: &[std::ffi::OsString]) -> String {
    const NAMED: usize = 6;
    let Ok(entries) = std::fs::read_dir(out) else {
        return String::new();
    };
    let mut others: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| !published.contains(&entry.file_name()))
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .filter(|(name, _)| !name.starts_with('.'))
        .map(|(name, path)| match path.is_dir() {
            true => format!("{name}/"),
            false => name,
        })
        .collect();
    others.sort();
    let more = others.len().saturating_sub(NAMED);
    others.truncate(NAMED);
    match more {
        0 => others.join(", "),
        _ => format!("{} and {more} more", others.join(", ")),
    }
}

// `benchmarks` trains nothing, so it keeps no checkpoints.
#[allow(dead_code)]
impl Output {
    /// After a failure: moves the checkpoints staged so far (`<method>/model.bpk`, with the
    /// `config.json` beside it) out of the staging directory and returns what it kept;
    /// dropping the output then removes everything else. They go into `--out`, unless that
    /// would replace a file of an earlier run there: then into a new `<out>.interrupted-<pid>`
    /// beside it, so that a failed run never overwrites a finished one.
    pub fn rescue_checkpoints(&self) -> Result<Vec<PathBuf>, Box<dyn Error>> {
        forget_unpublished(&self.staging);
        let fail = |e: std::io::Error| {
            format!(
                "cannot keep checkpoints in --out {}: {e}",
                self.out.display()
            )
        };
        let mut checkpoints = Vec::new();
        for entry in std::fs::read_dir(&self.staging).map_err(fail)? {
            let dir = entry.map_err(fail)?.path();
            if !dir.join("model.bpk").is_file() {
                continue;
            }
            let method = dir.file_name().unwrap_or_default().to_owned();
            for name in ["model.bpk", "config.json"] {
                if dir.join(name).is_file() {
                    checkpoints.push((dir.join(name), PathBuf::from(&method).join(name)));
                }
            }
        }
        let clobbers = checkpoints
            .iter()
            .any(|(_, relative)| self.out.join(relative).exists());
        let keep_in = match clobbers {
            false => self.out.clone(),
            true => {
                let mut name = self.out.file_name().unwrap_or_default().to_owned();
                name.push(format!(".interrupted-{}", std::process::id()));
                self.out.with_file_name(name)
            }
        };
        let mut kept = Vec::new();
        for (staged, relative) in checkpoints {
            let target = keep_in.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(fail)?;
            }
            std::fs::rename(staged, &target).map_err(fail)?;
            kept.push(target);
        }
        Ok(kept)
    }

    /// `error`, after keeping the staged checkpoints; its message says where they are.
    pub fn fail_keeping_checkpoints(&self, error: Box<dyn Error>) -> Box<dyn Error> {
        match self.rescue_checkpoints() {
            Ok(kept) if kept.is_empty() => error,
            Ok(kept) => {
                let kept: Vec<String> = kept.iter().map(|p| p.display().to_string()).collect();
                format!(
                    "{error}; kept the last good checkpoints: {}",
                    kept.join(", ")
                )
                .into()
            }
            Err(rescue) => format!("{error}; and {rescue}").into(),
        }
    }
}

/// The bytes of `--out`'s name kept in its staging folder's name `.{name}.partial-{pid}`.
const STAGING_NAME_BYTES: usize = 200;

/// The longest file name and path Linux takes (`NAME_MAX`, `PATH_MAX` less its NUL): a longer
/// `--out` could never be created, and would fail only when the run publishes.
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4095;

fn check_name_lengths(path: &Path) -> Result<(), String> {
    let bytes = path.as_os_str().len();
    if bytes > PATH_MAX {
        return Err(format!(
            "the path is {bytes} bytes long, above the {PATH_MAX} the system takes"
        ));
    }
    match path.components().find(|c| c.as_os_str().len() > NAME_MAX) {
        Some(long) => Err(format!(
            "its part {:?} is {} bytes long, above the {NAME_MAX} a file name may have",
            long.as_os_str(),
            long.as_os_str().len()
        )),
        None => Ok(()),
    }
}

/// Creates the staging folder's lock file and holds its lock. It is locked under a temporary
/// name first: a cleanup that found the lock file unlocked would take the folder for
/// abandoned.
fn lock_staging(staging: &Path) -> Result<std::fs::File, std::io::Error> {
    let locking = staging.join(format!("{LOCK_NAME}.new"));
    let file = std::fs::File::create(&locking)?;
    if !try_lock(&file) {
        return Err(std::io::Error::last_os_error());
    }
    std::fs::rename(&locking, staging.join(LOCK_NAME))?;
    Ok(file)
}

/// Whether an exclusive `flock` on `file` was taken, without waiting.
fn try_lock(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: `flock` on a descriptor this process owns for the call's duration.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

/// The staging folders for `--out` `name` in `base` that hold a staging lock file, each with
/// whether a run holds its lock. A folder without one (a user's, or a run's own just being
/// made) is not listed.
fn staging_folders(base: &Path, name: &str) -> Vec<(PathBuf, bool)> {
    let prefix = format!(".{name}.partial-");
    let Ok(entries) = std::fs::read_dir(base) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_str()
                .and_then(|n| n.strip_prefix(&prefix))
                .is_some_and(|pid| pid.parse::<libc::pid_t>().is_ok())
        })
        .filter_map(|entry| {
            let lock = entry.path().join(LOCK_NAME);
            if !std::fs::symlink_metadata(&lock).is_ok_and(|m| m.is_file()) {
                return None;
            }
            let free = std::fs::File::open(&lock)
                .map(|lock| try_lock(&lock))
                .unwrap_or(false);
            Some((entry.path(), !free))
        })
        .collect()
}

/// Removes the staging directories for `--out` `name` in `base` that no run holds: a run
/// ended at once by a second signal, or killed, cannot clean up after itself, so the next run
/// for the same `--out` does.
fn remove_abandoned_staging(base: &Path, name: &str) {
    for (folder, held) in staging_folders(base, name) {
        if !held {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        forget_unpublished(&self.staging);
        self.lock.take();
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// `path` with each `..` applied to the directory before it, which must exist (resolved through
/// its links, as the file system would): `a/../new` is `new`, and `missing/../new` an error.
fn without_parent_steps(path: &Path) -> Result<PathBuf, String> {
    use std::path::Component;
    if !path.components().any(|c| c == Component::ParentDir) {
        return Ok(path.to_path_buf());
    }
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                let before = if resolved.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    resolved.clone()
                };
                let real = std::fs::canonicalize(&before).map_err(|e| {
                    format!(
                        "'..' follows {}, which cannot be resolved: {e}",
                        before.display()
                    )
                })?;
                resolved = real.parent().map_or(real.clone(), Path::to_path_buf);
            }
            other => resolved.push(other),
        }
    }
    Ok(resolved)
}

/// Refuses, before any work, an input that the run's output would replace: publishing renames
/// each output over whatever `out` holds under its name. `inputs` are `(label, file)`, the label
/// naming the input in the message (its flag); `writes` says whether a path relative to `out`
/// is one the run writes. A missing `out` holds no input, and a missing input is reported by
/// its reader.
#[allow(dead_code)] // the experiments read no file from where they write
pub fn refuse_replacing_inputs(
    inputs: &[(&str, &Path)],
    out: &Path,
    writes: impl Fn(&Path) -> bool,
) -> Result<(), Box<dyn Error>> {
    let Ok(out_dir) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    for (label, file) in inputs {
        let Ok(input) = std::fs::canonicalize(file) else {
            continue;
        };
        let Ok(inside) = input.strip_prefix(&out_dir) else {
            continue;
        };
        if writes(inside) {
            return Err(format!(
                "{label} {} is {} in --out {}, which this run writes: the result would replace it; choose another --out, or move or rename the input",
                file.display(),
                inside.display(),
                out.display()
            )
            .into());
        }
    }
    Ok(())
}
