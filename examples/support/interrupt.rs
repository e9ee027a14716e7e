//! SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGUSR1 and SIGUSR2 (each of which ends a process by
//! default): the first one asks the run to stop after its current training step, keep its last
//! good checkpoints and exit 128 + the signal; a second one ends the process at once (exit 128 +
//! the signal), keeping nothing: its staging directory is removed first, unless publishing had
//! begun. The same signal again within a second counts as the first delivered twice. SIGQUIT
//! (Ctrl-\) always ends the process at once, in the same way (exit 131).

use std::error::Error;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The first signal and when it came, in milliseconds of the monotonic clock plus one (0: none
/// yet).
static FIRST_SIGNAL: AtomicI32 = AtomicI32::new(0);
static FIRST_AT_MS: AtomicU64 = AtomicU64::new(0);

/// The first signal again within this time is the same request delivered twice: GNU `timeout`
/// sends SIGTERM to the process and then to its process group (probe 7 saw a run under
/// `timeout` end at once, without a message, leaving 64 MB of staging behind).
const DUPLICATE_WITHIN_MS: u64 = 1000;

/// Runs in signal context: only async-signal-safe work (atomics, `clock_gettime`, `write`,
/// `_exit`).
extern "C" fn on_signal(signal: libc::c_int) {
    let now = monotonic_ms();
    if FIRST_AT_MS
        .compare_exchange(0, now, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        FIRST_SIGNAL.store(signal, Ordering::SeqCst);
    }
    let duplicate = signal == FIRST_SIGNAL.load(Ordering::SeqCst)
        && now.saturating_sub(FIRST_AT_MS.load(Ordering::SeqCst)) < DUPLICATE_WITHIN_MS;
    let already = REQUESTED.swap(true, Ordering::SeqCst);
    // Ctrl-\ asks to quit now: it stops at once, as a second signal does (probe 30: by its
    // default action it left the staging folder the first signal's note said would go).
    let at_once = signal == libc::SIGQUIT;
    if (already && !duplicate) || at_once {
        // The watcher removes the staging folder and ends the process; nothing that allocates
        // or takes a lock may run here. Without a watcher, end at once all the same.
        let wake = WAKE.load(Ordering::SeqCst);
        let byte = signal as u8;
        // SAFETY: write(2) is async-signal-safe; `byte` outlives the call.
        let woken = wake >= 0 && unsafe { libc::write(wake, (&raw const byte).cast(), 1) } == 1;
        if !woken {
            // 128 + the signal, as a shell reports a command the signal ended.
            unsafe { libc::_exit(128 + signal) };
        }
    }
    if !already && !at_once {
        // A training step can take many seconds (probe 23: 20 s at --size 512), so the request
        // is acknowledged at once, not only when the step ends.
        let message = ACKNOWLEDGEMENT.as_bytes();
        // SAFETY: write(2) is async-signal-safe; the buffer is a static string. A failed
        // write changes nothing about the stop.
        unsafe { libc::write(libc::STDERR_FILENO, message.as_ptr().cast(), message.len()) };
    }
}

/// Written to stderr when the first signal arrives.
const ACKNOWLEDGEMENT: &str = "\nsignal received: stopping after the current step; another signal stops at once and keeps nothing (the same signal again within a second counts once)\n";

/// The pipe's write end that wakes the watcher thread on a second signal; -1 without one.
static WAKE: AtomicI32 = AtomicI32::new(-1);

/// Starts the thread that a second signal wakes (through a pipe, the one thing a signal handler
/// may safely do) to remove the run's unpublished staging folder and end the process: probe 28
/// found a run ended at once leaving the folder for the next run to remove.
fn start_watcher() {
    let mut ends = [-1; 2];
    // SAFETY: `ends` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return;
    }
    let [read_end, write_end] = ends;
    // A handler must never block on a full pipe (it holds at most a byte or two).
    // SAFETY: fcntl on a descriptor this function owns.
    unsafe { libc::fcntl(write_end, libc::F_SETFL, libc::O_NONBLOCK) };
    let watcher = std::thread::Builder::new()
        .name("second-signal".into())
        .spawn(move || stop_at_once(read_end));
    if watcher.is_ok() {
        WAKE.store(write_end, Ordering::SeqCst);
    }
}

/// Waits for a second signal, then removes the unpublished staging folders and ends the process
/// with 128 + the signal.
fn stop_at_once(read_end: libc::c_int) {
    let mut byte = 0u8;
    loop {
        // SAFETY: reads one byte into `byte`, which outlives the call.
        let read = unsafe { libc::read(read_end, (&raw mut byte).cast(), 1) };
        if read == 1 {
            break;
        }
        if read == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
    // Held until the process ends, so that no publishing starts on a folder being removed.
    let (_registry, removed) = super::output::remove_unpublished();
    let message = match removed.is_empty() {
        true => "\nstopped at once\n",
        false => "\nstopped at once, keeping nothing of this run\n",
    };
    // SAFETY: write(2) of a live buffer; a failed write changes nothing about the stop.
    unsafe { libc::write(libc::STDERR_FILENO, message.as_ptr().cast(), message.len()) };
    unsafe { libc::_exit(128 + libc::c_int::from(byte)) };
}

/// Milliseconds of the monotonic clock, plus one so that no reading is 0.
fn monotonic_ms() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec; clock_gettime is async-signal-safe.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    (now.tv_sec as u64) * 1000 + (now.tv_nsec as u64) / 1_000_000 + 1
}

/// Installs the handler for SIGQUIT (probe 30), SIGINT, SIGTERM, SIGHUP (a closed terminal),
/// SIGALRM (`timeout -s ALRM`, probe 22), SIGUSR1 and SIGUSR2 (probe 16: SIGUSR1 ended a run
/// like SIGKILL, leaving its staging folder); call once, before training.
pub fn install() -> Result<(), Box<dyn Error>> {
    static WATCHER: std::sync::Once = std::sync::Once::new();
    WATCHER.call_once(start_watcher);
    for signal in [
        libc::SIGQUIT,
        libc::SIGINT,
        libc::SIGTERM,
        libc::SIGHUP,
        libc::SIGALRM,
        libc::SIGUSR1,
        libc::SIGUSR2,
    ] {
        // SAFETY: `on_signal` is an `extern "C" fn(c_int)` that only touches atomics and calls
        // `clock_gettime`, `write` and `_exit`, all async-signal-safe.
        let previous = unsafe {
            libc::signal(
                signal,
                on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
            )
        };
        if previous == libc::SIG_ERR {
            return Err(format!(
                "cannot install the handler of signal {signal}: {}",
                std::io::Error::last_os_error()
            )
            .into());
        }
    }
    Ok(())
}

/// Whether a signal asked the run to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// The exit code of a run that may have been stopped by a signal: as `support::exit_code`,
/// except that a failed run that a handled signal stopped exits 128 + the signal, as a shell
/// reports a command the signal ended, so that a script can tell it from a failure (exit 1).
pub fn exit_code(result: Result<(), Box<dyn Error>>) -> ExitCode {
    let signal = FIRST_SIGNAL.load(Ordering::SeqCst);
    let stopped = (requested() && signal > 0)
        .then(|| u8::try_from(128 + signal).ok())
        .flatten();
    crate::support::exit_code_or(result, stopped.map_or(ExitCode::FAILURE, ExitCode::from))
}

/// An error when a signal asked the run to stop while it was `doing` something after its
/// interruptible loop (scoring, exact costs, writing): nothing may be published then.
pub fn check(doing: &str) -> Result<(), Box<dyn Error>> {
    match requested() {
        true => Err(format!("interrupted by a signal while {doing}: nothing was published").into()),
        false => Ok(()),
    }
}
