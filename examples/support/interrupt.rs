//! SIGINT, SIGTERM and SIGHUP: the first one asks the run to stop after its current training step,
//! keep its last good checkpoints and exit non-zero; a second one ends the process at once
//! (exit 130), leaving its staging directory for the next run with the same `--out` to remove.

use std::error::Error;
use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Runs in signal context: only async-signal-safe work (an atomic swap, `_exit`).
extern "C" fn on_signal(signal: libc::c_int) {
    if REQUESTED.swap(true, Ordering::SeqCst) {
        // 128 + the signal, as a shell reports a command the signal ended.
        unsafe { libc::_exit(128 + signal) };
    }
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (a closed terminal); call once, before
/// training.
pub fn install() -> Result<(), Box<dyn Error>> {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: `on_signal` is an `extern "C" fn(c_int)` that only touches an atomic and
        // calls `_exit`, both async-signal-safe.
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

/// An error when a signal asked the run to stop while it was `doing` something after its
/// interruptible loop (scoring, exact costs, writing): nothing may be published then.
pub fn check(doing: &str) -> Result<(), Box<dyn Error>> {
    match requested() {
        true => Err(format!("interrupted by a signal while {doing}: nothing was published").into()),
        false => Ok(()),
    }
}
