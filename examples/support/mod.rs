//! What every example binary shares: printing that cannot panic, and turning a failed run
//! into one readable message and a non-zero exit code.

use std::error::Error;
use std::io::Write;
use std::process::ExitCode;

/// Writes `text` and a newline to standard output; a closed or full stdout is an error, not
/// a panic.
pub fn print(text: &str) -> Result<(), Box<dyn Error>> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to standard output: {e}").into())
}

/// The command line, parsed as clap's `parse` does, except that `--help` or `--version` text
/// that cannot be written (a full or closed stdout) exits 1 with a message, not 0 in silence.
pub fn parse_args<T: clap::Parser>() -> T {
    // A negative number is a value, so that `--epochs -5` is refused by `--epochs`' own parser,
    // naming the flag, not taken for an unknown flag `-5` (probe 13).
    let command = <T as clap::CommandFactory>::command()
        .allow_negative_numbers(true)
        .mut_subcommands(|sub| sub.allow_negative_numbers(true));
    let parsed = command
        .try_get_matches()
        .and_then(|mut matches| <T as clap::FromArgMatches>::from_arg_matches_mut(&mut matches));
    match parsed {
        Ok(args) => args,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            let code = match print(e.render().to_string().trim_end()) {
                Ok(()) => 0,
                Err(error) => {
                    print_to_stderr(&format!("error: {error}"));
                    1
                }
            };
            std::process::exit(code)
        }
        Err(e) => e.exit(),
    }
}

/// Writes `value` as pretty JSON to `path`, atomically.
#[allow(dead_code)] // not every example writes JSON
pub fn write_json(
    path: &std::path::Path,
    value: &impl serde::Serialize,
) -> Result<(), Box<dyn Error>> {
    dotae::data::write_atomically(path, |writer| {
        serde_json::to_writer_pretty(&mut *writer, value).map_err(|e| {
            dotae::data::DataError::InvalidArgument {
                what: "json",
                reason: e.to_string(),
            }
        })
    })?;
    Ok(())
}

/// Writes `text` and a newline to standard error. A closed or full stderr is ignored: there is
/// nowhere left to report it, and a warning or the final error must not become a panic.
pub fn print_to_stderr(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The staging folder of this run's output and the `--out` it stands for.
static STAGING: std::sync::Mutex<Option<(String, String)>> = std::sync::Mutex::new(None);

/// The first ten of `indices` for a warning, followed by `, …` when there are more.
#[allow(dead_code)] // only path_energy and evaluate list paths in warnings
pub fn first_indices(indices: &[usize]) -> String {
    let more = if indices.len() > 10 { ", …" } else { "" };
    format!("{:?}{more}", &indices[..indices.len().min(10)])
}

/// Makes the final error message name `out` wherever it names `staging`: a file that failed
/// while staged is where the user will look for it in `--out`, and the staging folder is gone
/// by the time the message is read.
#[allow(dead_code)] // path_energy and evaluate write no folder
pub fn name_staging_as(staging: &std::path::Path, out: &std::path::Path) {
    if let Ok(mut alias) = STAGING.lock() {
        *alias = Some((staging.display().to_string(), out.display().to_string()));
    }
}

/// Exit code of a run: success, or the error and each distinct cause on stderr and failure.
#[allow(dead_code)] // the examples that handle signals call `interrupt::exit_code`
pub fn exit_code(result: Result<(), Box<dyn Error>>) -> ExitCode {
    exit_code_or(result, ExitCode::FAILURE)
}

/// As [`exit_code`], with `failure` the status of a failed run.
pub fn exit_code_or(result: Result<(), Box<dyn Error>>, failure: ExitCode) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut text = message(error.as_ref());
            if let Ok(alias) = STAGING.lock()
                && let Some((staging, out)) = alias.as_ref()
            {
                text = text.replace(staging.as_str(), out);
            }
            print_to_stderr(&format!("error: {text}"));
            failure
        }
    }
}

/// The error's text followed by each cause whose text it does not already contain:
/// transparent wrappers repeat their source's text, which would otherwise print twice.
fn message(error: &dyn Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message = format!("{message}\n  caused by: {cause_text}");
        }
        source = cause.source();
    }
    message
}
