//! Errors that reach the user, each with the exit code it maps to.
//!
//! Bad input (a scenario, a flag, a path that cannot be read) exits with 2;
//! anything else with 1. Every error carries enough context to act on: the
//! file and line for a scenario, the path for a file operation.

use std::fmt;
use std::path::PathBuf;

use crate::scenario::ScenarioError;

/// An error of a roicast command.
#[derive(Debug)]
pub enum Error {
    /// The scenario file breaks the format or the model's rules.
    Scenario(ScenarioError),
    /// A command-line value or an input file is unusable.
    Input(String),
    /// Reading or writing a file failed.
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Producing an output failed.
    Output {
        /// Which output.
        what: String,
        /// Why.
        message: String,
    },
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Scenario(_) | Error::Input(_) => 2,
            Error::Io { .. } | Error::Output { .. } => 1,
        }
    }

    /// An I/O error with the action and path it happened on.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { action, path: path.into(), source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Scenario(e) => write!(f, "{e}"),
            Error::Input(m) => write!(f, "{m}"),
            Error::Io { action, path, source } => write!(f, "cannot {action} {}: {source}", path.display()),
            Error::Output { what, message } => write!(f, "cannot write {what}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<ScenarioError> for Error {
    fn from(e: ScenarioError) -> Self {
        Error::Scenario(e)
    }
}
