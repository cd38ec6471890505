//! Small helpers shared by the integration tests.

use roicast::engine::{RunResults, RunSettings, SetResults};
use roicast::scenario::Scenario;

/// Parses a scenario that the test expects to be valid.
pub fn scenario(toml: &str) -> Scenario {
    match Scenario::parse(toml, "test.toml") {
        Ok(s) => s,
        Err(e) => panic!("test scenario does not parse: {e}\n{toml}"),
    }
}

/// Runs a scenario with the given trials and seed, without progress output.
pub fn run(s: &Scenario, trials: u64, seed: u64) -> RunResults {
    roicast::engine::run(s, RunSettings { trials, seed }, &|_| {})
}

/// Runs the `roicast` binary, asserts that it succeeds and returns its
/// standard output.
pub fn run_cli(args: &[&str]) -> String {
    let (code, stdout, stderr) = roicast(args);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    stdout
}

/// Runs the `roicast` binary; returns its exit code (-1 when a signal
/// ended it), stdout and stderr.
pub fn roicast(args: &[&str]) -> (i32, String, String) {
    roicast_with(binary().args(args))
}

/// A command that runs the `roicast` binary Cargo built for these tests.
pub fn binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_roicast"))
}

/// Runs the `roicast` binary in the folder `dir` with the environment
/// variables `env` added, like [`roicast`].
pub fn roicast_in(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    roicast_with(binary().current_dir(dir).envs(env.iter().copied()).args(args))
}

/// Runs a prepared `roicast` command; returns its exit code (-1 when a
/// signal ended it), stdout and stderr.
fn roicast_with(command: &mut std::process::Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

/// Reads a JSON file.
pub fn read_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Reads a JSON file with every number exactly as written: serde_json's
/// default float parser may miss the written value by one unit in the last
/// place, so each number is parsed again from its text with Rust's exact
/// parser (the values' order is the text's: serde_json preserves it).
pub fn read_json_exact(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut tokens = Vec::new();
    let (mut in_string, mut escaped, mut number) = (false, false, String::new());
    for c in text.chars() {
        if in_string {
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
        } else if c == '"' {
            in_string = true;
        } else if c.is_ascii_digit() || (number.is_empty() && c == '-') || (!number.is_empty() && "+-.eE".contains(c)) {
            number.push(c);
            continue;
        }
        if !number.is_empty() {
            tokens.push(std::mem::take(&mut number));
        }
    }
    fn exact(value: &mut serde_json::Value, tokens: &mut std::vec::IntoIter<String>) {
        match value {
            serde_json::Value::Number(n) => {
                let token = tokens.next().expect("a token per number");
                if n.is_f64() {
                    *value = serde_json::json!(token.parse::<f64>().unwrap());
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| exact(v, tokens)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|v| exact(v, tokens)),
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    exact(&mut value, &mut tokens.into_iter());
    value
}

/// The `[simulation]` table of a test scenario.
pub fn simulation(horizon_months: u32, discount_rate: f64, sampling: &str) -> String {
    format!(
        "[simulation]\nhorizon_months = {horizon_months}\ndiscount_rate = {discount_rate}\nsampling = \"{sampling}\"\n"
    )
}

/// Three initiatives (to follow a `[simulation]` table) that draw from every
/// shape of distribution, truncated ones included, and have risks with
/// uncertain rates, costs and abandonment. Gamma is a BPA owned by IT that
/// starts in month 2 and depends on Alpha; nothing depends on Beta, whose
/// build cost is [`BETA_BUILD_COST`].
pub const BUSY_INITIATIVES: &str = r#"
[[initiatives]]
name = "Alpha"
kind = "it"
build_cost = { pert = [1000, 2000, 5000] }
build_months = { uniform = [0.5, 4] }
run_cost_per_month = { triangular = [10, 20, 40] }
benefit_per_month = { lognormal = { p10 = 300, p90 = 900 } }
ramp_months = { uniform = [0, 3] }
pnl_visibility = { uniform = [0.1, 0.4] }
[[initiatives.risks]]
name = "Outage"
events_per_year = { pert = [0.5, 2, 6] }
cost_per_event = { lognormal = { p10 = 100, p90 = 2000 } }
benefit_pause_months = 1
abandon_probability = 0.1

[[initiatives]]
name = "Beta"
kind = "bpa"
build_cost = { normal = { mean = 3000, sd = 1500 }, min = 0 }
build_months = { pert = [2, 3, 6] }
benefit_per_month = { normal = { mean = 800, sd = 300 } }
[[initiatives.risks]]
name = "Outage"
events_per_year = 3
cost_per_event = { uniform = [0, 500] }
abandon_probability = 0.2

[[initiatives]]
name = "Gamma"
kind = "bpa"
owner = "it"
start_month = 2
build_cost = { uniform = [500, 1500] }
build_months = 2
benefit_per_month = { triangular = [100, 400, 600] }
depends_on = ["Alpha"]
[[initiatives.risks]]
name = "Breakage"
events_per_year = { uniform = [1, 4] }
cost_per_event = { pert = [0, 100, 900] }
benefit_pause_months = 2
abandon_probability = { uniform = [0, 0.3] }
"#;

/// The line of Beta's build cost in [`BUSY_INITIATIVES`].
pub const BETA_BUILD_COST: &str = "build_cost = { normal = { mean = 3000, sd = 1500 }, min = 0 }";

/// The results of a reported set, which must exist.
pub fn set<'a>(results: &'a RunResults, name: &str) -> &'a SetResults {
    results.set(name).unwrap_or_else(|| panic!("no set named {name:?}"))
}

/// Index of a reported set in `results.sets` (for `stats::monthly_rows`).
pub fn set_index(results: &RunResults, name: &str) -> usize {
    results.sets.iter().position(|s| s.spec.name == name).unwrap_or_else(|| panic!("no set named {name:?}"))
}

/// The draws of the uncertain input with this name, which must exist (as
/// the run stores them, in single precision).
pub fn column(results: &RunResults, name: &str) -> Vec<f64> {
    results
        .inputs
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| {
            let names: Vec<&str> = results.inputs.iter().map(|c| c.name.as_str()).collect();
            panic!("no input column {name:?}; have {names:?}")
        })
        .values
        .iter()
        .map(|&v| f64::from(v))
        .collect()
}

/// The bits of each value, to compare floats exactly (NaN included).
pub fn bits<T: Copy + Into<f64>>(x: &[T]) -> Vec<u64> {
    x.iter().map(|&v| v.into().to_bits()).collect()
}

/// Sample mean and sample standard deviation (n - 1).
pub fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Asserts that a sample mean is within `k` standard errors of `expected`.
pub fn assert_mean_near(what: &str, x: &[f64], expected: f64, k: f64) {
    let (mean, sd) = mean_sd(x);
    let se = sd / (x.len() as f64).sqrt();
    assert!(
        (mean - expected).abs() <= k * se,
        "{what}: sample mean {mean} vs expected {expected}: off by {:.2} SE (se = {se}, n = {})",
        (mean - expected).abs() / se,
        x.len()
    );
}

/// Asserts an observed share is within `k` binomial standard errors of `p`.
pub fn assert_share_near(what: &str, hits: usize, n: usize, p: f64, k: f64) {
    let share = hits as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (share - p).abs() <= k * se,
        "{what}: observed share {share} vs expected {p}: off by {:.2} SE (se = {se}, n = {n})",
        (share - p).abs() / se
    );
}

/// Kolmogorov-Smirnov statistic of a sample against a continuous CDF.
pub fn ks_statistic(sample: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut x = sample.to_vec();
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = cdf(v);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

/// Asymptotic one-sample KS critical value at alpha = 0.001:
/// `sqrt(-ln(alpha / 2) / 2) / sqrt(n)`.
pub fn ks_critical(n: usize) -> f64 {
    let alpha: f64 = 0.001;
    (-(alpha / 2.0).ln() / 2.0).sqrt() / (n as f64).sqrt()
}

/// Asserts that a sample follows a CDF (KS test at alpha = 0.001).
pub fn assert_ks(what: &str, sample: &[f64], cdf: impl Fn(f64) -> f64) {
    let d = ks_statistic(sample, cdf);
    let crit = ks_critical(sample.len());
    assert!(d <= crit, "{what}: KS statistic {d} exceeds the critical value {crit} (n = {})", sample.len());
}

/// Ranks 1..n (average ranks for ties).
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let (mx, _) = mean_sd(x);
    let (my, _) = mean_sd(y);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// Spearman rank correlation.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// `a` equals `b` to 1e-9, relative to the size of `b` (absolute below 1).
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

/// Asserts [`close`].
#[track_caller]
pub fn assert_close(what: &str, got: f64, want: f64) {
    assert!(close(got, want), "{what}: got {got}, want {want} (diff {})", got - want);
}

/// Fixed inputs and no discounting, so every figure is plain arithmetic.
/// Each initiative builds in month 1 and is live in months 2..24 (23 months):
///
/// | initiative | needs | spend | NPV                     |
/// | Big        |       | 60k   | 23 × 5k − 60k   = 55k   |
/// | Base       |       | 30k   | 23 × 1k − 30k   = −7k   |
/// | App1       | Base  | 10k   | 23 × 3k − 10k   = 59k   |
/// | App2       | App1  | 10k   | 23 × 2k − 10k   = 36k   |
/// | Small      |       | 20k   | 23 × 1.5k − 20k = 14.5k |
///
/// With a 60k budget the best initiative that can be funded alone, Big
/// (55k), is not in the best portfolio: Base + App1 + App2 (50k spend, NPV
/// 88k) beats it, then Base + App1 + Small (60k, exactly the budget, 66.5k),
/// Big (55k) and Base + App1 (52k). App2 is never funded without App1 and Base.
pub const HAND_PLAN: &str = r#"
name = "Hand-solvable plan"
[simulation]
trials = 300
horizon_months = 24
seed = 5
discount_rate = 0.0

[[initiatives]]
name = "Big"
kind = "it"
build_cost = 60000
build_months = 1
benefit_per_month = 5000

[[initiatives]]
name = "Base"
kind = "it"
build_cost = 30000
build_months = 1
benefit_per_month = 1000

[[initiatives]]
name = "App1"
kind = "bpa"
depends_on = ["Base"]
build_cost = 10000
build_months = 1
benefit_per_month = 3000

[[initiatives]]
name = "App2"
kind = "bpa"
depends_on = ["App1"]
build_cost = 10000
build_months = 1
benefit_per_month = 2000

[[initiatives]]
name = "Small"
kind = "it"
build_cost = 20000
build_months = 1
benefit_per_month = 1500
"#;
