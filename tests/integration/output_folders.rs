//! Output folders: roicast replaces only its own, never the working
//! directory or a scenario's folder, swaps results in so that a kill at any
//! instant leaves complete results, cleans up after killed runs, stops
//! cleanly on SIGINT and SIGTERM, and lets only one run write a folder.
//!
//! Kills and signals come from the test hook `ROICAST_TEST_SIGNAL=SIGNAL@POINT`
//! (see `src/app/output_folder.rs`), so no test depends on timing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{binary, read_json, roicast, roicast_in};

const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.toml");

/// Every file under `dir` with its bytes (folders as entries without bytes).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                folders.push(path);
                files.insert(relative, None);
            } else {
                files.insert(relative, Some(fs::read(&path).unwrap()));
            }
        }
    }
    files
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A user's folder: a document, a hidden file and a subfolder.
fn users_folder(dir: &Path) -> PathBuf {
    let folder = dir.join("u");
    fs::create_dir_all(folder.join("drafts")).unwrap();
    fs::write(folder.join("thesis.docx"), "chapter one").unwrap();
    fs::write(folder.join(".notes"), "remember").unwrap();
    fs::write(folder.join("drafts/summary.json"), "{}").unwrap();
    folder
}

/// `roicast run` of the quickstart scenario into `out` in `dir`, with a seed
/// (which summary.json records) and the environment `env`.
fn run_seeded(dir: &Path, out: &str, seed: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    roicast_in(dir, env, &["run", QUICKSTART, "--trials", "600", "--seed", seed, "-q", "--out", out])
}

/// Asserts that `out` holds the complete results of a run with `seed`.
#[track_caller]
fn assert_complete(out: &Path, seed: u64, files: &[String]) {
    assert_eq!(&names(out), files, "{}", out.display());
    assert_eq!(read_json(&out.join("summary.json"))["seed"], seed);
    assert!(names(&out.join("charts")).len() >= 16);
}

#[test]
fn a_folder_roicast_did_not_write_is_left_byte_for_byte_intact() {
    let dir = tempfile::tempdir().unwrap();
    let folder = users_folder(dir.path());
    let before = snapshot(dir.path());
    let runs: [&[&str]; 4] = [
        &["run", QUICKSTART, "--trials", "300", "-q", "--out", "u"],
        &["compare", QUICKSTART, QUICKSTART, "--trials", "300", "-q", "--out", "u"],
        &["conflation", concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/conflation.toml"), "--trials", "300", "-q"],
        &["plan", QUICKSTART, "--budget", "100k", "--trials", "300", "-q", "--out", "u"],
    ];
    for args in runs {
        let mut args = args.to_vec();
        if args[0] == "conflation" {
            args.extend(["--out", "u"]);
        }
        let (code, _, stderr) = roicast_in(dir.path(), &[], &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("roicast did not write") && stderr.contains("thesis.docx"), "{stderr}");
        assert_eq!(snapshot(dir.path()), before, "{args:?} touched the folder or left files beside it");
    }
    assert!(folder.join("thesis.docx").exists());
}

#[test]
fn the_working_directory_the_scenarios_folder_and_their_ancestors_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    fs::create_dir_all(project.join("plans")).unwrap();
    fs::copy(QUICKSTART, project.join("plans/q.toml")).unwrap();
    let other = dir.path().join("elsewhere");
    fs::create_dir_all(&other).unwrap();
    fs::copy(QUICKSTART, other.join("b.toml")).unwrap();
    let before = snapshot(dir.path());
    let b = other.join("b.toml");
    let cases: [(&[&str], &str); 6] = [
        (&["run", "plans/q.toml", "--out", "."], "is the working directory"),
        (&["run", "plans/q.toml", "--out", ".."], "holds the working directory"),
        (&["run", "plans/q.toml", "--out", "plans"], "is the folder of the scenario"),
        (&["run", "plans/q.toml", "--out", "plans/../plans/"], "is the folder of the scenario"),
        (&["compare", "plans/q.toml", b.to_str().unwrap(), "--out", other.to_str().unwrap()], "b.toml"),
        (&["plan", b.to_str().unwrap(), "--budget", "1M", "--out", dir.path().to_str().unwrap()], "holds"),
    ];
    for (args, why) in cases {
        let mut args = args.to_vec();
        args.extend(["--trials", "300", "-q"]);
        let (code, _, stderr) = roicast_in(&project, &[], &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(why) && stderr.contains("a folder of its own"), "{args:?}: {stderr}");
        assert_eq!(snapshot(dir.path()), before, "{args:?} touched something");
    }
}

#[test]
fn a_file_or_a_symbolic_link_as_out_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("report.txt"), "mine").unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink("real", dir.path().join("link")).unwrap();
    let before = snapshot(dir.path());
    let (code, _, stderr) = run_seeded(dir.path(), "report.txt", "1", &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is a file"), "{stderr}");
    for link in ["link", "link/"] {
        let (code, _, stderr) = run_seeded(dir.path(), link, "1", &[]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("symbolic link (to real)"), "{stderr}");
    }
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn roicasts_own_folders_empty_ones_and_those_of_earlier_versions_are_replaced() {
    let dir = tempfile::tempdir().unwrap();
    // Missing, then its own (marked) folder.
    assert_eq!(run_seeded(dir.path(), "out", "1", &[]).0, 0);
    let files = names(&dir.path().join("out"));
    assert!(files.contains(&roicast::app::MARKER.to_string()), "{files:?}");
    assert_eq!(run_seeded(dir.path(), "out", "2", &[]).0, 0);
    assert_complete(&dir.path().join("out"), 2, &files);
    // An empty folder.
    fs::create_dir(dir.path().join("empty")).unwrap();
    assert_eq!(run_seeded(dir.path(), "empty", "3", &[]).0, 0);
    assert_complete(&dir.path().join("empty"), 3, &files);
    // A folder an earlier roicast wrote: no marker, only its files.
    let legacy = dir.path().join("legacy");
    fs::create_dir_all(legacy.join("charts")).unwrap();
    fs::write(legacy.join("summary.json"), r#"{"trials": 5, "manifest": {"roicast_version": "0.1.0"}}"#).unwrap();
    fs::write(legacy.join("monthly.csv"), "set,month\n").unwrap();
    fs::write(legacy.join("charts/payback-curve.png"), "png").unwrap();
    assert_eq!(run_seeded(dir.path(), "legacy", "4", &[]).0, 0);
    assert_complete(&legacy, 4, &files);
    assert_eq!(names(dir.path()), ["empty", "legacy", "out"]);
}

#[test]
fn a_kill_at_any_point_of_the_swap_leaves_complete_results_and_the_next_run_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(run_seeded(dir.path(), "out", "1", &[]).0, 0);
    let files = names(&out);
    for (point, survivor) in [("before-swap", 1), ("after-swap", 2)] {
        assert_eq!(run_seeded(dir.path(), "out", "1", &[]).0, 0);
        let (code, _, stderr) =
            run_seeded(dir.path(), "out", "2", &[("ROICAST_TEST_SIGNAL", &format!("KILL@{point}"))]);
        assert_eq!(code, -1, "{point}: not killed: {stderr}");
        assert_complete(&out, survivor, &files);
        assert!(names(dir.path()).len() > 1, "{point}: the kill left nothing behind to clean up");
        assert_eq!(run_seeded(dir.path(), "out", "3", &[]).0, 0);
        assert_complete(&out, 3, &files);
        assert_eq!(names(dir.path()), ["out"], "{point}: leftovers not removed");
    }
}

#[test]
fn a_kill_between_the_two_renames_of_the_fallback_swap_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(run_seeded(dir.path(), "out", "1", &[]).0, 0);
    let files = names(&out);
    let (code, _, _) = run_seeded(dir.path(), "out", "2", &[("ROICAST_TEST_SIGNAL", "KILL@between-renames")]);
    assert_eq!(code, -1);
    // The one instant the fallback has without results under the name: the
    // old ones wait in the retired folder ...
    assert!(!out.exists());
    let retired: Vec<String> =
        names(dir.path()).into_iter().filter(|n| n.starts_with(".roicast-retired-out-")).collect();
    assert_eq!(retired.len(), 1, "{:?}", names(dir.path()));
    // ... and the next run puts them back before anything else (here it is
    // killed right after preparing).
    let (code, _, _) = run_seeded(dir.path(), "out", "3", &[("ROICAST_TEST_SIGNAL", "KILL@prepared")]);
    assert_eq!(code, -1);
    assert_complete(&out, 1, &files);
    // The fallback swap itself, run to the end.
    assert_eq!(run_seeded(dir.path(), "out", "4", &[]).0, 0);
    assert_complete(&out, 4, &files);
    assert_eq!(names(dir.path()), ["out"]);
}

#[test]
fn sigint_and_sigterm_remove_the_staging_folder_and_keep_the_old_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(run_seeded(dir.path(), "out", "1", &[]).0, 0);
    let before = snapshot(dir.path());
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let hook = format!("{signal}@prepared");
        let (got, stdout, stderr) = run_seeded(dir.path(), "out", "2", &[("ROICAST_TEST_SIGNAL", &hook)]);
        assert_eq!(got, code, "{signal}: {stderr}");
        assert_eq!(stderr, "interrupted: no results written; out is unchanged\n", "{signal}");
        assert!(stdout.is_empty(), "{stdout}");
        assert_eq!(snapshot(dir.path()), before, "{signal}: staging folder or lock file left, or results touched");
    }
    assert_eq!(read_json(&out.join("summary.json"))["seed"], 1);
}

#[test]
fn leftovers_of_killed_runs_to_the_folder_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let marked = |name: &str| {
        let folder = dir.path().join(name);
        fs::create_dir_all(folder.join("charts")).unwrap();
        fs::write(folder.join(roicast::app::MARKER), "This folder holds results written by roicast.\n").unwrap();
        fs::write(folder.join("trials.parquet"), vec![0u8; 100_000]).unwrap();
        fs::write(folder.join("charts/a.png"), "png").unwrap();
    };
    marked(".roicast-staging-out-Abc123");
    marked(".roicast-retired-out-Xyz789");
    fs::create_dir(dir.path().join(".roicast-staging-out-Empty0")).unwrap();
    // Another folder's leftovers, and a folder that only looks like one.
    marked(".roicast-staging-other-Abc123");
    fs::create_dir(dir.path().join(".roicast-staging-out-Mine00")).unwrap();
    fs::write(dir.path().join(".roicast-staging-out-Mine00/keep.txt"), "mine").unwrap();
    assert_eq!(run_seeded(dir.path(), "out", "1", &[]).0, 0);
    assert_eq!(names(dir.path()), [".roicast-staging-other-Abc123", ".roicast-staging-out-Mine00", "out"]);
}

#[test]
fn two_runs_to_one_folder_at_once_one_refuses_and_the_other_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_eq!(run_seeded(dir.path(), "out", "1", &[]).0, 0);
    let files = names(&out);
    // The first run stops itself once it holds the lock and has staged ...
    let mut first = binary()
        .current_dir(dir.path())
        .env("ROICAST_TEST_SIGNAL", "STOP@prepared")
        .args(["run", QUICKSTART, "--trials", "600", "--seed", "2", "-q", "--out", "out"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = first.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: waits for our own child to stop; `status` outlives the call.
    let waited = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED) };
    assert!(waited == pid && libc::WIFSTOPPED(status), "the first run did not stop");
    // ... the second is refused at once, and touches nothing ...
    let (code, _, stderr) = run_seeded(dir.path(), "out", "3", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(&format!("another roicast run (process {pid}) is writing this folder")), "{stderr}");
    assert_complete(&out, 1, &files);
    // ... and the first, resumed, finishes cleanly.
    // SAFETY: resumes our own stopped child.
    unsafe { libc::kill(pid, libc::SIGCONT) };
    assert!(first.wait().unwrap().success());
    assert_complete(&out, 2, &files);
    assert_eq!(names(dir.path()), ["out"]);
}

#[test]
fn a_parent_that_cannot_be_written_fails_before_the_simulation() {
    // sysfs takes no new folders, even from root.
    let (code, stdout, stderr) =
        roicast(&["run", QUICKSTART, "--trials", "200000", "--no-charts", "-q", "--out", "/sys/roicast-test/out"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/sys/roicast-test") && stdout.is_empty(), "{stderr}");
}
