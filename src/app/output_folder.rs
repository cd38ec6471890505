//! The output folder: written whole or not at all, replaced only when roicast
//! wrote it, never lost.
//!
//! A command writes its results in three steps. [`OutputFolder::prepare`],
//! before any simulation, does every check and takes every resource:
//!
//! - `--out` must not be a symbolic link, a file, the working directory, the
//!   folder of a scenario, or a folder that holds either of them;
//! - a lock file in the parent (`.roicast-lock-<name>`, `flock`) makes a
//!   second run to the same folder refuse at once instead of mixing files;
//! - an existing folder must be roicast's: it holds the [`MARKER`] file that
//!   roicast writes into every output folder, or, written by a roicast from
//!   before the marker, nothing but the files roicast writes and a result
//!   file roicast recognises (see [`Previous::Legacy`]). An empty folder is
//!   used as if it were missing. Anything else is refused, untouched;
//! - what killed runs to this folder left behind (`.roicast-staging-<name>-*`,
//!   `.roicast-retired-<name>-*`) is removed, only once it shows roicast's
//!   marker (or is empty);
//! - a staging folder `.roicast-staging-<name>-<random>` is made beside the
//!   output folder, with the marker in it, so a parent that cannot be
//!   written to fails here and not after the simulation.
//!
//! The command then fills the staging folder, and [`OutputFolder::commit`]
//! flushes every file and folder to disk (`fsync`) and swaps the staging
//! folder in. On Linux an existing folder is swapped in one atomic step
//! (`renameat2` with `RENAME_EXCHANGE`), so at every instant either the old
//! or the new results are under the output folder's name, complete; the old
//! ones, now at the staging name, are then removed. A missing or empty
//! folder is replaced by a plain `rename`, which is atomic too and fails
//! rather than replace a folder that gained files meanwhile. Where the file
//! system cannot exchange (another OS, some network file systems), the old
//! folder is first renamed to `.roicast-retired-<name>-<random>` and the new
//! one renamed into place: for the instant between the two renames the
//! output folder's name is missing, and a run killed in that instant leaves
//! the old results in the retired folder, which the next run to the same
//! folder renames back before doing anything else. Once the new results are
//! in place nothing can make the command fail: a retired folder that cannot
//! be removed is a warning, and the next run removes it.
//!
//! SIGINT and SIGTERM ([`stop_on_signals`]) remove the staging folder and
//! the lock file, print one line and end the process with 130 or 143. The
//! swap itself runs under the same mutex as that clean-up, so a signal
//! during the swap waits for it and then reports the new results as written.
//!
//! For the tests, the environment variable `ROICAST_TEST_SIGNAL` set to
//! `SIGNAL@POINT` makes the process send itself `SIGNAL` (`KILL`, `INT`,
//! `TERM` or `STOP`) at `POINT`: `prepared` (end of prepare), `before-swap`,
//! `after-swap`, or `between-renames` (which also forces the two-rename swap).
//! After `INT` or `TERM` the main thread waits for the handler to end the
//! process, so tests never depend on timing.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::read_text_file;
use crate::error::Error;

/// The file roicast writes into every output folder, by which it knows the
/// folder as its own.
pub const MARKER: &str = ".roicast-output";

/// What the marker says to someone browsing the folder.
const MARKER_TEXT: &str = "This folder holds results written by roicast.\n\
    roicast replaces the whole folder when it next writes here: keep your own files elsewhere.\n";

/// Prefix of a staging folder's name (then the output folder's name, `-`, random letters).
const STAGING: &str = ".roicast-staging-";
/// Prefix of a retired folder's name, like [`STAGING`].
const RETIRED: &str = ".roicast-retired-";
/// Prefix of the lock file's name (then the output folder's name).
const LOCK: &str = ".roicast-lock-";

/// The files earlier roicast versions, which wrote no marker, put in an
/// output folder (besides `charts/`).
const LEGACY_FILES: [&str; 8] = [
    "summary.json",
    "monthly.csv",
    "trials.parquet",
    "sensitivity.csv",
    "compare.json",
    "conflation.json",
    "plan.json",
    "budget.csv",
];

/// A result file of an earlier roicast and a top-level key that only it has.
const LEGACY_SIGNATURES: [(&str, &str); 4] = [
    ("summary.json", "manifest"),
    ("compare.json", "difference"),
    ("conflation.json", "npv_lost"),
    ("plan.json", "budget_table"),
];

/// What was under the output folder's name when the run began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Previous {
    /// Nothing.
    Missing,
    /// An empty folder.
    Empty,
    /// A folder with roicast's marker.
    Marked,
    /// A folder written by a roicast from before the marker: nothing in it
    /// but [`LEGACY_FILES`] and a `charts/` folder of PNG and SVG files, and
    /// at least one of [`LEGACY_SIGNATURES`] (a JSON object with its key).
    Legacy,
}

/// An output folder being written: checked, locked, and staged beside it.
///
/// Dropped before [`write`](OutputFolder::write) has swapped it in, it removes its staging
/// folder and leaves the output folder as it was.
#[derive(Debug)]
pub struct OutputFolder {
    /// `--out` as the user wrote it, for messages.
    out: PathBuf,
    /// Its absolute path, every existing part resolved.
    target: PathBuf,
    /// What was there at the start.
    previous: Previous,
    /// The folder the results are written into.
    staging: PathBuf,
    /// Held from prepare to the end of commit.
    _lock: Lock,
    /// Set once the new results are in place.
    committed: bool,
}

impl OutputFolder {
    /// Checks `out` against the rules in the module docs, locks it, removes
    /// what killed runs to it left behind and makes the staging folder.
    /// `scenarios` are the files the command reads, which `out` must not hold.
    pub fn prepare(out: &Path, scenarios: &[&Path]) -> Result<OutputFolder, Error> {
        let refuse = |why: String| Error::Input(format!("--out {} {why}", out.display()));
        // Without a trailing `/`, which would look through the link.
        let named: PathBuf = out.components().collect();
        if let Ok(target) = fs::read_link(&named) {
            return Err(refuse(format!(
                "is a symbolic link (to {}); roicast does not replace links: give the folder itself as --out",
                target.display()
            )));
        }
        let target = resolve(out).map_err(|e| refuse(format!("cannot be resolved: {e}")))?;
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(refuse("is the root folder; roicast needs a folder of its own".into()));
        };
        refuse_protected(out, &target, scenarios)?;
        fs::create_dir_all(parent)
            .map_err(|e| refuse(format!("needs the folder {}, which cannot be made: {e}", parent.display())))?;
        let lock = Lock::acquire(&parent.join(prefixed(LOCK, name)), out)?;
        let mut previous = classify(out, &target)?;
        if previous == Previous::Missing && restore_retired(parent, name, &target) {
            previous = Previous::Marked;
        }
        if matches!(previous, Previous::Marked | Previous::Legacy) {
            check_removable(out, &target)?;
        }
        remove_leftovers(parent, name);
        let staging = {
            let mut pending = pending();
            let staging = make_staging(parent, name).map_err(|e| {
                refuse(format!(
                    "cannot be written: {} does not take a new folder ({e}); roicast writes its results into a new \
                     folder beside --out, then swaps it in",
                    parent.display()
                ))
            })?;
            *pending = Stage::Writing { out: out.to_path_buf(), staging: staging.clone(), lock: lock.path.clone() };
            staging
        };
        let folder = OutputFolder { out: out.to_path_buf(), target, previous, staging, _lock: lock, committed: false };
        test_signal("prepared");
        Ok(folder)
    }

    /// The staging folder, which the results are written into.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Fills the staging folder with `fill`, then commits it; returns what
    /// `fill` returned. On an error the output folder is left as it was.
    pub fn write<T>(mut self, fill: impl FnOnce(&Path) -> Result<T, Error>) -> Result<T, Error> {
        let filled = fill(&self.staging)?;
        self.commit()?;
        Ok(filled)
    }

    /// Flushes the staging folder to disk and swaps it in for the output
    /// folder, then removes the previous results (a failure to remove them
    /// is a warning: the new results are already in place).
    fn commit(&mut self) -> Result<(), Error> {
        sync_tree(&self.staging).map_err(|e| Error::io("flush to disk", &self.staging, e))?;
        let now = classify(&self.out, &self.target)?;
        let replaceable = |p: Previous| matches!(p, Previous::Missing | Previous::Empty);
        if now != self.previous && !(replaceable(now) && replaceable(self.previous)) {
            return Err(Error::Output {
                what: self.out.display().to_string(),
                message: "it changed while roicast was running; nothing was replaced, run again".into(),
            });
        }
        if now == Previous::Legacy {
            // From here on it is known as roicast's, wherever a kill leaves it.
            write_marker(&self.target).map_err(|e| Error::io("mark as roicast's", &self.target, e))?;
        }
        test_signal("before-swap");
        let retired = {
            let mut pending = pending();
            let retired = swap(&self.staging, &self.target, replaceable(now))
                .map_err(|e| Error::io("move the results into", &self.out, e))?;
            self.committed = true;
            *pending = Stage::Written { out: self.out.clone() };
            retired
        };
        let parent = self.target.parent().unwrap_or(Path::new("/"));
        if let Err(e) = File::open(parent).and_then(|f| f.sync_all()) {
            warn(&format!("could not flush {} to disk: {e}", parent.display()));
        }
        test_signal("after-swap");
        if let Some(old) = retired
            && let Err(e) = remove_marked_folder(&old)
        {
            warn(&format!(
                "the new results are in {}, but the previous ones could not be removed from {}: {e}; \
                 the next run to {0} removes them",
                self.out.display(),
                old.display()
            ));
        }
        Ok(())
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if !self.committed {
            let mut pending = pending();
            let _ = remove_marked_folder(&self.staging);
            *pending = Stage::Idle;
        }
    }
}

/// Prints a warning on stderr.
fn warn(message: &str) {
    eprintln!("warning: {message}");
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

/// The absolute path of `path` with every part that exists resolved
/// (symbolic links, `.` and `..`); the parts that do not exist yet are
/// appended as written, `.` and `..` applied to them.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::env::current_dir()?.join(path);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let mut resolved = loop {
        match existing.canonicalize() {
            Ok(resolved) => break resolved,
            Err(_) => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.components().next_back()) else {
                    return Err(io::Error::new(io::ErrorKind::NotFound, "no part of it exists"));
                };
                rest.push(name.as_os_str().to_os_string());
                existing = parent;
            }
        }
    };
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                resolved.pop();
            }
            Some(Component::CurDir) | None => {}
            Some(_) => resolved.push(part),
        }
    }
    Ok(resolved)
}

/// Refuses a target that is, or holds, the working directory or the folder
/// of a scenario: replacing it would delete them.
fn refuse_protected(out: &Path, target: &Path, scenarios: &[&Path]) -> Result<(), Error> {
    let refuse = |what: String| {
        Err(Error::Input(format!(
            "--out {} {what}; roicast replaces its output folder whole, so --out must be a folder of its own, \
             such as output/results",
            out.display()
        )))
    };
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    if let Ok(cwd) = &cwd
        && cwd.starts_with(target)
    {
        return refuse(if cwd == target {
            "is the working directory".to_string()
        } else {
            format!("holds the working directory {}", cwd.display())
        });
    }
    for scenario in scenarios {
        let Some(folder) = scenario.canonicalize().ok().and_then(|s| s.parent().map(Path::to_path_buf)) else {
            continue;
        };
        if folder.starts_with(target) {
            return refuse(if folder == target {
                format!("is the folder of the scenario {}", scenario.display())
            } else {
                format!("holds the scenario {}", scenario.display())
            });
        }
    }
    Ok(())
}

/// What is at `target`; refuses a file, and a folder that is not roicast's.
fn classify(out: &Path, target: &Path) -> Result<Previous, Error> {
    let refuse = |why: String| Error::Input(format!("--out {} {why}", out.display()));
    let metadata = match fs::symlink_metadata(target) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Previous::Missing),
        Err(e) => return Err(refuse(format!("cannot be read: {e}"))),
    };
    if metadata.file_type().is_symlink() {
        return Err(refuse("is a symbolic link; roicast does not replace links".into()));
    }
    if !metadata.is_dir() {
        return Err(refuse(
            "is a file, not a folder; roicast writes its results into a folder and never replaces a file".into(),
        ));
    }
    let names: Vec<OsString> = fs::read_dir(target)
        .and_then(|entries| entries.map(|e| e.map(|e| e.file_name())).collect())
        .map_err(|e| refuse(format!("cannot be read: {e}")))?;
    if names.is_empty() {
        return Ok(Previous::Empty);
    }
    if has_marker(target) {
        return Ok(Previous::Marked);
    }
    let foreign: Vec<String> = names
        .iter()
        .filter(|name| !is_legacy_entry(target, name))
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    if foreign.is_empty() && has_legacy_signature(target) {
        return Ok(Previous::Legacy);
    }
    let example = if foreign.is_empty() {
        "no result file roicast recognises".to_string()
    } else {
        let shown: Vec<&str> = foreign.iter().take(3).map(String::as_str).collect();
        let more = if foreign.len() > 3 { format!(" and {} more", foreign.len() - 3) } else { String::new() };
        format!("files roicast does not write: {}{more}", shown.join(", "))
    };
    Err(refuse(format!(
        "is a folder roicast did not write (it has no {MARKER} file, and holds {example}); roicast replaces only \
         its own output folders and has touched nothing. Choose a new or empty folder for --out, or move \
         these files away first"
    )))
}

/// True when `folder` holds roicast's marker file.
fn has_marker(folder: &Path) -> bool {
    let path = folder.join(MARKER);
    let is_file = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
    let mut start = String::new();
    is_file
        && File::open(&path).and_then(|f| f.take(MARKER_TEXT.len() as u64).read_to_string(&mut start)).is_ok()
        && start.lines().next() == MARKER_TEXT.lines().next()
}

/// True for an entry an earlier roicast wrote into an output folder.
fn is_legacy_entry(folder: &Path, name: &OsStr) -> bool {
    let path = folder.join(name);
    let Ok(metadata) = fs::symlink_metadata(&path) else { return false };
    if name == "charts" && metadata.is_dir() {
        let is_picture = |e: &fs::DirEntry| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            e.file_type().is_ok_and(|t| t.is_file()) && (name.ends_with(".png") || name.ends_with(".svg"))
        };
        return fs::read_dir(&path).is_ok_and(|entries| entries.into_iter().all(|e| e.is_ok_and(|e| is_picture(&e))));
    }
    metadata.is_file() && LEGACY_FILES.iter().any(|f| name == *f)
}

/// True when a result file of an earlier roicast is there, with its key.
fn has_legacy_signature(folder: &Path) -> bool {
    LEGACY_SIGNATURES.iter().any(|(file, key)| {
        read_text_file(&folder.join(file), "result file")
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|value| value.get(key).is_some())
    })
}

/// Refuses an output folder whose files could not be removed once the new
/// results are in place (a read-only folder inside it, say).
fn check_removable(out: &Path, folder: &Path) -> Result<(), Error> {
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        if !writable(&folder) {
            return Err(Error::Input(format!(
                "--out {}: {} is read-only, so roicast could not remove the previous results once the new ones \
                 are written; make it writable or choose another --out",
                out.display(),
                folder.display()
            )));
        }
        if let Ok(entries) = fs::read_dir(&folder) {
            folders.extend(entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()));
        }
    }
    Ok(())
}

/// True when this process may create and remove entries in `folder`.
fn writable(folder: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(path) = std::ffi::CString::new(folder.as_os_str().as_bytes()) else { return false };
        // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
        unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        fs::metadata(folder).is_ok_and(|m| !m.permissions().readonly())
    }
}

// ---------------------------------------------------------------------------
// Staging, leftovers, removal
// ---------------------------------------------------------------------------

/// `prefix` followed by `name`.
fn prefixed(prefix: &str, name: &OsStr) -> OsString {
    let mut joined = OsString::from(prefix);
    joined.push(name);
    joined
}

/// Makes the staging folder `.roicast-staging-<name>-<random>` in `parent`,
/// with the marker in it.
fn make_staging(parent: &Path, name: &OsStr) -> io::Result<PathBuf> {
    let mut prefix = prefixed(STAGING, name);
    prefix.push("-");
    let staging = tempfile::Builder::new().prefix(&prefix).rand_bytes(10).tempdir_in(parent)?.keep();
    if let Err(e) = write_marker(&staging) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    Ok(staging)
}

/// Writes the marker into `folder`.
fn write_marker(folder: &Path) -> io::Result<()> {
    fs::write(folder.join(MARKER), MARKER_TEXT)
}

/// True when `entry` is `<prefix><name>-<letters and digits>`: a leftover of
/// a run to the output folder `name`.
fn is_leftover_of(entry: &OsStr, prefix: &str, name: &OsStr) -> bool {
    let (entry, name) = (entry.as_encoded_bytes(), name.as_encoded_bytes());
    let Some(rest) = entry.strip_prefix(prefix.as_bytes()).and_then(|rest| rest.strip_prefix(name)) else {
        return false;
    };
    rest.strip_prefix(b"-").is_some_and(|random| !random.is_empty() && random.iter().all(u8::is_ascii_alphanumeric))
}

/// The folders in `parent` that killed runs to `name` left behind, with
/// whether each is a retired folder (old results) rather than a staging one.
fn leftovers(parent: &Path, name: &OsStr) -> Vec<(PathBuf, bool)> {
    let Ok(entries) = fs::read_dir(parent) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let entry_name = entry.file_name();
            let retired = is_leftover_of(&entry_name, RETIRED, name);
            let ours = retired || is_leftover_of(&entry_name, STAGING, name);
            let removable = entry.file_type().is_ok_and(|t| t.is_dir())
                && (has_marker(&entry.path()) || fs::read_dir(entry.path()).is_ok_and(|mut e| e.next().is_none()));
            (ours && removable).then(|| (entry.path(), retired))
        })
        .collect()
}

/// Puts back the old results a run killed between the two renames of a
/// two-rename swap left in a retired folder; true when it did.
fn restore_retired(parent: &Path, name: &OsStr, target: &Path) -> bool {
    leftovers(parent, name)
        .into_iter()
        .filter(|(path, retired)| *retired && has_marker(path))
        .any(|(path, _)| fs::rename(&path, target).is_ok())
}

/// Removes the leftovers of killed runs to `name` (best effort: what cannot
/// be removed now is tried again next time).
fn remove_leftovers(parent: &Path, name: &OsStr) {
    for (path, _) in leftovers(parent, name) {
        if let Err(e) = remove_marked_folder(&path) {
            warn(&format!("could not remove {}, left by an interrupted run: {e}", path.display()));
        }
    }
}

/// Removes a folder of roicast's, its marker last, so that a removal cut
/// short still leaves a folder the next run knows it may remove.
fn remove_marked_folder(folder: &Path) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    match fs::remove_file(folder.join(MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(folder)
}

/// Flushes every file and folder under `folder` (and `folder` itself) to disk.
fn sync_tree(folder: &Path) -> io::Result<()> {
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            File::open(entry.path())?.sync_all()?;
        }
    }
    File::open(folder)?.sync_all()
}

// ---------------------------------------------------------------------------
// The swap
// ---------------------------------------------------------------------------

/// Puts `staging` in place of `target`; returns where the previous results
/// now are, to be removed. `replaceable` says `target` is missing or an
/// empty folder, which a plain rename replaces atomically (and refuses to
/// replace once it holds anything).
fn swap(staging: &Path, target: &Path, replaceable: bool) -> io::Result<Option<PathBuf>> {
    if replaceable {
        return fs::rename(staging, target).map(|()| None);
    }
    let exchanged = match test_signal_point() {
        Some(point) if point == "between-renames" => Err(io::ErrorKind::Unsupported.into()),
        _ => exchange(staging, target),
    };
    match exchanged {
        Ok(()) => Ok(Some(staging.to_path_buf())),
        Err(e) if !unsupported(&e) => Err(e),
        Err(_) => {
            let retired = retired_name(staging);
            fs::rename(target, &retired)?;
            test_signal("between-renames");
            if let Err(e) = fs::rename(staging, target) {
                let _ = fs::rename(&retired, target);
                return Err(e);
            }
            Ok(Some(retired))
        }
    }
}

/// The retired folder's name that goes with a staging folder's.
fn retired_name(staging: &Path) -> PathBuf {
    let name = staging.file_name().unwrap_or_default().as_encoded_bytes();
    let random = name.strip_prefix(STAGING.as_bytes()).unwrap_or(name);
    // SAFETY: `random` is `name` less an ASCII prefix, so it starts at a
    // character boundary of the original encoding.
    let random = unsafe { OsStr::from_encoded_bytes_unchecked(random) };
    staging.with_file_name(prefixed(RETIRED, random))
}

/// True for the errors of a file system or kernel without `RENAME_EXCHANGE`.
fn unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) {
        return true;
    }
    e.kind() == io::ErrorKind::Unsupported
}

/// Swaps the folders `a` and `b` in one atomic step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

/// Swaps the folders `a` and `b` in one atomic step (not available here).
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

// ---------------------------------------------------------------------------
// The lock
// ---------------------------------------------------------------------------

/// An exclusive `flock` on `.roicast-lock-<name>` in the output folder's
/// parent. The holder removes the file before releasing it; a process that
/// locked a file someone removed meanwhile tries again with the new one.
#[derive(Debug)]
struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// Takes the lock, or refuses at once when another run holds it.
    fn acquire(path: &Path, out: &Path) -> Result<Lock, Error> {
        let cannot = |e: io::Error| {
            Error::Input(format!(
                "cannot write in {} (for --out {}): {e}",
                path.parent().unwrap_or(Path::new("/")).display(),
                out.display()
            ))
        };
        loop {
            let mut file =
                File::options().read(true).write(true).create(true).truncate(false).open(path).map_err(cannot)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let process = if holder.is_empty() { String::new() } else { format!(" (process {holder})") };
                    return Err(Error::Output {
                        what: out.display().to_string(),
                        message: format!(
                            "another roicast run{process} is writing this folder; wait for it to finish, or choose \
                             another --out"
                        ),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(cannot(e)),
            }
            if same_file(&file, path) {
                file.set_len(0).and_then(|()| writeln!(file, "{}", std::process::id())).map_err(cannot)?;
                return Ok(Lock { file, path: path.to_path_buf() });
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, then released as the file closes.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.flush();
    }
}

/// True when the open `file` is the file at `path`.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), fs::metadata(path)) {
            (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

// ---------------------------------------------------------------------------
// Signals
// ---------------------------------------------------------------------------

/// Where the process is in writing its output folder: what a signal must
/// clean up and report.
#[derive(Debug)]
enum Stage {
    /// No output folder prepared (yet, or any more after an error).
    Idle,
    /// An output folder prepared and not yet swapped in.
    Writing {
        /// `--out` as written.
        out: PathBuf,
        /// The staging folder to remove.
        staging: PathBuf,
        /// The lock file to remove.
        lock: PathBuf,
    },
    /// The new results are in place.
    Written {
        /// `--out` as written.
        out: PathBuf,
    },
}

/// The process's stage; the swap holds this mutex.
static STAGE: Mutex<Stage> = Mutex::new(Stage::Idle);

/// The stage, locked.
fn pending() -> MutexGuard<'static, Stage> {
    STAGE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes SIGINT and SIGTERM stop the process cleanly: the staging folder and
/// the lock file of the output folder being written are removed, one line
/// goes to stderr, and the process exits with 130 or 143.
pub fn stop_on_signals() -> Result<(), Error> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| Error::Output { what: "the signal handler".into(), message: e.to_string() })?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            interrupted(signal);
        }
    });
    Ok(())
}

/// Cleans up after SIGINT or SIGTERM and ends the process.
fn interrupted(signal: i32) -> ! {
    // Held until the process ends: no swap can start, and none is half done.
    let stage = pending();
    let message = match &*stage {
        Stage::Idle => "interrupted: no results written".to_string(),
        Stage::Writing { out, staging, lock } => {
            let _ = remove_marked_folder(staging);
            let _ = fs::remove_file(lock);
            format!("interrupted: no results written; {} is unchanged", out.display())
        }
        Stage::Written { out } => format!("interrupted: the new results were already written to {}", out.display()),
    };
    let clear_line = if std::io::IsTerminal::is_terminal(&io::stderr()) { "\r\x1b[2K" } else { "" };
    eprintln!("{clear_line}{message}");
    std::process::exit(128 + signal)
}

/// The point named by `ROICAST_TEST_SIGNAL` (`SIGNAL@POINT`), if set.
fn test_signal_point() -> Option<String> {
    let value = std::env::var("ROICAST_TEST_SIGNAL").ok()?;
    value.split_once('@').map(|(_, point)| point.to_string())
}

/// Sends this process the signal `ROICAST_TEST_SIGNAL` names, when it names
/// `point` (a test hook; see the module docs).
fn test_signal(point: &str) {
    let Ok(value) = std::env::var("ROICAST_TEST_SIGNAL") else { return };
    let Some((signal, at)) = value.split_once('@') else { return };
    if at != point {
        return;
    }
    #[cfg(unix)]
    {
        let signal = match signal {
            "KILL" => libc::SIGKILL,
            "INT" => libc::SIGINT,
            "TERM" => libc::SIGTERM,
            "STOP" => libc::SIGSTOP,
            _ => return,
        };
        // SAFETY: sends a signal to this process; no memory is involved.
        unsafe {
            libc::kill(libc::getpid(), signal);
        }
        if signal == libc::SIGINT || signal == libc::SIGTERM {
            // The handler's thread ends the process.
            loop {
                std::thread::park();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_recognised_by_the_exact_folder_name() {
        let name = OsStr::new("results");
        assert!(is_leftover_of(OsStr::new(".roicast-staging-results-a1B2c3"), STAGING, name));
        assert!(is_leftover_of(OsStr::new(".roicast-retired-results-a1B2c3"), RETIRED, name));
        // Another folder's, or not roicast's naming at all.
        assert!(!is_leftover_of(OsStr::new(".roicast-staging-results-2-a1B2c3"), STAGING, name));
        assert!(!is_leftover_of(OsStr::new(".roicast-staging-result-a1B2c3"), STAGING, name));
        assert!(!is_leftover_of(OsStr::new(".roicast-staging-results-"), STAGING, name));
        assert!(!is_leftover_of(OsStr::new(".roicast-staging-results"), STAGING, name));
        assert!(!is_leftover_of(OsStr::new(".roicast-retired-results-a1B2c3"), STAGING, name));
    }

    #[test]
    fn a_retired_name_keeps_the_staging_folders_letters() {
        let staging = Path::new("/x/.roicast-staging-out-Ab12");
        assert_eq!(retired_name(staging), Path::new("/x/.roicast-retired-out-Ab12"));
    }

    #[test]
    fn paths_resolve_through_existing_parts_and_apply_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::create_dir(base.join("a")).unwrap();
        assert_eq!(resolve(&base.join("a/./new/../other")).unwrap(), base.join("a/other"));
        assert_eq!(resolve(&base.join("a/..")).unwrap(), base);
        assert_eq!(resolve(&base.join("missing/deeper")).unwrap(), base.join("missing/deeper"));
    }

    #[test]
    fn a_marked_folder_is_removed_marker_last_and_a_foreign_one_is_not_roicasts() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("out");
        fs::create_dir_all(folder.join("charts")).unwrap();
        write_marker(&folder).unwrap();
        fs::write(folder.join("charts/a.png"), "x").unwrap();
        assert_eq!(classify(&folder, &folder).unwrap(), Previous::Marked);
        remove_marked_folder(&folder).unwrap();
        assert!(!folder.exists());

        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(MARKER), "my own notes\n").unwrap();
        assert!(classify(&folder, &folder).is_err(), "a marker must say roicast wrote the folder");
    }

    #[test]
    fn legacy_folders_are_roicasts_only_under_the_strict_rule() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("out");
        fs::create_dir_all(folder.join("charts")).unwrap();
        fs::write(folder.join("monthly.csv"), "set,month\n").unwrap();
        fs::write(folder.join("charts/npv-distribution.svg"), "<svg/>").unwrap();
        // No result file it recognises yet.
        assert!(classify(&folder, &folder).is_err());
        fs::write(folder.join("summary.json"), r#"{"manifest": {"roicast_version": "0.1.0"}}"#).unwrap();
        assert_eq!(classify(&folder, &folder).unwrap(), Previous::Legacy);
        // One file of someone else's is enough to refuse it.
        fs::write(folder.join("charts/notes.txt"), "mine").unwrap();
        assert!(classify(&folder, &folder).is_err());
    }
}
