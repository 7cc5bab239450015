//! [`FileItem`]: the value of a `byte[]` param.

use std::fmt;

/// A `byte[]` param: sent as a multipart file part with a file name and MIME type, and never
/// signed.
///
/// `Debug` prints the name, the MIME type and the byte count, not the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct FileItem {
    /// The file name sent in the part's `Content-Disposition` (`a.png`).
    pub file_name: String,
    /// The part's `Content-Type` (`image/png`).
    pub mime: String,
    /// The content.
    pub bytes: Vec<u8>,
}

impl FileItem {
    /// A file part named `file_name`, of type `mime`, holding `bytes`.
    pub fn new(
        file_name: impl Into<String>,
        mime: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Self {
        FileItem {
            file_name: file_name.into(),
            mime: mime.into(),
            bytes: bytes.into(),
        }
    }
}

impl fmt::Debug for FileItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileItem")
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_size_not_bytes() {
        let f = FileItem::new("a.png", "image/png", b"SECRETBYTES".to_vec());
        assert_eq!(
            format!("{f:?}"),
            r#"FileItem { file_name: "a.png", mime: "image/png", bytes: 11 bytes }"#
        );
        assert_eq!(FileItem::new("b", "text/plain", "xy").bytes, b"xy");
    }
}
