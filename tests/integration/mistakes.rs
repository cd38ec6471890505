//! Every mistake gets a clear answer: percentages where people write them,
//! whole percentages written as plain numbers, unknown keys and names with
//! "did you mean", names that could break a terminal or a table, and
//! initiatives that cannot act inside the horizon.

use roicast::scenario::{Scenario, ScenarioError};

use crate::util::roicast;

const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");

/// A scenario of two initiatives, B depending on A, with `sim` as the
/// `[simulation]` lines after the horizon and `a`, `b` as extra lines of A's and B's tables.
fn two(sim: &str, a: &str, b: &str) -> String {
    format!(
        "[simulation]\nhorizon_months = 36\n{sim}\n\
         [[initiatives]]\nname = \"Alpha\"\nkind = \"it\"\nbuild_cost = 1000\nbuild_months = 2\nbenefit_per_month = 100\n{a}\n\
         [[initiatives]]\nname = \"Beta\"\nkind = \"bpa\"\nbuild_cost = 1000\nbuild_months = 2\nbenefit_per_month = 100\n{b}\n"
    )
}

const RATE: &str = "discount_rate = 0.1";

fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::parse(text, "mistake.toml")
}

fn error(text: &str) -> ScenarioError {
    match parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle:?} not in\n{text}")) + 1
}

/// The fixed value of an initiative's input.
fn fixed(s: &Scenario, input: &str) -> f64 {
    let i = s.input_index(input).unwrap_or_else(|| panic!("no input {input}"));
    s.inputs[i].distribution.fixed_value().unwrap_or_else(|| panic!("{input} is not fixed"))
}

#[test]
fn rates_shares_and_probabilities_take_percent_strings() {
    let text = two(
        "discount_rate = \"9%\"\n[conflation]\nextra_abandon_probability = \"10%\"",
        "pnl_visibility = \"85%\"\n[[initiatives.risks]]\nname = \"Outage\"\nevents_per_year = 1\n\
         cost_per_event = 10\nabandon_probability = \"15%\"",
        "pnl_visibility = { uniform = [\"20%\", \"40%\"] }",
    );
    let s = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.simulation.discount_rate, 0.09);
    assert_eq!(s.conflation.extra_abandon_probability, 0.1);
    assert_eq!(fixed(&s, "Alpha.pnl_visibility"), 0.85);
    assert_eq!(fixed(&s, "Alpha.Outage.abandon_probability"), 0.15);
    let beta = s.input_index("Beta.pnl_visibility").unwrap();
    assert_eq!(s.inputs[beta].distribution.support(), (0.2, 0.4));
    // A rate of 100% a year or more is unambiguous written as a percentage.
    let s = parse(&two("discount_rate = \"150%\"", "", "")).unwrap();
    assert_eq!(s.simulation.discount_rate, 1.5);
    // Costs and months are not shares.
    let err = error(&two(RATE, "build_months = \"5%\"", "").replacen("build_months = 2\n", "", 1));
    assert!(err.key.ends_with("build_months") && err.message.contains("only a share or a probability"), "{err}");
}

#[test]
fn a_whole_percentage_written_as_a_plain_number_is_an_error_with_a_hint() {
    for (rate, hint) in [("9", "did you mean 0.09 or \"9%\"?"), ("1", "did you mean 0.01 or \"1%\"?")] {
        let text = two(&format!("discount_rate = {rate}"), "", "");
        let err = error(&text);
        assert_eq!((err.key.as_str(), err.line), ("simulation.discount_rate", line_of(&text, "discount_rate")));
        assert!(err.message.contains(hint), "{err}");
    }
    let err = error(&two("discount_rate = \"1500%\"", "", ""));
    assert!(err.message.contains("1000%"), "{err}");
    // For a share, exactly 1 is legitimate; above 1 is the mistake.
    assert_eq!(fixed(&parse(&two(RATE, "pnl_visibility = 1", "")).unwrap(), "Alpha.pnl_visibility"), 1.0);
    let err = error(&two(RATE, "pnl_visibility = 85", ""));
    assert!(err.message.contains("did you mean 0.85 or \"85%\"?"), "{err}");
    let err = error(&two(RATE, "pnl_visibility = \"120%\"", ""));
    assert!(err.message.contains("120%") && err.message.contains("[0, 1]"), "{err}");
    let risk = "[[initiatives.risks]]\nname = \"R\"\nevents_per_year = 1\ncost_per_event = 1\nabandon_probability = 15";
    assert!(error(&two(RATE, risk, "")).message.contains("did you mean 0.15 or \"15%\"?"));
    let conflation = "discount_rate = 0.1\n[conflation]\nextra_abandon_probability = 10";
    assert!(error(&two(conflation, "", "")).message.contains("did you mean 0.1 or \"10%\"?"));
    let err = error(&two(RATE, "pnl_visibility = { uniform = [20, 40] }", ""));
    assert!(err.message.contains("0.2 or \"20%\""), "{err}");
}

#[test]
fn validate_no_longer_calls_nine_hundred_percent_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rate.toml");
    let text = std::fs::read_to_string(format!("{SHIPPED}quickstart.toml")).unwrap();
    std::fs::write(&path, text.replace("discount_rate = 0.10", "discount_rate = 9")).unwrap();
    let (code, stdout, stderr) = roicast(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{stdout}");
    assert!(!stdout.contains("is valid"), "{stdout}");
    assert!(stderr.contains("rate.toml:") && stderr.contains("did you mean 0.09 or \"9%\"?"), "{stderr}");
}

#[test]
fn an_unquoted_percentage_gets_both_forms() {
    let text = two("discount_rate = 9%", "", "");
    let err = error(&text);
    assert_eq!((err.line, err.column), (line_of(&text, "discount_rate"), "discount_rate = ".len() + 1));
    assert!(err.message.contains("0.09 or \"9%\""), "{err}");
    assert!(!err.message.contains("string values must be quoted"), "{err}");
    let err = error(&two(RATE, "pnl_visibility = { uniform = [20%, 40%] }", ""));
    assert!(err.message.contains("0.2 or \"20%\""), "{err}");
    let err = error(&two(RATE, "", "").replace("build_cost = 1000", "build_cost = 250k"));
    assert!(err.message.contains("250000"), "{err}");
}

#[test]
fn a_misspelled_table_is_named_at_its_own_line() {
    let text = std::fs::read_to_string(format!("{SHIPPED}it-vs-bpa.toml")).unwrap();
    // Only the first [[initiatives]]: its [[initiatives.risks]] then makes
    // the next [[initiatives]] a duplicate key in TOML's eyes.
    let bad = text.replacen("[[initiatives]]\n", "[[initiative]]\n", 1);
    let err = error(&bad);
    assert_eq!(err.line, line_of(&bad, "[[initiative]]"), "{err}");
    assert!(err.message.contains("unknown table [[initiative]] (did you mean [[initiatives]]?)"), "{err}");
    let bad = text.replacen("[[initiatives.risks]]", "[[initiatives.risk]]", 1);
    let err = error(&bad);
    assert_eq!(err.line, line_of(&bad, "[[initiatives.risk]]"));
    assert!(err.message.contains("did you mean [[initiatives.risks]]?"), "{err}");
    let bad = text.replacen("[simulation]", "[simulaton]", 1);
    assert!(error(&bad).message.contains("did you mean [simulation]?"));
}

#[test]
fn unknown_keys_point_at_their_line_with_the_closest_key() {
    let cases = [
        (two(RATE, "buld_cost = 5", ""), "buld_cost", "did you mean `build_cost`?"),
        (two("discount_rat = 0.1", "", ""), "discount_rat", "did you mean `discount_rate`?"),
        (format!("nmae = \"x\"\n{}", two(RATE, "", "")), "nmae", "did you mean `name`?"),
        // A key of the initiative written after its risk belongs to the risk.
        (
            two(
                RATE,
                "[[initiatives.risks]]\nname = \"R\"\nevents_per_year = 1\ncost_per_event = 1\npnl_visibility = 0.5",
                "",
            ),
            "pnl_visibility",
            "belongs in [[initiatives]]",
        ),
        (two(&format!("{RATE}\nkind = \"it\""), "", ""), "kind = \"it\"", "belongs in [[initiatives]]"),
        (two(RATE, "ramp_months = { uniform = [1, 2], mx = 3 }", ""), "mx = 3", "did you mean `max`?"),
        // One pair of brackets too few or too many.
        (two(RATE, "", "").replacen("[[initiatives]]", "[initiatives]", 1), "[initiatives]", "write [[initiatives]]"),
        (two(RATE, "", "").replace("[simulation]", "[[simulation]]"), "[[simulation]]", "write [simulation]"),
    ];
    for (text, needle, hint) in cases {
        let err = error(&text);
        assert_eq!(err.line, line_of(&text, needle), "{err}");
        assert!(err.message.contains(hint), "{err}");
    }
}

#[test]
fn misspelled_references_get_the_closest_name() {
    let err = error(&two(RATE, "", "depends_on = [\"Alpah\"]"));
    assert!(err.message.contains("no initiative is named \"Alpah\" (did you mean \"Alpha\"?)"), "{err}");
    let uncertain = "build_months = { uniform = [1, 3] }";
    let correlation = |between: &str| {
        two(RATE, "", "").replace("build_months = 2", uncertain)
            + &format!("[[correlations]]\nbetween = [{between}]\nrank_correlation = 0.5\n")
    };
    let err = error(&correlation("\"Alpha.build_months\", \"Beta.bild_months\""));
    assert!(err.message.contains("(did you mean \"Beta.build_months\"?)"), "{err}");
    let risk = "[[initiatives.risks]]\nname = \"R\"\nevents_per_year = 1\ncost_per_event = { uniform = [1, 2] }";
    let text = two(RATE, risk, "").replace(
        "kind = \"bpa\"\nbuild_cost = 1000\nbuild_months = 2",
        &format!("kind = \"bpa\"\nbuild_cost = 1000\n{uncertain}"),
    ) + "[[correlations]]\nbetween = [\"Alpha.R.cost_per_event\", \"Beta.build_months\"]\nrank_correlation = 0.5\n";
    assert!(error(&text).message.contains("drawn afresh for every event"));
    let err = error(&two(RATE, "", "").replace("kind = \"bpa\"", "kind = \"bap\""));
    assert!(err.message.contains("did you mean \"bpa\"?"), "{err}");
    let err = error(&two(RATE, "owner = \"operation\"", ""));
    assert!(err.message.contains("did you mean \"operations\"?"), "{err}");
    let err = error(&two(&format!("{RATE}\nsampling = \"latin hypercube\""), "", ""));
    assert!(err.message.contains("did you mean \"latin-hypercube\"?"), "{err}");
}

#[test]
fn names_with_terminal_control_or_invisible_characters_are_rejected() {
    let cases = [
        ("Evil\\u001b]0;pwned\\u0007", "U+001B (ESC)", "Evil".len()),
        ("Tab\\there", "U+0009 (TAB)", "Tab".len()),
        ("Zero\u{200B}width", "U+200B", "Zero".len()),
        ("Right\u{202E}to left", "U+202E", "Right".len()),
        ("Isolate\u{2066}d", "U+2066", "Isolate".len()),
        ("Mark\u{200F}", "U+200F", "Mark".len()),
    ];
    for (name, shown, before) in cases {
        let text = two(RATE, "", "").replace("name = \"Beta\"", &format!("name = \"{name}\""));
        let err = error(&text);
        assert_eq!(err.line, line_of(&text, name), "{err}");
        // The column is that of the character (or its escape) inside the quotes.
        assert_eq!(err.column, "name = \"".chars().count() + before + 1, "{name}: {err}");
        assert!(err.message.contains(shown), "{err}");
    }
    // A risk's name, the scenario's name and its currency follow the same rules.
    let risk = "[[initiatives.risks]]\nname = \"R\\rX\"\nevents_per_year = 1\ncost_per_event = 1";
    assert!(error(&two(RATE, risk, "")).message.contains("U+000D (CR)"));
    assert!(error(&format!("name = \"A\\u0000\"\n{}", two(RATE, "", ""))).message.contains("U+0000 (NUL)"));
    assert!(error(&format!("currency = \"\\u001b[31m\"\n{}", two(RATE, "", ""))).message.contains("ESC"));
    let err = error(&format!("description = \"fine\\n\\u001b]0;x\\u0007\"\n{}", two(RATE, "", "")));
    assert!(err.key == "description" && err.message.contains("ESC"), "{err}");
}

#[test]
fn long_names_are_rejected_and_never_break_a_table() {
    let name = "N".repeat(201);
    let text = two(RATE, "", "").replace("name = \"Beta\"", &format!("name = \"{name}\""));
    let err = error(&text);
    assert!(err.message.contains("201 characters") && err.message.contains("200"), "{err}");
    assert!(parse(&text.replace(&name, &"é".repeat(200))).is_ok());
    // The name that used to panic `run` (a format width beyond 65,535).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.toml");
    std::fs::write(&path, text.replace(&name, &"N".repeat(65_531))).unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) =
        roicast(&["run", path.to_str().unwrap(), "--trials", "10", "--no-charts", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("long.toml:") && stderr.contains("65531 characters"), "{stderr}");
}

#[test]
fn names_are_one_name_in_any_unicode_encoding() {
    let (composed, decomposed) = ("Caf\u{e9}", "Cafe\u{301}");
    // Two initiatives whose names differ only in encoding are one name, twice.
    let text = two(RATE, "", "")
        .replace("\"Alpha\"", &format!("\"{composed}\""))
        .replace("\"Beta\"", &format!("\"{decomposed}\""));
    let err = error(&text);
    assert!(err.message.contains("used by two initiatives"), "{err}");
    // A reference written in the other encoding still finds its initiative and input.
    let text = format!(
        "[simulation]\nhorizon_months = 36\n{RATE}\n\
         [[initiatives]]\nname = \"{composed}\"\nkind = \"it\"\nbuild_cost = 1000\n\
         build_months = {{ uniform = [1, 3] }}\nbenefit_per_month = 100\n\
         [[initiatives]]\nname = \"Beta\"\nkind = \"bpa\"\nbuild_cost = 1000\nbuild_months = 2\n\
         benefit_per_month = {{ uniform = [1, 3] }}\ndepends_on = [\"{decomposed}\"]\n\
         [[correlations]]\nbetween = [\"{decomposed}.build_months\", \"Beta.benefit_per_month\"]\nrank_correlation = 0.5\n"
    );
    let s = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(s.initiatives[0].name, composed);
    assert_eq!(s.initiatives[1].depends_on, vec![0]);
    assert_eq!(s.correlations.len(), 1);
    assert_eq!(s.inputs[s.correlations[0].first].name, format!("{composed}.build_months"));
}

#[test]
fn errors_never_echo_a_terminal_escape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("escape.toml");
    let text = two(RATE, "", "").replace("kind = \"bpa\"", "kind = \"\\u001b]0;pwned\\u0007\"");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, stderr) = roicast(&["validate", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(!stderr.contains('\u{1b}') && !stdout.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("\\u{1b}]0;pwned"), "{stderr}");
}

/// An initiative `name` with these lines, to follow a 36-month `[simulation]`.
fn initiative(name: &str, lines: &str) -> String {
    format!(
        "\n[[initiatives]]\nname = \"{name}\"\nkind = \"it\"\nbuild_cost = 1000\nbenefit_per_month = 100\n{lines}\n"
    )
}

const SIM_36: &str = "[simulation]\nhorizon_months = 36\ndiscount_rate = 0.1\n";

/// The warnings of a valid scenario, as `(key, line, message)`.
fn warnings(text: &str) -> Vec<(String, usize, String)> {
    let s = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    s.warnings().iter().map(|w| (w.key.clone(), w.line, w.message.clone())).collect()
}

#[test]
fn initiatives_that_cannot_go_live_within_the_horizon_are_warned_about() {
    let text = [
        SIM_36.to_string(),
        initiative("Late start", "start_month = 40\nbuild_months = 2"),
        initiative("Long build", "start_month = 30\nbuild_months = { uniform = [6, 9] }"),
        initiative("Waits", "build_months = 1\ndepends_on = [\"Late start\"]"),
        initiative("Probably late", "build_months = { uniform = [20, 60] }"),
        initiative("Just in time", "start_month = 33\nbuild_months = { uniform = [1.5, 2] }"),
    ]
    .concat();
    let found = warnings(&text);
    let keys: Vec<&str> = found.iter().map(|w| w.0.as_str()).collect();
    assert_eq!(
        keys,
        [
            "initiatives[0] \"Late start\".start_month",
            "initiatives[1] \"Long build\".build_months",
            "initiatives[2] \"Waits\".depends_on",
            "initiatives[3] \"Probably late\".build_months",
        ],
        "{found:?}"
    );
    let line = |needle: &str| line_of(&text, needle);
    let expected = [
        (line("start_month = 40"), "cannot go live within the 36-month horizon: work starts after month 40"),
        (line("uniform = [6, 9]"), "shortest build takes 6 whole months after month 30"),
        (line("depends_on"), "waits for \"Late start\", whose first live month is month 43 at the earliest"),
        (line("uniform = [20, 60]"), "in at least half of the trials it cannot go live"),
    ];
    for ((_, got_line, message), (want_line, want)) in found.iter().zip(expected) {
        assert_eq!(*got_line, want_line, "{message}");
        assert!(message.contains(want), "{message}");
    }
    // A build that ends in month 35 leaves one live month: no warning, nor
    // for any shipped scenario.
    assert!(warnings(&(SIM_36.to_string() + &initiative("A", "start_month = 33\nbuild_months = 2"))).is_empty());
    for file in ["it-vs-bpa", "quickstart", "conflation", "starter", "stress-12x60"] {
        let text = std::fs::read_to_string(format!("{SHIPPED}{file}.toml")).unwrap();
        assert!(warnings(&text).is_empty(), "{file}: {:?}", warnings(&text));
    }
}

#[test]
fn validate_and_run_print_the_warnings_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.toml");
    let text = SIM_36.to_string()
        + &initiative("Now", "build_months = 2")
        + &initiative("Later", "start_month = 40\nbuild_months = 2");
    std::fs::write(&path, &text).unwrap();
    let file = path.to_str().unwrap();
    let line = line_of(&text, "start_month = 40");
    let expected = format!("warning: {file}:{line}:");
    let (code, stdout, stderr) = roicast(&["validate", file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("is valid"));
    assert!(stderr.contains(&expected) && stderr.contains("\"Later\""), "{stderr}");
    let out = dir.path().join("out");
    let run = |quiet: bool| {
        let mut args = vec!["run", file, "--trials", "50", "--no-charts", "--out", out.to_str().unwrap()];
        if quiet {
            args.push("--quiet");
        }
        roicast(&args)
    };
    let (code, _, stderr) = run(false);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(&expected), "{stderr}");
    let (code, _, stderr) = run(true);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn compare_errors_name_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(format!("{SHIPPED}it-vs-bpa.toml")).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let today = write("today.toml", &text);
    let longer = write("longer.toml", &text.replace("horizon_months = 36", "horizon_months = 48"));
    let euros = write("euros.toml", &text.replace("currency = \"USD\"", "currency = \"EUR\""));
    for (b, what) in [(&longer, "48 months"), (&euros, "EUR")] {
        let (code, _, stderr) = roicast(&["compare", &today, b, "--trials", "10", "--no-charts"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(&format!("B = {b}")) && stderr.contains(&format!("A = {today}")), "{stderr}");
        assert!(stderr.contains(what), "{stderr}");
        // Both scenarios have the same name: it would tell them apart no better.
        assert!(!stderr.contains("Mid-size company"), "{stderr}");
    }
}
