//! Opening an input file. Only regular files are read: a named pipe would block for ever and
//! a device could stream without end, both before any size check could run.

use std::fs::File;
use std::io;
use std::path::Path;

use crate::DataError;

/// `path` opened for reading, if it is a regular file (or a link to one).
pub(crate) fn open_regular(path: &Path) -> Result<File, DataError> {
    let read_err = |source| DataError::Read {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(read_err)?;
    if !metadata.is_file() {
        let kind = if metadata.is_dir() {
            "it is a directory, not a file"
        } else {
            "it is not a regular file (a pipe, socket or device)"
        };
        return Err(read_err(io::Error::new(io::ErrorKind::InvalidInput, kind)));
    }
    File::open(path).map_err(read_err)
}

/// The text of the regular file `path`, which may hold at most `max_bytes` bytes (checked
/// before reading, and again while reading in case the file grows): for small configuration
/// files such as a run's `intervals.json`.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, DataError> {
    use std::io::Read;
    let read_err = |source| DataError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = open_regular(path)?;
    let length = file.metadata().map_err(read_err)?.len();
    crate::error::check_limit(
        path,
        "bytes of text",
        u128::from(length),
        max_bytes,
        "max_bytes",
    )?;
    let mut text = String::new();
    file.take(max_bytes + 1)
        .read_to_string(&mut text)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::InvalidData => DataError::NotText {
                path: path.to_path_buf(),
            },
            _ => read_err(source),
        })?;
    crate::error::check_limit(
        path,
        "bytes of text",
        text.len() as u128,
        max_bytes,
        "max_bytes",
    )?;
    Ok(text)
}
