//! Errors that name the file, the place in it and what was expected.

use std::fmt;
use std::path::PathBuf;

/// Something the generator could not do. Every variant names the file it is about.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The spec is not valid YAML, or does not have the spec's shape.
    Syntax {
        /// The spec file.
        path: PathBuf,
        /// 1-based line and column, when the YAML parser knows them.
        location: Option<(usize, usize)>,
        /// Field path such as `types.IotResult.fields[1]`, when known.
        field: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// The spec parses but is inconsistent (unknown type, duplicate param, bad name…).
    Invalid {
        /// The spec file.
        path: PathBuf,
        /// Field path such as `request[2].type`.
        field: String,
        /// What was wrong and what was expected.
        message: String,
    },
    /// Several specs failed; each error is listed.
    Many(Vec<Error>),
    /// Generated code did not parse: a bug in the generator, reported with the spec it came from.
    Internal {
        /// The spec file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

impl Error {
    #[doc(hidden)]
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The file the error is about (of [`Error::Many`], the first error's).
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Io { path, .. }
            | Error::Syntax { path, .. }
            | Error::Invalid { path, .. }
            | Error::Internal { path, .. } => Some(path),
            Error::Many(errors) => errors.first().and_then(Error::path),
        }
    }

    /// The individual errors (one, unless this is [`Error::Many`]).
    pub fn all(&self) -> Vec<&Error> {
        match self {
            Error::Many(errors) => errors.iter().flat_map(Error::all).collect(),
            other => vec![other],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Syntax {
                path,
                location,
                field,
                message,
            } => {
                write!(f, "{}", path.display())?;
                if let Some((line, column)) = location {
                    write!(f, ":{line}:{column}")?;
                }
                if !field.is_empty() && field != "." {
                    write!(f, ": {field}")?;
                }
                write!(f, ": {message}")
            }
            Error::Invalid {
                path,
                field,
                message,
            } if field.is_empty() => write!(f, "{}: {message}", path.display()),
            Error::Invalid {
                path,
                field,
                message,
            } => write!(f, "{}: {field}: {message}", path.display()),
            Error::Many(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            Error::Internal { path, message } => write!(
                f,
                "{}: internal error in the generator: {message}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
