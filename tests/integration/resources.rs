//! Resources checked before any work: input files of a bounded size and
//! valid UTF-8, and memory estimated (within a factor of 1.5 of the peaks
//! measured here) and refused before any trial runs.

use std::fs;

use roicast::charts::style::grouped;
use roicast::footprint;
use roicast::scenario::Scenario;

use crate::util::roicast;

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

/// What a finished `roicast` child did: exit code, stdout, stderr and peak
/// resident memory in bytes (`ru_maxrss` from `wait4`).
struct Finished {
    code: i32,
    stdout: String,
    stderr: String,
    peak: u64,
}

/// Runs `roicast` with `args` and measures its peak memory.
fn measured(args: &[&str]) -> Finished {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("roicast"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: reaps our own child; `status` and `usage` outlive the call.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    let peak = usage.ru_maxrss as u64 * 1024;
    Finished { code, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap(), peak }
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
            let run = measured(&args);
            assert_eq!(run.code, 0, "{name}: {}", run.stderr);
            let estimate = footprint::run(&scenario, scenario.simulation.trials, 2, charts);
            assert_within_half(&format!("run {name} (charts {charts})"), estimate, run.peak);
        }
    }
    // The budget commands, at the default scenario's 20,000 trials.
    let (a, scenario_a) = shipped("it-vs-bpa.toml");
    let (b, scenario_b) = shipped("conflation.toml");
    let trials = scenario_a.simulation.trials;
    let commands: [(&str, Vec<&str>, u64); 3] = [
        ("compare", vec!["compare", &a, &b], footprint::paired(&scenario_a, &scenario_b, trials, 2, true)),
        ("conflation", vec!["conflation", &b], footprint::paired(&scenario_b, &scenario_b, trials, 2, true)),
        ("plan", vec!["plan", &a, "--budget", "500k"], footprint::plan(&scenario_a, trials, 2, true)),
    ];
    for (what, mut args, estimate) in commands {
        args.extend(["--threads", "2", "-q", "--out", out]);
        let run = measured(&args);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        assert_within_half(what, estimate, run.peak);
    }
}

#[test]
fn an_oversized_run_is_refused_before_any_trial_runs_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (path, scenario) = shipped("quickstart.toml");
    let out_arg = out.to_str().unwrap();
    let earlier = measured(&["run", &path, "--trials", "500", "-q", "--out", out_arg]);
    assert_eq!(earlier.code, 0, "{}", earlier.stderr);
    let before = fs::read(out.join("summary.json")).unwrap();

    // A hundred million trials need gigabytes; 200 MiB is allowed.
    let run = measured(&["run", &path, "--trials", "100000000", "--max-memory", "200M", "-q", "--out", out_arg]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let needed = footprint::run(&scenario, 100_000_000, roicast_workers(), true);
    let message = &run.stderr;
    assert!(message.contains(&format!("needs about {} of memory", roicast::format::bytes(needed))), "{message}");
    assert!(message.contains("more than --max-memory 200 MiB") && message.contains("--trials "), "{message}");
    assert!(message.contains("trials.parquet of about"), "{message}");
    // No trial ran: the process never held more than a few of the
    // simulation's blocks would take, and the folder is as it was, with
    // nothing beside it.
    assert!(run.peak < 64 << 20, "peak {} bytes", run.peak);
    assert_eq!(fs::read(out.join("summary.json")).unwrap(), before);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);

    // The budget commands are guarded too.
    let compare = measured(&["compare", &path, &path, "--trials", "100000000", "--max-memory", "200M", "-q"]);
    assert!(compare.code == 2 && compare.stderr.contains("this comparison needs about"), "{}", compare.stderr);
    let plan = measured(&["plan", &path, "--budget", "1M", "--trials", "100000000", "--max-memory", "200M", "-q"]);
    assert!(plan.code == 2 && plan.stderr.contains("this plan needs about"), "{}", plan.stderr);
}

/// The worker threads roicast uses without `--threads`.
fn roicast_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn a_precision_run_grows_only_as_far_as_the_memory_allows_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (path, scenario) = shipped("quickstart.toml");
    let needs = |trials| footprint::run(&scenario, trials, 2, false);
    let budget = needs(100_000);
    let args = ["run", &path, "--precision", "0.01%", "--max-memory", &budget.to_string(), "--threads", "2"];
    let run = measured(&[&args[..], &["--no-charts", "-q", "--out", out.to_str().unwrap()]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fit = footprint::most_trials(budget, roicast::cli::DEFAULT_MAX_TRIALS, needs);
    let summary = crate::util::read_json(&out.join("summary.json"));
    assert_eq!(summary["trials"], fit);
    assert!(run.stdout.contains("NOT met"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("the run stopped at {} trials, the most that fit in --max-memory", grouped(fit))),
        "{}",
        run.stdout
    );
}
