//! Paths as `.npy` arrays (f32 or f64).
//!
//! Reading parses the header here rather than in `ndarray-npy`, so that the shape a file
//! declares is checked against the file's length and [`MAX_NPY_BYTES`] before anything is
//! allocated: a 200-byte file claiming a terabyte must be an error, not an abort.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use ndarray::{Array4, Array5, ArrayD, Axis, Dimension, IxDyn, ShapeBuilder};
use ndarray_npy::WriteNpyExt;

use crate::error::check_limit;
use crate::{DataError, write_atomically};

/// The most data bytes (after its header) an `.npy` file may hold to be read: 4 GiB, i.e.
/// 512 Mi `f64` values (`float32` data doubles in size once read as `f64`).
pub const MAX_NPY_BYTES: u64 = 1 << 32;

/// The longest `.npy` header dictionary read, in bytes: NumPy's own default
/// (`max_header_size` of `numpy.load`).
pub const MAX_NPY_HEADER_BYTES: u64 = 10_000;

const MAGIC: &[u8] = b"\x93NUMPY";

/// Values decoded per read, so the file's bytes never sit in memory beside the whole array.
const BLOCK_VALUES: usize = 1 << 16;

/// Reads an array of any shape from an `.npy` file of `f64` or `f32` values (either byte
/// order, C or Fortran order), as `f64` in standard (C) layout. The header must declare exactly
/// as many data bytes as follow it, and at most [`MAX_NPY_BYTES`].
pub fn read_npy(path: &Path) -> Result<ArrayD<f64>, DataError> {
    read_npy_within(path, u64::MAX, "u64::MAX")
}

/// The shape an `.npy` file's header declares, read without its data: for telling layouts
/// apart (a 4-D file may be one path or several) before or after reading it.
pub fn npy_shape(path: &Path) -> Result<Vec<usize>, DataError> {
    let file = crate::open::open_regular(path)?;
    let mut head = Vec::new();
    BufReader::new(file)
        .take(prefix_len(2) + MAX_NPY_HEADER_BYTES)
        .read_to_end(&mut head)
        .map_err(|source| DataError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(parse_header(path, &head)?.shape)
}

/// [`read_npy`] of a file declaring at most `max_values` values, checked from its header
/// before any data is read: a caller's own budget, tighter than [`MAX_NPY_BYTES`], which
/// errors name as `limit_name`.
pub fn read_npy_within(
    path: &Path,
    max_values: u64,
    limit_name: &'static str,
) -> Result<ArrayD<f64>, DataError> {
    let read_err = |source| DataError::Read {
        path: path.to_path_buf(),
        source,
    };
    let invalid = |reason: String| DataError::Npy {
        path: path.to_path_buf(),
        reason,
    };
    let file = crate::open::open_regular(path)?;
    let file_len = file.metadata().map_err(read_err)?.len();
    let mut reader = BufReader::new(file);
    // Enough for the longest header within the limit, whatever the version.
    let mut head = Vec::new();
    (&mut reader)
        .take(prefix_len(2) + MAX_NPY_HEADER_BYTES)
        .read_to_end(&mut head)
        .map_err(read_err)?;
    let header = parse_header(path, &head)?;

    // Counting in bytes from the item size makes one overflow check cover the element count
    // and the byte count.
    // An empty axis makes the array empty, but the other axes' product must still fit the
    // address space (ndarray checks it), so the check skips only zero lengths.
    let Some(data_bytes) = header
        .shape
        .iter()
        .try_fold(header.element.size(), |acc, &d| acc.checked_mul(d.max(1)))
        .filter(|&bytes| isize::try_from(bytes).is_ok())
        .map(|bytes| if header.shape.contains(&0) { 0 } else { bytes })
    else {
        return Err(invalid(format!(
            "shape {:?} overflows the address space",
            header.shape
        )));
    };
    let available = file_len.saturating_sub(header.data_start);
    if data_bytes as u64 != available {
        return Err(invalid(format!(
            "shape {:?} of '{}' needs {data_bytes} data bytes, but {available} follow the \
             {}-byte header",
            header.shape, header.descr, header.data_start
        )));
    }
    check_limit(
        path,
        ".npy data bytes",
        data_bytes as u128,
        MAX_NPY_BYTES,
        "MAX_NPY_BYTES",
    )?;
    check_limit(
        path,
        ".npy values",
        (data_bytes / header.element.size()) as u128,
        max_values,
        limit_name,
    )?;

    reader
        .seek(SeekFrom::Start(header.data_start))
        .map_err(read_err)?;
    let values = header
        .element
        .read(&mut reader, data_bytes / header.element.size())
        .map_err(read_err)?;
    let shape = IxDyn(&header.shape);
    let array = if header.fortran_order {
        ArrayD::from_shape_vec(shape.f(), values).map(|a| a.as_standard_layout().into_owned())
    } else {
        ArrayD::from_shape_vec(shape, values)
    };
    array.map_err(|e| invalid(e.to_string()))
}

/// The element types read: IEEE floats of either byte order.
#[derive(Debug, Clone, Copy)]
enum Element {
    F32 { big_endian: bool },
    F64 { big_endian: bool },
}

impl Element {
    fn parse(descr: &str) -> Option<Self> {
        match descr {
            "<f4" => Some(Self::F32 { big_endian: false }),
            ">f4" => Some(Self::F32 { big_endian: true }),
            "<f8" => Some(Self::F64 { big_endian: false }),
            ">f8" => Some(Self::F64 { big_endian: true }),
            _ => None,
        }
    }

    fn size(self) -> usize {
        match self {
            Self::F32 { .. } => 4,
            Self::F64 { .. } => 8,
        }
    }

    /// Reads exactly `count` values from `reader`.
    fn read(self, reader: &mut impl Read, count: usize) -> std::io::Result<Vec<f64>> {
        let mut values = Vec::with_capacity(count);
        let mut block = vec![0u8; BLOCK_VALUES.min(count) * self.size()];
        while values.len() < count {
            let bytes = &mut block[..(count - values.len()).min(BLOCK_VALUES) * self.size()];
            reader.read_exact(bytes)?;
            self.decode(bytes, &mut values);
        }
        Ok(values)
    }

    fn decode(self, bytes: &[u8], values: &mut Vec<f64>) {
        match self {
            Self::F32 { big_endian: false } => values.extend(
                bytes
                    .as_chunks()
                    .0
                    .iter()
                    .map(|&b| f64::from(f32::from_le_bytes(b))),
            ),
            Self::F32 { big_endian: true } => values.extend(
                bytes
                    .as_chunks()
                    .0
                    .iter()
                    .map(|&b| f64::from(f32::from_be_bytes(b))),
            ),
            Self::F64 { big_endian: false } => {
                values.extend(bytes.as_chunks().0.iter().map(|&b| f64::from_le_bytes(b)))
            }
            Self::F64 { big_endian: true } => {
                values.extend(bytes.as_chunks().0.iter().map(|&b| f64::from_be_bytes(b)))
            }
        }
    }
}

/// What an `.npy` header declares, and where its data starts.
struct Header {
    descr: String,
    element: Element,
    fortran_order: bool,
    shape: Vec<usize>,
    data_start: u64,
}

/// The bytes before the header dictionary: magic string, version and header length, whose
/// field is 2 bytes in version 1 and 4 bytes after.
fn prefix_len(major: u8) -> u64 {
    let len_field = if major == 1 { 2 } else { 4 };
    MAGIC.len() as u64 + 2 + len_field
}

/// Parses the header at the start of `head` (the first bytes of the file).
fn parse_header(path: &Path, head: &[u8]) -> Result<Header, DataError> {
    let invalid = |reason: String| DataError::Npy {
        path: path.to_path_buf(),
        reason,
    };
    if !head.starts_with(MAGIC) {
        return Err(invalid(
            "it does not start with the .npy magic string \\x93NUMPY".into(),
        ));
    }
    let (major, minor) = match head.get(MAGIC.len()..MAGIC.len() + 2) {
        Some(&[major, minor]) => (major, minor),
        _ => return Err(invalid("truncated header: no format version".into())),
    };
    if !matches!((major, minor), (1..=3, 0)) {
        return Err(invalid(format!(
            "format version {major}.{minor} is not supported: only 1.0, 2.0 and 3.0 are"
        )));
    }
    let prefix = prefix_len(major) as usize;
    let dict_len = match head.get(MAGIC.len() + 2..prefix) {
        Some(&[a, b]) => u64::from(u16::from_le_bytes([a, b])),
        Some(&[a, b, c, d]) => u64::from(u32::from_le_bytes([a, b, c, d])),
        _ => return Err(invalid("truncated header: no header length".into())),
    };
    check_limit(
        path,
        ".npy header bytes",
        dict_len.into(),
        MAX_NPY_HEADER_BYTES,
        "MAX_NPY_HEADER_BYTES",
    )?;
    let data_start = prefix as u64 + dict_len;
    let Some(dict) = head.get(prefix..data_start as usize) else {
        return Err(invalid(format!(
            "truncated header: the file has {} bytes, but its header declares {data_start}",
            head.len()
        )));
    };
    let (descr, fortran_order, shape) =
        parse_dict(dict).map_err(|e| invalid(format!("header dictionary: {e}")))?;
    let Some(element) = Element::parse(&descr) else {
        // Escaped: a header's bytes are the file's, and may hold NULs or terminal escapes
        // (probe 24).
        return Err(invalid(format!(
            "element type '{}' is not supported: the reader takes the explicit descr strings '<f4', '>f4', '<f8' and '>f8' (float32 or float64 with a byte order, as numpy.save writes them)",
            descr.escape_debug()
        )));
    };
    Ok(Header {
        descr,
        element,
        fortran_order,
        shape,
        data_start,
    })
}

/// The values of the header dictionary: `descr`, `fortran_order` and `shape`.
type Dict = (String, bool, Vec<usize>);

/// Parses the Python dictionary NumPy writes, e.g.
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, followed by padding. Only
/// the three keys NumPy writes are accepted, each once, as `numpy.load` does.
fn parse_dict(dict: &[u8]) -> Result<Dict, String> {
    let mut cursor = Cursor { text: dict, at: 0 };
    let (mut descr, mut fortran_order, mut shape) = (None, None, None);
    cursor.expect(b'{')?;
    while !cursor.eat(b'}') {
        let key = cursor.string()?;
        cursor.expect(b':')?;
        match key.as_str() {
            "descr" => {
                let value = cursor.string().map_err(|_| {
                    "'descr' must be a type string such as '<f8' (structured types are not \
                     supported)"
                })?;
                set_once(&mut descr, value, "descr")?;
            }
            "fortran_order" => {
                let value = match cursor.token() {
                    b"True" => true,
                    b"False" => false,
                    _ => return Err("'fortran_order' must be True or False".into()),
                };
                set_once(&mut fortran_order, value, "fortran_order")?;
            }
            "shape" => set_once(&mut shape, cursor.shape()?, "shape")?,
            _ => {
                return Err(format!(
                    "unknown key '{}': only 'descr', 'fortran_order' and 'shape' are allowed",
                    key.escape_debug()
                ));
            }
        }
        if !cursor.eat(b',') {
            cursor.expect(b'}')?;
            break;
        }
    }
    cursor.skip_space();
    if cursor.at != dict.len() {
        return Err(format!("unexpected byte at {} after the '}}'", cursor.at));
    }
    let missing = |key: &str| format!("no '{key}' key");
    Ok((
        descr.ok_or_else(|| missing("descr"))?,
        fortran_order.ok_or_else(|| missing("fortran_order"))?,
        shape.ok_or_else(|| missing("shape"))?,
    ))
}

fn set_once<T>(slot: &mut Option<T>, value: T, key: &str) -> Result<(), String> {
    if slot.replace(value).is_some() {
        return Err(format!("'{key}' is given twice"));
    }
    Ok(())
}

/// A position in the header dictionary's text.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// Consumes `byte` if it is the next one after spaces.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        if self.eat(byte) {
            return Ok(());
        }
        Err(format!("expected '{}' at byte {}", byte as char, self.at))
    }

    /// A quoted string without escapes (none of the keys or supported types has any).
    fn string(&mut self) -> Result<String, String> {
        self.skip_space();
        let Some(quote @ (b'\'' | b'"')) = self.peek() else {
            return Err(format!("expected a quoted string at byte {}", self.at));
        };
        let rest = &self.text[self.at + 1..];
        let Some(len) = rest.iter().position(|&b| b == quote) else {
            return Err(format!("unterminated string at byte {}", self.at));
        };
        self.at += len + 2;
        Ok(String::from_utf8_lossy(&rest[..len]).into_owned())
    }

    /// The bytes up to the next space or punctuation of the dictionary (possibly none).
    fn token(&mut self) -> &[u8] {
        self.skip_space();
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| !b.is_ascii_whitespace() && !b",:(){}".contains(&b))
        {
            self.at += 1;
        }
        &self.text[start..self.at]
    }

    /// A tuple of non-negative integers, e.g. `()`, `(3,)` or `(2, 3)`; Python 2's `3L` too.
    fn shape(&mut self) -> Result<Vec<usize>, String> {
        self.expect(b'(')?;
        let mut shape = Vec::new();
        while !self.eat(b')') {
            let at = self.at;
            let token = self.token();
            let Some(length) = parse_length(token.strip_suffix(b"L").unwrap_or(token)) else {
                return Err(format!(
                    "'shape' must hold non-negative integers that fit in usize, found {:?} at \
                     byte {at}",
                    String::from_utf8_lossy(token)
                ));
            };
            shape.push(length);
            if !self.eat(b',') {
                self.expect(b')')?;
                break;
            }
        }
        Ok(shape)
    }
}

/// A decimal integer of ASCII digits, if it fits in `usize`.
fn parse_length(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(usize::from(digit))
    })
}

/// Reads density paths: shape `(T + 1, H, W)` (one path) or `(P, T + 1, H, W)`, returned as
/// `(P, T + 1, H, W)`.
///
/// Gray image paths, as every dotae method writes them (`(T + 1, 1, H, W)` or
/// `(P, T + 1, 1, H, W)`, see [`read_image_paths_npy`]), are read too, without their channel
/// axis. A 4-D array with a second axis of length 1 is read that way, as one path: as
/// `(P, T + 1, H, W)` it would be paths of a single frame, which no path is.
pub fn read_paths_npy(path: &Path) -> Result<Array4<f64>, DataError> {
    read_paths_npy_within(path, u64::MAX, "u64::MAX")
}

/// [`read_paths_npy`] of a file declaring at most `max_values` values ([`read_npy_within`]).
pub fn read_paths_npy_within(
    path: &Path,
    max_values: u64,
    limit_name: &'static str,
) -> Result<Array4<f64>, DataError> {
    let array = read_npy_within(path, max_values, limit_name)?;
    let channel_axis = match array.shape() {
        [_, 1, _, _] => Some(1),
        [_, _, 1, _, _] => Some(2),
        _ => None,
    };
    let array = match channel_axis {
        Some(axis) => array.remove_axis(Axis(axis)),
        None => array,
    };
    with_path_axis(
        path,
        array,
        3,
        "a density path must be (frames, H, W) or (paths, frames, H, W), or a gray image path (frames, 1, H, W) or (paths, frames, 1, H, W)",
    )
}

/// Reads image paths, as every dotae method writes them: shape `(T + 1, C, H, W)` (one path) or
/// `(P, T + 1, C, H, W)`, returned as `(P, T + 1, C, H, W)`.
pub fn read_image_paths_npy(path: &Path) -> Result<Array5<f64>, DataError> {
    read_image_paths_npy_within(path, u64::MAX, "u64::MAX")
}

/// [`read_image_paths_npy`] of a file declaring at most `max_values` values
/// ([`read_npy_within`]).
pub fn read_image_paths_npy_within(
    path: &Path,
    max_values: u64,
    limit_name: &'static str,
) -> Result<Array5<f64>, DataError> {
    with_path_axis(
        path,
        read_npy_within(path, max_values, limit_name)?,
        4,
        "an image path must be (frames, C, H, W) or (paths, frames, C, H, W)",
    )
}

/// An array of `single` axes (one path) or `single + 1` axes (a batch of paths), read from
/// `path`, with the leading path axis.
fn with_path_axis<D: Dimension>(
    path: &Path,
    array: ArrayD<f64>,
    single: usize,
    expected: &'static str,
) -> Result<ndarray::Array<f64, D>, DataError> {
    let shape = array.shape().to_vec();
    let batched = if shape.len() == single {
        [&[1], &shape[..]].concat()
    } else if shape.len() == single + 1 {
        shape.clone()
    } else {
        return Err(DataError::Shape {
            path: path.to_path_buf(),
            shape,
            expected,
        });
    };
    array
        .into_shape_with_order(IxDyn(&batched))
        .and_then(|a| a.into_dimensionality())
        .map_err(|e| DataError::Npy {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

/// Writes any `f64` array as `.npy`, atomically.
pub fn write_npy<A: WriteNpyExt>(path: &Path, array: &A) -> Result<(), DataError> {
    write_atomically(path, |w| {
        array.write_npy(w).map_err(|e| match e {
            // A full disk or a failing device is a write error, not a malformed array.
            ndarray_npy::WriteNpyError::Io(source) => DataError::Write {
                path: path.to_path_buf(),
                source,
            },
            other => DataError::Npy {
                path: path.to_path_buf(),
                reason: other.to_string(),
            },
        })
    })
}
