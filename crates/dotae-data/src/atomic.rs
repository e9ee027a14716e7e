use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DataError;

/// Writes `path` through a temporary file in the same directory and renames it into place,
/// so a reader never sees a half-written file.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), DataError>,
) -> Result<(), DataError> {
    let io_err = |source| DataError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp_name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    tmp_name.push(".tmp");
    let tmp: PathBuf = path.with_file_name(tmp_name);
    let file = File::create(&tmp).map_err(io_err)?;
    let mut writer = BufWriter::new(file);
    let written = write(&mut writer).and_then(|()| writer.flush().map_err(io_err));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    drop(writer);
    std::fs::rename(&tmp, path).map_err(|e| {
        // A failed rename (the target is a directory, say) must not leave the temporary behind.
        let _ = std::fs::remove_file(&tmp);
        io_err(e)
    })
}
