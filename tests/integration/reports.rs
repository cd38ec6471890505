//! report.xlsx and board-pack.pdf: read back with calamine and hayro-syntax,
//! their figures checked against summary.json, the commands' JSON and voi.csv.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use hayro_syntax::Pdf;
use hayro_syntax::content::ops::TypedInstruction;
use hayro_syntax::object::{Dict, Object, Stream};
use serde_json::Value;

use crate::util::*;

fn shipped(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file).display().to_string()
}

/// Runs `roicast run` on a scenario file with few trials into a fresh folder.
fn run_into(scenario: &str, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["run", scenario, "--trials", "2000", "--quiet", "--no-charts", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run_cli(&args);
    dir
}

fn workbook(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A cell as calamine reads it, as the JSON value it must equal (empty: null).
fn as_json(cell: &Data) -> Value {
    match cell {
        Data::Float(x) => serde_json::json!(x),
        Data::Int(i) => serde_json::json!(*i as f64),
        Data::Empty => Value::Null,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn the_run_workbook_holds_every_sheet_and_the_summary_of_summary_json() {
    let dir = run_into(&shipped("it-vs-bpa.toml"), &[]);
    let out = dir.path().join("out");
    let summary = read_json_exact(&out.join("summary.json"));
    let mut book = workbook(&out.join("report.xlsx"));
    assert_eq!(book.sheet_names(), ["Summary", "Monthly", "NPV distribution", "Drivers", "Inputs", "Run"]);
    let range = book.worksheet_range("Summary").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    // Each column and the summary.json figure it must equal.
    let figures: [(&str, &[&str]); 12] = [
        ("mean NPV", &["npv", "mean"]),
        ("P10 NPV", &["npv", "p10"]),
        ("P50 NPV", &["npv", "p50"]),
        ("P90 NPV", &["npv", "p90"]),
        ("P(NPV<0)", &["prob_npv_negative"]),
        ("expected shortfall (worst 5%)", &["expected_shortfall_5"]),
        ("mean ROI", &["roi", "mean"]),
        ("mean visible ROI", &["visible_roi", "mean"]),
        ("median payback month", &["payback_month_p50"]),
        ("P(payback within 12 months)", &["prob_payback_within_12"]),
        ("mean risk loss", &["loss_mean"]),
        ("P(abandoned)", &["prob_abandoned"]),
    ];
    let sets = summary["sets"].as_object().unwrap();
    assert_eq!(rows.len() - 1, sets.len(), "one row per set");
    for row in &rows[1..] {
        let name = row[0].to_string();
        let set = &sets[&name];
        for (heading, path) in figures {
            let column = header.iter().position(|h| h == heading).unwrap_or_else(|| panic!("no column {heading}"));
            let expected = path.iter().fold(set, |v, key| &v[key]);
            assert_eq!(as_json(&row[column]), *expected, "{name}: {heading}");
        }
    }
    // Numbers are numbers, in the currency's format.
    assert!(matches!(rows[1][2], Data::Float(_)));
    // Nothing in the workbook grows with trials: the largest sheet is the monthly table.
    let monthly = book.worksheet_range("Monthly").unwrap();
    let table_rows = monthly.rows().skip(1).take_while(|r| r[0] != Data::Empty).count();
    assert_eq!(table_rows, sets.len() * 36);
    let run = book.worksheet_range("Run").unwrap();
    let items: HashMap<String, Data> = run.rows().map(|r| (r[0].to_string(), r[1].clone())).collect();
    assert_eq!(items["seed"], Data::Float(summary["seed"].as_f64().unwrap()));
    assert_eq!(items["trials"], Data::Float(2000.0));
    assert_eq!(items["scenario SHA-256"].to_string(), summary["manifest"]["scenario_sha256"].as_str().unwrap());
    assert_eq!(
        as_json(&items["95% half-width of the mean"]),
        summary["convergence"]["mean"]["half_width"],
        "Monte Carlo error"
    );
}

#[test]
fn the_run_workbook_has_native_charts() {
    let dir = run_into(&shipped("it-vs-bpa.toml"), &[]);
    let bytes = std::fs::read(dir.path().join("out/report.xlsx")).unwrap();
    // A zip's central directory names its files in plain bytes: two fans,
    // three histograms and a tornado.
    for n in 1..=6 {
        let name = format!("xl/charts/chart{n}.xml");
        assert!(bytes.windows(name.len()).any(|w| w == name.as_bytes()), "no {name}");
    }
    assert!(!bytes.windows(20).any(|w| w == b"xl/charts/chart7.xml"));
}

#[test]
fn formula_like_names_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let name = r#"=HYPERLINK("x","y")"#;
    let toml = format!(
        "{}\n[[initiatives]]\nname = '{name}'\nkind = \"it\"\nbuild_cost = {{ uniform = [1000, 2000] }}\n\
         build_months = 1\nbenefit_per_month = {{ uniform = [100, 300] }}\n",
        simulation(12, 0.1, "random")
    );
    let file = dir.path().join("formula.toml");
    std::fs::write(&file, toml).unwrap();
    let out = dir.path().join("out");
    run_cli(&[
        "run",
        file.to_str().unwrap(),
        "--trials",
        "500",
        "--quiet",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut book = workbook(&out.join("report.xlsx"));
    let values = book.worksheet_range("Summary").unwrap();
    let text = Data::String(name.to_string());
    assert!(values.rows().any(|r| r[0] == text), "the name is not stored as that text");
    let formulas = book.worksheet_formula("Summary").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "a formula in the Summary sheet");
    let inputs = book.worksheet_range("Inputs").unwrap();
    assert!(inputs.rows().any(|r| r[0] == text));
}

#[test]
fn no_reports_writes_neither_file_and_the_rest_stays() {
    let dir = run_into(&shipped("quickstart.toml"), &["--no-reports"]);
    let out = dir.path().join("out");
    assert!(out.join("summary.json").exists());
    assert!(!out.join("report.xlsx").exists() && !out.join("board-pack.pdf").exists());
}

/// The text of each page of a PDF, glyphs mapped back to characters through
/// each font's ToUnicode map (what a reader's "copy text" gives).
fn pdf_text(pdf: &Pdf) -> Vec<String> {
    pdf.pages()
        .iter()
        .map(|page| {
            let mut text = String::new();
            let mut map: HashMap<u16, String> = HashMap::new();
            let mut ops = page.typed_operations();
            while let Some(op) = ops.next() {
                match op {
                    TypedInstruction::TextFont(font) => {
                        map = page.resources().get_font(font.0).map(|f| to_unicode(&f)).unwrap_or_default();
                    }
                    TypedInstruction::ShowText(s) => decode(s.0.as_bytes(), &map, &mut text),
                    TypedInstruction::ShowTexts(items) => {
                        for item in items.0.iter::<Object>() {
                            if let Object::String(s) = item {
                                decode(s.as_bytes(), &map, &mut text);
                            }
                        }
                    }
                    TypedInstruction::EndText(_) => text.push('\n'),
                    _ => {}
                }
            }
            text
        })
        .collect()
}

fn decode(bytes: &[u8], map: &HashMap<u16, String>, out: &mut String) {
    for pair in bytes.chunks(2) {
        let id = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
        out.push_str(map.get(&id).map_or("\u{fffd}", String::as_str));
    }
}

/// A font's ToUnicode map (bfchar entries and bfrange runs).
fn to_unicode(font: &Dict) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    let Some(stream) = font.get::<Stream>("ToUnicode") else { return map };
    let data = stream.decoded().unwrap();
    let text = String::from_utf8_lossy(&data);
    let hex = |s: &str| -> Vec<u16> {
        let digits = s.trim_matches(|c| c == '<' || c == '>');
        (0..digits.len() / 4).map(|i| u16::from_str_radix(&digits[4 * i..4 * i + 4], 16).unwrap()).collect()
    };
    let unit = |units: Vec<u16>| String::from_utf16_lossy(&units);
    let mut section = "";
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") || line.ends_with("beginbfrange") {
            section = if line.ends_with("beginbfchar") { "char" } else { "range" };
            continue;
        }
        if line.starts_with("endbf") {
            section = "";
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match (section, tokens.as_slice()) {
            ("char", [code, unicode]) => {
                map.insert(hex(code)[0], unit(hex(unicode)));
            }
            ("range", [from, to, unicode]) if unicode.starts_with('<') => {
                let (from, to, first) = (hex(from)[0], hex(to)[0], hex(unicode));
                for (k, code) in (from..=to).enumerate() {
                    let mut units = first.clone();
                    if let Some(last) = units.last_mut() {
                        *last += k as u16;
                    }
                    map.insert(code, unit(units));
                }
            }
            _ => {}
        }
    }
    map
}

#[test]
fn the_board_pack_has_its_pages_embedded_fonts_and_the_headline_figures_as_text() {
    let dir = run_into(&shipped("it-vs-bpa.toml"), &[]);
    let out = dir.path().join("out");
    let summary = read_json_exact(&out.join("summary.json"));
    let pdf = Pdf::new(std::fs::read(out.join("board-pack.pdf")).unwrap()).unwrap();
    // Title, eight charts, the summary (ten sets fit one page), key assumptions, appendix.
    assert_eq!(pdf.pages().len(), 12);
    for page in pdf.pages().iter() {
        let (w, h) = page.base_dimensions();
        assert!((w / h - 16.0 / 9.0).abs() < 0.01, "page of {w} × {h}");
    }
    // Every font is embedded (a font file in its descriptor).
    let mut fonts = 0;
    for object in pdf.objects() {
        if let Object::Dict(dict) = object
            && dict.get::<hayro_syntax::object::Name>("Type").is_some_and(|t| t.as_str() == "FontDescriptor")
        {
            fonts += 1;
            assert!(
                ["FontFile", "FontFile2", "FontFile3"].iter().any(|k| dict.contains_key(k)),
                "a font without its file"
            );
        }
    }
    assert!(fonts >= 2, "{fonts} fonts");
    let text = pdf_text(&pdf);
    let portfolio = &summary["sets"]["portfolio"];
    let money = |x: &Value| roicast::format::money(x.as_f64().unwrap(), "USD");
    let title = &text[0];
    for figure in [
        roicast::format::percent(portfolio["prob_npv_negative"].as_f64().unwrap()),
        money(&portfolio["npv"]["mean"]),
        money(&portfolio["npv"]["p10"]),
        money(&portfolio["npv"]["p90"]),
        roicast::format::month(summary["sets"]["it"]["payback_month_p50"].as_f64()),
        summary["scenario"].as_str().unwrap().to_string(),
    ] {
        assert!(title.contains(&figure), "{figure:?} not on the title page:\n{title}");
    }
    // The charts keep their text as text, and the method is in the appendix.
    // (krilla-svg sets each glyph of a chart on its own.)
    let chart = text[1].replace('\n', "");
    assert!(chart.contains("Cumulative net cash flow"), "{chart}");
    let appendix = text.last().unwrap();
    assert!(appendix.contains(&format!("seed {}", summary["seed"])), "{appendix}");
    assert!(appendix.contains(summary["manifest"]["scenario_sha256"].as_str().unwrap()));
    assert!(!appendix.contains("variance.csv") && !appendix.contains("Actuals"), "{appendix}");
}

#[test]
fn a_reforecast_board_pack_says_which_months_are_actual_and_where_the_variance_is() {
    let dir = run_into(&shipped("reforecast.toml"), &[]);
    let out = dir.path().join("out");
    let pdf = Pdf::new(std::fs::read(out.join("board-pack.pdf")).unwrap()).unwrap();
    let appendix = pdf_text(&pdf).pop().unwrap().replace('\n', " ");
    let through = read_json(&out.join("summary.json"))["actuals"]["through"].as_u64().unwrap();
    assert!(appendix.contains(&format!("Months 1 to {through} happened")), "{appendix}");
    assert!(appendix.contains("variance.csv"), "{appendix}");
}

#[test]
fn the_board_pack_and_workbook_do_not_grow_with_trials() {
    let sizes = |trials: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run_cli(&[
            "run",
            &shipped("quickstart.toml"),
            "--trials",
            trials,
            "--quiet",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ]);
        let size = |f: &str| std::fs::metadata(out.join(f)).unwrap().len() as f64;
        (size("report.xlsx"), size("board-pack.pdf"))
    };
    let (small, large) = (sizes("1000"), sizes("16000"));
    // Sixteen times the trials: the same tables and charts, give or take the digits of the numbers.
    assert!(large.0 < small.0 * 1.3, "workbook {} → {}", small.0, large.0);
    assert!(large.1 < small.1 * 1.3, "board pack {} → {}", small.1, large.1);
}

#[test]
fn plan_compare_and_conflation_write_their_own_documents() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let common = ["--trials", "1000", "--quiet", "--no-charts", "--out"];
    let plan = out("plan");
    let (it_vs_bpa, conflation) = (shipped("it-vs-bpa.toml"), shipped("conflation.toml"));
    let mut args = vec!["plan", &it_vs_bpa as &str, "--budget", "400k"];
    args.extend(common);
    args.push(plan.to_str().unwrap());
    run_cli(&args);
    let json = read_json_exact(&plan.join("plan.json"));
    let mut book = workbook(&plan.join("report.xlsx"));
    assert_eq!(book.sheet_names(), ["Plan", "Initiatives", "Budget", "Inputs", "Run"]);
    // Every initiative's EVPI as plan.json has it, row by row.
    let initiatives = book.worksheet_range("Initiatives").unwrap();
    for (row, expected) in initiatives.rows().skip(1).zip(json["initiatives"].as_array().unwrap()) {
        assert_eq!(row[0].to_string(), expected["initiative"].as_str().unwrap());
        assert_eq!(as_json(&row[4]), expected["evpi"]);
        assert_eq!(as_json(&row[5]), expected["evpi_se"]);
    }
    let ranked = book.worksheet_range("Plan").unwrap();
    let first = ranked.rows().nth(1).unwrap();
    assert_eq!(as_json(&first[2]), json["chosen"]["npv"]["mean"]);
    assert_eq!(
        first[1].to_string(),
        json["chosen"]["initiatives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" + ")
    );
    let budget = book.worksheet_range("Budget").unwrap();
    for (row, quarter) in budget.rows().skip(1).zip(json["budget_table"].as_array().unwrap()) {
        assert_eq!(as_json(&row[2]), quarter["spend_mean"]);
        assert_eq!(as_json(&row[4]), quarter["spend_p90"]);
    }
    let bytes = std::fs::read(plan.join("report.xlsx")).unwrap();
    assert!(bytes.windows(20).any(|w| w == b"xl/charts/chart1.xml"), "no budget chart");
    assert!(Pdf::new(std::fs::read(plan.join("board-pack.pdf")).unwrap()).unwrap().pages().len() >= 5);

    let compare = out("compare");
    let mut args = vec!["compare", &it_vs_bpa as &str, &conflation];
    args.extend(common);
    args.push(compare.to_str().unwrap());
    run_cli(&args);
    let json = read_json_exact(&compare.join("compare.json"));
    let mut book = workbook(&compare.join("report.xlsx"));
    assert_eq!(book.sheet_names(), ["Compare", "Inputs A", "Inputs B", "Run"]);
    let table = book.worksheet_range("Compare").unwrap();
    for row in table.rows().skip(1) {
        let set = &json["sets"][row[0].to_string()];
        assert_eq!(as_json(&row[3]), set["npv_difference"]["mean"]);
        assert_eq!(as_json(&row[9]), set["prob_b_beats_a"]);
    }
    let pdf = Pdf::new(std::fs::read(compare.join("board-pack.pdf")).unwrap()).unwrap();
    assert_eq!(pdf.pages().len(), 4);

    let cost = out("conflation");
    let mut args = vec!["conflation", &conflation as &str];
    args.extend(common);
    args.push(cost.to_str().unwrap());
    run_cli(&args);
    let json = read_json_exact(&cost.join("conflation.json"));
    let mut book = workbook(&cost.join("report.xlsx"));
    assert_eq!(book.sheet_names(), ["Conflation", "Inputs", "Run"]);
    let table = book.worksheet_range("Conflation").unwrap();
    let total = table.rows().find(|r| r[0] == Data::String("total (portfolio)".into())).unwrap();
    assert_eq!(as_json(&total[4]), json["total"]["npv_lost"]["mean"]);
    assert!(
        pdf_text(&Pdf::new(std::fs::read(cost.join("board-pack.pdf")).unwrap()).unwrap())[0]
            .contains(&roicast::format::money(json["total"]["npv_lost"]["mean"].as_f64().unwrap(), "USD"))
    );
}

/// `roicast voi` writes both documents: every EVPI and EVPPI of the Value
/// of information sheet is the number `voi.csv` holds for that initiative
/// and input, and the board pack holds the sentence the terminal prints
/// for each initiative.
#[test]
fn voi_writes_a_workbook_with_the_numbers_of_voi_csv_and_a_pack_with_its_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stdout = run_cli(&[
        "voi",
        &shipped("it-vs-bpa.toml"),
        "--trials",
        "3000",
        "--seed",
        "11",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    // voi.csv: `initiative,input,evppi,evpi` (no name in the scenario holds a comma or a quote).
    let csv = std::fs::read_to_string(out.join("voi.csv")).unwrap();
    let csv_value = |initiative: &str, input: &str, column: usize| -> f64 {
        csv.lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|f| f[0] == initiative && f[1] == input)
            .unwrap_or_else(|| panic!("no row {initiative} / {input} in voi.csv"))[column]
            .parse()
            .unwrap()
    };
    let mut book = workbook(&out.join("report.xlsx"));
    assert_eq!(book.sheet_names(), ["Summary", "Value of information", "Inputs", "Run"]);
    let range = book.worksheet_range("Value of information").unwrap();
    let rows: Vec<&[Data]> = range.rows().take_while(|r| r[0] != Data::Empty).collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let column = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("no column {h}"));
    let (name, evppi, evpi) = (column("name in the scenario"), column("EVPPI"), column("EVPI"));
    let csv_inputs = csv.lines().skip(1).filter(|l| !l.split(',').nth(1).unwrap().is_empty()).count();
    assert_eq!(rows.len() - 1, csv_inputs, "one row per initiative and input, as in voi.csv");
    for row in &rows[1..] {
        let (initiative, input) = (row[0].to_string(), row[name].to_string());
        let number = |cell: &Data| match cell {
            Data::Float(x) => *x,
            other => panic!("{initiative} / {input}: not a number: {other:?}"),
        };
        assert_eq!(number(&row[evppi]), csv_value(&initiative, &input, 2), "EVPPI of {initiative} / {input}");
        assert_eq!(number(&row[evpi]), csv_value(&initiative, "", 3), "EVPI of {initiative}");
    }
    let summary = book.worksheet_range("Summary").unwrap();
    let initiatives: Vec<String> =
        summary.rows().skip(1).take_while(|r| r[0] != Data::Empty).map(|r| r[0].to_string()).collect();
    assert_eq!(initiatives.len(), 7);
    let run = book.worksheet_range("Run").unwrap();
    let items: HashMap<String, Data> = run.rows().map(|r| (r[0].to_string(), r[1].clone())).collect();
    assert_eq!((&items["trials"], &items["seed"]), (&Data::Float(3000.0), &Data::Float(11.0)));
    let bytes = std::fs::read(out.join("report.xlsx")).unwrap();
    assert!(bytes.windows(20).any(|w| w == b"xl/charts/chart1.xml"), "no native chart");

    // The sentences the terminal prints, one per initiative, are in the pack
    // (a sentence wraps over lines of its table cell).
    let sentences: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("What is worth learning before you fund:"))
        .filter_map(|l| l.strip_prefix("- "))
        .collect();
    assert_eq!(sentences.len(), initiatives.len(), "{stdout}");
    let pdf = Pdf::new(std::fs::read(out.join("board-pack.pdf")).unwrap()).unwrap();
    let text = pdf_text(&pdf).join("\n").replace('\n', " ");
    for sentence in sentences {
        assert!(text.contains(sentence), "not in the board pack: {sentence}");
    }
    assert!(text.contains("Appendix: method") && text.contains("seed 11"));
}

#[test]
fn voi_with_no_reports_writes_neither_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_cli(&[
        "voi",
        &shipped("quickstart.toml"),
        "--trials",
        "500",
        "--quiet",
        "--no-charts",
        "--no-reports",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(out.join("voi.csv").exists() && out.join("voi.json").exists());
    assert!(!out.join("report.xlsx").exists() && !out.join("board-pack.pdf").exists());
}
