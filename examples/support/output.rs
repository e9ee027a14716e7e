//! A run's output directory, written through a staging directory beside it: the files appear
//! in `--out` only when the run succeeds, and a failed run leaves nothing behind (not even an
//! empty `--out`).

use std::error::Error;
use std::path::{Path, PathBuf};

/// Where a run writes ([`Output::dir`]) until it [`publish`](Output::publish)es to `--out`.
/// Dropped unpublished (an error, a panic), it removes everything it staged.
pub struct Output {
    out: PathBuf,
    staging: PathBuf,
    published: bool,
}

impl Output {
    /// Stages a run for `out`, which must be a directory or not exist yet. The staging
    /// directory lies in the nearest existing ancestor of `out`, so publishing is a rename on
    /// one file system; nothing is created at `out` itself before [`Output::publish`].
    pub fn stage(out: &Path) -> Result<Self, Box<dyn Error>> {
        let fail = |e: &dyn std::fmt::Display| {
            format!("--out {} is not a writable directory: {e}", out.display())
        };
        if out.exists() && !out.is_dir() {
            return Err(fail(&"it exists and is not a directory").into());
        }
        let absolute = std::path::absolute(out).map_err(|e| fail(&e))?;
        let base = absolute
            .ancestors()
            .skip(1)
            .find(|dir| dir.is_dir())
            .ok_or_else(|| fail(&"no parent directory exists"))?;
        let name = absolute
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let staging = base.join(format!(".{name}.partial-{}", std::process::id()));
        std::fs::create_dir(&staging).map_err(|e| fail(&e))?;
        Ok(Self {
            out: out.to_path_buf(),
            staging,
            published: false,
        })
    }

    /// The directory to write the run's files into.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Moves every staged entry into `--out` (creating it), replacing entries of the same
    /// name and leaving any others there untouched.
    pub fn publish(mut self) -> Result<(), Box<dyn Error>> {
        let fail =
            |e: std::io::Error| format!("cannot publish to --out {}: {e}", self.out.display());
        std::fs::create_dir_all(&self.out).map_err(fail)?;
        for entry in std::fs::read_dir(&self.staging).map_err(fail)? {
            let entry = entry.map_err(fail)?;
            let target = self.out.join(entry.file_name());
            if target.is_dir() && entry.path().is_dir() {
                std::fs::remove_dir_all(&target).map_err(fail)?;
            }
            std::fs::rename(entry.path(), &target).map_err(fail)?;
        }
        std::fs::remove_dir(&self.staging).map_err(fail)?;
        self.published = true;
        Ok(())
    }
}

// `benchmarks` trains nothing, so it keeps no checkpoints.
#[allow(dead_code)]
impl Output {
    /// After a failure: moves the checkpoints staged so far (`<method>/model.bpk`, with the
    /// `config.json` beside it) into `--out` and returns what it kept; dropping the output then
    /// removes everything else.
    pub fn rescue_checkpoints(&self) -> Result<Vec<PathBuf>, Box<dyn Error>> {
        let fail = |e: std::io::Error| {
            format!(
                "cannot keep checkpoints in --out {}: {e}",
                self.out.display()
            )
        };
        let mut kept = Vec::new();
        for entry in std::fs::read_dir(&self.staging).map_err(fail)? {
            let dir = entry.map_err(fail)?.path();
            if !dir.join("model.bpk").is_file() {
                continue;
            }
            let method = self.out.join(dir.file_name().unwrap_or_default());
            std::fs::create_dir_all(&method).map_err(fail)?;
            for name in ["model.bpk", "config.json"] {
                if dir.join(name).is_file() {
                    std::fs::rename(dir.join(name), method.join(name)).map_err(fail)?;
                    kept.push(method.join(name));
                }
            }
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

impl Drop for Output {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}
