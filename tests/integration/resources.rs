//! Resources checked before any work: input files of a bounded size and
//! valid UTF-8, and memory estimated (within a factor of 1.5 of the peaks
//! measured here) and refused before any trial runs.

use std::fs;
use std::path::Path;

use roicast::charts::style::grouped;
use roicast::footprint;
use roicast::scenario::Scenario;

use crate::util::{binary, roicast, roicast_in};

#[test]
fn an_endless_or_oversized_scenario_is_refused_before_it_is_read_whole() {
    let (code, _, stderr) = roicast(&["validate", "/dev/zero"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/dev/zero holds more than 10.0 MiB"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    fs::write(&big, "#".repeat(roicast::app::MAX_INPUT_FILE_BYTES as usize + 1)).unwrap();
    let (code, _, stderr) = roicast(&["run", big.to_str().unwrap(), "--out", dir.path().join("out").to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("big.toml holds more than 10.0 MiB") && stderr.contains("Limits"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn invalid_utf8_in_a_scenario_gets_the_line_and_column_of_the_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    // "Café" saved as Latin-1 on line 2: the é is the bad byte, after "name = \"Caf".
    fs::write(&path, b"# a scenario\nname = \"Caf\xE9\"\n").unwrap();
    let (code, _, stderr) = roicast(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("latin1.toml:2:12: byte 0xE9 is not valid UTF-8"), "{stderr}");
}

/// Runs `roicast` with `args` and returns its exit code, stdout and its
/// peak resident memory in bytes.
///
/// The peak is the `VmHWM` of `/proc/<pid>/status`, read while the process
/// is stopped right after it swapped its results in (the test hook
/// `STOP@after-swap`), when everything but printing is done. (`ru_maxrss`
/// would not do: Linux carries the spawning test process's own peak across
/// `exec` into it.)
fn peak_memory(args: &[&str]) -> (i32, String, u64) {
    use std::process::Stdio;
    let child = binary()
        .args(args)
        .env("ROICAST_TEST_SIGNAL", "STOP@after-swap")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: waits for our own child to stop (or end); `status` outlives the call.
    let waited = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED) };
    assert!(waited == pid && libc::WIFSTOPPED(status), "roicast {args:?} ended before its swap");
    let report = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = report
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status");
    // SAFETY: resumes our own stopped child.
    unsafe { libc::kill(pid, libc::SIGCONT) };
    let output = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(output.status.success(), "roicast {args:?}: {}", text(&output.stderr));
    (output.status.code().unwrap_or(-1), text(&output.stdout), kib * 1024)
}

/// A shipped scenario's path and its parsed scenario.
fn shipped(name: &str) -> (String, Scenario) {
    let path = format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::parse(&fs::read_to_string(&path).unwrap(), &path).unwrap();
    (path, scenario)
}

/// Asserts an estimate lies within a factor of 1.5 of a measured peak.
#[track_caller]
fn assert_within_half(what: &str, estimate: u64, peak: u64) {
    let ratio = estimate as f64 / peak as f64;
    eprintln!("{what}: estimated {estimate} bytes, measured peak {peak} bytes (ratio {ratio:.2})");
    assert!(
        (1.0 / 1.5..=1.5).contains(&ratio),
        "{what}: estimated {estimate} bytes, measured peak {peak} bytes (ratio {ratio:.2})"
    );
}

#[test]
fn memory_estimates_are_within_a_factor_of_one_and_a_half_of_the_measured_peaks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    // Every shipped scenario at its own trial count (the stress scenario's
    // 100,000 trials among them), with and without charts, on two threads.
    for name in ["quickstart.toml", "starter.toml", "it-vs-bpa.toml", "conflation.toml", "stress-12x60.toml"] {
        let (path, scenario) = shipped(name);
        for charts in [true, false] {
            let mut args = vec!["run", path.as_str(), "--threads", "2", "-q", "--out", out];
            if !charts {
                args.push("--no-charts");
            }
            let (_, _, peak) = peak_memory(&args);
            let estimate = footprint::run(&scenario, scenario.simulation.trials, 2, charts);
            assert_within_half(&format!("run {name} (charts {charts})"), estimate, peak);
        }
    }
    // The budget commands, at the default scenario's 20,000 trials.
    let (a, scenario_a) = shipped("it-vs-bpa.toml");
    let (b, scenario_b) = shipped("conflation.toml");
    let trials = scenario_a.simulation.trials;
    let commands: [(&str, Vec<&str>, u64); 3] = [
        ("compare", vec!["compare", &a, &b], footprint::paired(&scenario_a, &scenario_b, trials, 2, true)),
        ("conflation", vec!["conflation", &b], footprint::paired(&scenario_b, &scenario_b, trials, 2, true)),
        ("plan", vec!["plan", &a, "--budget", "500k"], footprint::plan(&scenario_a, 1, trials, 2, true)),
    ];
    for (what, mut args, estimate) in commands {
        args.extend(["--threads", "2", "-q", "--out", out]);
        let (_, _, peak) = peak_memory(&args);
        assert_within_half(what, estimate, peak);
    }
}

#[test]
fn an_oversized_run_is_refused_before_any_trial_runs_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (path, scenario) = shipped("quickstart.toml");
    let out_arg = out.to_str().unwrap();
    assert_eq!(roicast(&["run", &path, "--trials", "500", "-q", "--out", out_arg]).0, 0);
    let before = fs::read(out.join("summary.json")).unwrap();

    // A hundred million trials need gigabytes; 200 MiB is allowed. Had the
    // run gone as far as preparing its output folder, which comes before
    // any trial, the hook would have killed it (exit code -1).
    let kill_once_prepared = [("ROICAST_TEST_SIGNAL", "KILL@prepared")];
    let oversized = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--trials", "100000000", "--max-memory", "200M", "--threads", "2", "-q"]);
        roicast_in(dir.path(), &kill_once_prepared, &args)
    };
    let (code, _, message) = oversized(&["run", &path, "--out", out_arg]);
    assert_eq!(code, 2, "{message}");
    let needed = footprint::run(&scenario, 100_000_000, 2, true);
    assert!(message.contains(&format!("needs about {} of memory", roicast::format::bytes(needed))), "{message}");
    assert!(message.contains("more than --max-memory 200 MiB") && message.contains("--trials "), "{message}");
    assert!(message.contains("trials.parquet of about"), "{message}");
    // The folder is as it was, with nothing beside it.
    assert_eq!(fs::read(out.join("summary.json")).unwrap(), before);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

    // The budget commands are guarded too.
    let (code, _, message) = oversized(&["compare", &path, &path, "--out", out_arg]);
    assert!(code == 2 && message.contains("this comparison needs about"), "{message}");
    let (code, _, message) = oversized(&["plan", &path, "--budget", "1M", "--out", out_arg]);
    assert!(code == 2 && message.contains("this plan needs about"), "{message}");
    assert_eq!(fs::read(out.join("summary.json")).unwrap(), before);
}

#[test]
fn a_precision_run_grows_only_as_far_as_the_memory_allows_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (path, scenario) = shipped("quickstart.toml");
    let needs = |trials| footprint::run(&scenario, trials, 2, false);
    let budget = needs(100_000).to_string();
    let out = out.to_str().unwrap();
    let args = ["run", &path, "--precision", "0.01%", "--max-memory", &budget, "--threads", "2", "--no-charts"];
    let (code, stdout, stderr) = roicast(&[&args[..], &["--out", out]].concat());
    assert_eq!(code, 0, "{stderr}");
    let fit = footprint::most_trials(needs(100_000), roicast::cli::DEFAULT_MAX_TRIALS, needs);
    let summary = crate::util::read_json(&Path::new(out).join("summary.json"));
    assert_eq!(summary["trials"], fit);
    assert!(stdout.contains("NOT met"), "{stdout}");
    let note = format!("the run stopped at {} trials, the most that fit in --max-memory", grouped(fit));
    assert!(stdout.contains(&note), "{stdout}");
}
