//! Property test: whatever a slip of the keyboard does to a shipped
//! scenario, `validate` and `run` never panic; they exit 0, or 2 with an
//! error that names the file, line and column.
//!
//! Each case takes one of `scenarios/*.toml` and applies one to three
//! mutations: by lines (delete, duplicate, swap), by bytes (flip a bit,
//! insert, delete), by numbers (replace one with 0, -1, 1e308, NaN-ish text,
//! a huge integer, a percentage…) and truncation. The commands run in
//! process through [`roicast::app::execute`], with `--trials 20`
//! overriding whatever the file asks for (a mutated file may ask for a
//! billion), one thread, no charts. The seed is fixed, so a failure is
//! reproducible; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` search further.
//!
//! Most mutations leave a file invalid (then `run` stops where `validate`
//! does, in well under a millisecond) or change only a comment or spacing.
//! A run's outcome depends on nothing but the validated scenario, so a
//! scenario already run successfully is not run again: a case whose file
//! validates to the same scenario as an earlier one is validated only. The
//! others cost a few milliseconds each: the inverse-CDF tables of the
//! distributions a mutation left alone are kept from earlier runs
//! ([`roicast::dist::PREPARED_BYTES`]), and the folders live in memory
//! where the system has a tmpfs. 2,000 cases take about 11 seconds.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use clap::Parser;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use roicast::cli::Cli;
use roicast::error::Error;
use roicast::scenario::Scenario;

/// Cases run by default: enough to reach every key of every shipped
/// scenario with every kind of mutation, within seconds in release builds.
const CASES: u32 = 2_000;

/// Replacements for a number.
const NUMBERS: [&str; 18] = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "NaN",
    "1e15",
    "123456789012345678901234567890",
    "9223372036854775807",
    "1e-300",
    "0.5",
    "1",
    "600",
    "50%",
    "\"50%\"",
    "\"lots\"",
];

/// One edit of a scenario file.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    FlipBit(usize, u8),
    InsertByte(usize, u8),
    DeleteByte(usize),
    ReplaceNumber(usize, &'static str),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), 0..8u8).prop_map(|(i, bit)| Mutation::FlipBit(i, bit)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, byte)| Mutation::InsertByte(i, byte)),
        any::<usize>().prop_map(Mutation::DeleteByte),
        (any::<usize>(), proptest::sample::select(NUMBERS.as_slice())).prop_map(|(i, n)| Mutation::ReplaceNumber(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// The files of `scenarios/` with this extension, as `(file name, bytes)`.
fn shipped_files(extension: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
        .collect();
    files.sort();
    files
}

/// The shipped scenarios, as `(file name, bytes)`.
fn shipped() -> &'static [(String, Vec<u8>)] {
    static SHIPPED: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        let files = shipped_files("toml");
        assert!(files.len() >= 4, "expected the shipped scenarios in scenarios/");
        files
    })
}

/// A fresh folder for one case, in memory where the system has a tmpfs:
/// every run flushes its outputs to disk (fsync), which on a disk costs
/// more than the run itself, and the flushing is not what this test tests.
fn scratch_folder() -> tempfile::TempDir {
    let memory = Path::new("/dev/shm");
    if memory.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(memory)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// The shipped actuals ledgers, as `(file name, bytes)`.
fn ledgers() -> &'static [(String, Vec<u8>)] {
    static LEDGERS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    LEDGERS.get_or_init(|| shipped_files("csv"))
}

/// The byte ranges of the numbers in a text: a digit, or a sign before
/// one, not inside a word, and what follows it of a number.
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let starts = text[i].is_ascii_digit()
            || (matches!(text[i], b'-' | b'+') && text.get(i + 1).is_some_and(u8::is_ascii_digit));
        let inside_word = i > 0 && (text[i - 1].is_ascii_alphanumeric() || text[i - 1] == b'_' || text[i - 1] == b'.');
        if starts && !inside_word {
            let end = (i + 1..text.len())
                .find(|&j| !(text[j].is_ascii_digit() || matches!(text[j], b'.' | b'e' | b'E' | b'_' | b'+' | b'-')))
                .unwrap_or(text.len());
            found.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// Applies a mutation to the bytes of a file.
fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let lines = |bytes: &[u8]| -> Vec<Vec<u8>> { bytes.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect() };
    match mutation {
        Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) | Mutation::SwapLines(i, _) => {
            let mut all = lines(bytes);
            if all.is_empty() {
                return;
            }
            let count = all.len();
            let a = i % count;
            match mutation {
                Mutation::DeleteLine(_) => {
                    all.remove(a);
                }
                Mutation::DuplicateLine(_) => all.insert(a, all[a].clone()),
                Mutation::SwapLines(_, j) => all.swap(a, j % count),
                _ => unreachable!("a line mutation"),
            }
            *bytes = all.concat();
        }
        Mutation::FlipBit(i, bit) if !bytes.is_empty() => {
            let at = i % bytes.len();
            bytes[at] ^= 1 << bit;
        }
        Mutation::InsertByte(i, byte) => {
            let at = i % (bytes.len() + 1);
            bytes.insert(at, *byte);
        }
        Mutation::DeleteByte(i) if !bytes.is_empty() => {
            let at = i % bytes.len();
            bytes.remove(at);
        }
        Mutation::ReplaceNumber(i, replacement) => {
            let found = numbers(bytes);
            if !found.is_empty() {
                let (start, end) = found[i % found.len()];
                bytes.splice(start..end, replacement.bytes());
            }
        }
        Mutation::Truncate(i) => {
            let at = i % (bytes.len() + 1);
            bytes.truncate(at);
        }
        Mutation::FlipBit(..) | Mutation::DeleteByte(_) => {}
    }
}

/// Runs one command in process; a panic is a failure, named with the file.
fn execute(args: &[&str], file: &Path) -> Result<i32, Error> {
    let command = Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}")).into_command();
    match catch_unwind(AssertUnwindSafe(|| roicast::app::execute(command))) {
        Ok(result) => result,
        Err(_) => {
            panic!("`roicast {}` panicked on\n{}", args[1], String::from_utf8_lossy(&std::fs::read(file).unwrap()))
        }
    }
}

/// Checks the outcome of a command on `file` whose bytes are `bytes`.
fn check(outcome: Result<i32, Error>, file: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    let Err(error) = outcome else {
        let code = outcome.unwrap_or_default();
        prop_assert_eq!(code, 0);
        return Ok(());
    };
    let shown = error.to_string();
    prop_assert_eq!(error.exit_code(), 2, "not bad input: {}", shown);
    let name = file.display().to_string();
    prop_assert!(shown.contains(&name), "the error does not name the file: {}", shown);
    match &error {
        Error::Scenario(e) => {
            let text = String::from_utf8_lossy(bytes);
            let lines = text.split('\n').count();
            prop_assert!(shown.starts_with(&format!("{name}:{}:{}: ", e.line, e.column)), "{}", shown);
            prop_assert!(e.line >= 1 && e.line <= lines && e.column >= 1, "{} ({lines} lines)", shown);
        }
        // A file that is not UTF-8 cannot be read as text at all.
        _ => prop_assert!(std::str::from_utf8(bytes).is_err(), "bad input without a line and column: {}", shown),
    }
    Ok(())
}

/// What a file validates to, as text, the same for every file that holds
/// the same scenario (whatever its comments, spacing or hash); `None` when it
/// does not validate.
fn validated(bytes: &[u8]) -> Option<String> {
    let mut scenario = Scenario::parse(std::str::from_utf8(bytes).ok()?, "scenario.toml").ok()?;
    scenario.source_sha256.clear();
    Some(format!("{scenario:?}"))
}

/// The scenarios already run successfully, as [`validated`] gives them.
static RUN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// 2,000 cases from a fixed seed; `PROPTEST_CASES` and `PROPTEST_RNG_SEED`
/// choose others (to search further than CI does).
fn config() -> Config {
    fn var<T: std::str::FromStr>(name: &str) -> Option<T> {
        std::env::var(name).ok().and_then(|v| v.parse().ok())
    }
    let cases = var("PROPTEST_CASES").unwrap_or(CASES);
    let seed: u64 = var("PROPTEST_RNG_SEED").unwrap_or(20_261_205);
    Config { cases, failure_persistence: None, rng_seed: RngSeed::Fixed(seed), ..Config::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_scenarios_never_panic_and_name_the_file_line_and_column(
        scenario in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..=3),
    ) {
        let (name, original) = &shipped()[scenario % shipped().len()];
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let dir = scratch_folder();
        // The ledgers a scenario's [actuals] names sit beside it, as shipped.
        for (ledger, text) in ledgers() {
            std::fs::write(dir.path().join(ledger), text).unwrap();
        }
        let file = dir.path().join(name);
        std::fs::write(&file, &bytes).unwrap();
        let path = file.to_str().unwrap();
        let out = dir.path().join("out");
        let out = out.to_str().unwrap();
        check(execute(&["roicast", "validate", path], &file), &file, &bytes)?;
        let scenario = validated(&bytes);
        let already_run = |s: &String| RUN.lock().unwrap().as_ref().is_some_and(|run| run.contains(s));
        if scenario.as_ref().is_some_and(already_run) {
            return Ok(());
        }
        let run = ["roicast", "run", path, "--trials", "20", "--threads", "1", "--no-charts", "--no-reports", "--quiet", "--out", out];
        check(execute(&run, &file), &file, &bytes)?;
        // Remembered only once it passed, so a failing case is run again while it is shrunk.
        if let Some(scenario) = scenario {
            RUN.lock().unwrap().get_or_insert_with(HashSet::new).insert(scenario);
        }
    }
}

#[test]
fn mutations_do_what_they_say() {
    let mut text = b"a = 1\nb = -2.5e3\nc = \"x9\"\n".to_vec();
    assert_eq!(numbers(&text), vec![(4, 5), (10, 16)]);
    apply(&mut text, &Mutation::ReplaceNumber(1, "1e308"));
    assert_eq!(text, b"a = 1\nb = 1e308\nc = \"x9\"\n");
    apply(&mut text, &Mutation::SwapLines(0, 2));
    assert_eq!(text, b"c = \"x9\"\nb = 1e308\na = 1\n");
    apply(&mut text, &Mutation::DeleteLine(1));
    assert_eq!(text, b"c = \"x9\"\na = 1\n");
    apply(&mut text, &Mutation::Truncate(7));
    assert_eq!(text.len(), 7);
}
