//! Reading the text files a user hands roicast (a scenario; an actuals table).
//!
//! Every such file goes through [`read_text_file`], which refuses a file
//! larger than [`MAX_INPUT_FILE_BYTES`] before reading more than that: it
//! reads through `Read::take`, never trusting the size the file system
//! reports, so `/dev/zero`, a pipe or a file that grows while it is read are
//! refused too. Text that is not UTF-8 is refused with the line and column of
//! its first bad byte, in the `file:line:column: message` form of every
//! scenario error.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::Error;
use crate::format::bytes;
use crate::scenario::{ScenarioError, line_column};

/// The largest input file roicast reads: 10 MiB, a thousand times the
/// largest shipped scenario.
pub const MAX_INPUT_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Reads the UTF-8 text file at `path`; `what` names it in errors
/// ("scenario"). Refuses files larger than [`MAX_INPUT_FILE_BYTES`].
pub fn read_text_file(path: &Path, what: &str) -> Result<String, Error> {
    let cannot_read = |e: std::io::Error| Error::Input(format!("cannot read {what} {}: {e}", path.display()));
    let file = File::open(path).map_err(cannot_read)?;
    let mut content = Vec::new();
    file.take(MAX_INPUT_FILE_BYTES + 1).read_to_end(&mut content).map_err(cannot_read)?;
    if content.len() as u64 > MAX_INPUT_FILE_BYTES {
        return Err(Error::Input(format!(
            "{what} {} holds more than {}, the most roicast reads (see Limits in the README)",
            path.display(),
            bytes(MAX_INPUT_FILE_BYTES)
        )));
    }
    String::from_utf8(content).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let content = e.into_bytes();
        // The bytes before the first bad one are valid UTF-8.
        let before = std::str::from_utf8(&content[..valid]).unwrap_or_default();
        let (line, column) = line_column(before, valid);
        Error::Scenario(ScenarioError {
            file: path.display().to_string(),
            line,
            column,
            key: String::new(),
            message: format!("byte 0x{:02X} is not valid UTF-8; save the file as UTF-8 text", content[valid]),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    #[test]
    fn text_up_to_the_limit_is_read_whole() {
        let (_dir, path) = written("name = \"é\"\n".as_bytes());
        assert_eq!(read_text_file(&path, "scenario").unwrap(), "name = \"é\"\n");
        let (_dir, path) = written(&vec![b'#'; MAX_INPUT_FILE_BYTES as usize]);
        assert_eq!(read_text_file(&path, "scenario").unwrap().len() as u64, MAX_INPUT_FILE_BYTES);
    }

    #[test]
    fn a_file_past_the_limit_is_refused_with_its_name_and_the_limit() {
        let (_dir, path) = written(&vec![b'#'; MAX_INPUT_FILE_BYTES as usize + 1]);
        let message = read_text_file(&path, "scenario").unwrap_err().to_string();
        assert!(message.contains("s.toml") && message.contains("10.0 MiB"), "{message}");
    }

    #[test]
    fn invalid_utf8_names_the_line_and_column_of_the_first_bad_byte() {
        // Line 2, after three characters (one of them two bytes long).
        let (_dir, path) = written(b"a = 1\nb\xC3\xA9 \xFF = 2\n\xFE");
        let error = read_text_file(&path, "scenario").unwrap_err();
        assert_eq!(error.exit_code(), 2);
        let message = error.to_string();
        assert!(
            message.ends_with("s.toml:2:4: byte 0xFF is not valid UTF-8; save the file as UTF-8 text"),
            "{message}"
        );
    }
}
