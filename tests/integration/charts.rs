//! Charts: every standard chart renders as a 1920×1080 PNG that is not blank
//! and as an SVG that parses, for the shipped scenarios and for edge cases
//! (no risks, no payback, zero-width distributions, no BPA initiatives); the
//! run's workbook and board pack are written for each of them too.

use std::collections::HashSet;
use std::path::Path;

use roicast::charts::{self, Format};
use roicast::report::Report;

use crate::util::*;

/// Renders every chart of a scenario run with `trials` trials into a fresh
/// folder and checks each file; returns the folder.
fn render_and_check(toml: &str, trials: u64) -> tempfile::TempDir {
    let s = scenario(toml);
    let results = run(&s, trials, 11);
    let report = Report::new(&s, &results, "test.toml");
    let dir = tempfile::tempdir().unwrap();
    let written = charts::render_all(&report, dir.path()).unwrap_or_else(|e| panic!("rendering failed: {e}"));
    let stems: Vec<&str> = charts::standard_charts().iter().map(|c| c.file_stem()).collect();
    assert_eq!(written.len(), 2 * stems.len());
    for stem in stems {
        for format in Format::ALL {
            let path = dir.path().join(format!("{stem}.{}", format.extension()));
            assert!(written.contains(&path), "{} not reported as written", path.display());
            match format {
                Format::Png => check_png(&path),
                Format::Svg => check_svg(&path),
            }
        }
    }
    check_documents(&report);
    dir
}

/// The run's workbook opens with its six sheets and its board pack parses
/// with a title page, a page per chart and its tables.
fn check_documents(report: &Report) {
    use calamine::Reader;
    use roicast::export::Documents;
    let documents = roicast::export::documents::RunDocuments { report, date: "2027-01-01".into() };
    let (mut xlsx, mut pdf) = (Vec::new(), Vec::new());
    documents.write_workbook(&mut xlsx).unwrap_or_else(|e| panic!("workbook: {e}"));
    documents.write_board_pack(&mut pdf).unwrap_or_else(|e| panic!("board pack: {e}"));
    let book = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(book.sheet_names().len(), 6);
    let pdf = hayro_syntax::Pdf::new(pdf).unwrap();
    assert!(pdf.pages().len() > 1 + charts::standard_charts().len() + 2, "{} pages", pdf.pages().len());
}

/// The PNG decodes, is 1920×1080 and is not blank (many distinct colours).
pub fn check_png(path: &Path) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut reader = png::Decoder::new(file).read_info().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1920, 1080), "{}", path.display());
    let channels = info.color_type.samples();
    let colours: HashSet<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    assert!(colours.len() > 40, "{} looks blank: {} distinct colours", path.display(), colours.len());
}

/// The SVG is well-formed XML with an `svg` root of the right size and text in it.
pub fn check_svg(path: &Path) {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut root, mut texts) = (None, 0);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if root.is_none() {
                    assert_eq!(name, "svg", "{}", path.display());
                    let width = e.try_get_attribute("width").unwrap().unwrap();
                    assert_eq!(width.value.as_ref(), b"1920", "{}", path.display());
                    root = Some(name.clone());
                }
                texts += usize::from(name == "text");
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{} is not valid XML at {}: {e}", path.display(), reader.error_position()),
        }
    }
    assert!(texts >= 3, "{}: only {texts} text elements", path.display());
}

fn shipped(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file)).unwrap()
}

#[test]
fn default_scenario_renders_every_chart() {
    render_and_check(&shipped("it-vs-bpa.toml"), 2000);
}

#[test]
fn conflation_scenario_renders_every_chart() {
    render_and_check(&shipped("conflation.toml"), 2000);
}

#[test]
fn scenario_without_risks_renders() {
    render_and_check(
        r#"
[simulation]
horizon_months = 24
discount_rate = 0.1

[[initiatives]]
name = "Scripted backups"
kind = "it"
build_cost = { uniform = [5000, 10000] }
build_months = 1
benefit_per_month = { uniform = [1000, 3000] }

[[initiatives]]
name = "Invoice bot"
kind = "bpa"
build_cost = { uniform = [50000, 80000] }
build_months = 3
benefit_per_month = { uniform = [5000, 9000] }
pnl_visibility = 0.8
"#,
        500,
    );
}

#[test]
fn scenario_that_never_pays_back_renders() {
    render_and_check(
        r#"
[simulation]
horizon_months = 12
discount_rate = 0.1

[[initiatives]]
name = "Shelfware"
kind = "it"
build_cost = { uniform = [5000, 10000] }
build_months = 1
run_cost_per_month = 100
benefit_per_month = 0

[[initiatives]]
name = "Bot nobody uses"
kind = "bpa"
build_cost = 40000
build_months = 2
benefit_per_month = 0

[[initiatives.risks]]
name = "Outage"
events_per_year = 0.5
cost_per_event = { uniform = [100, 5000] }
"#,
        500,
    );
}

#[test]
fn fixed_inputs_with_zero_width_distributions_render() {
    render_and_check(
        r#"
currency = "EUR"

[simulation]
horizon_months = 6
discount_rate = 0.1

[[initiatives]]
name = "Worked example"
kind = "it"
owner = "operations"
build_cost = 12000
build_months = 1.5
run_cost_per_month = 500
benefit_per_month = 6000
ramp_months = 2
pnl_visibility = 0.2

[[initiatives]]
name = "Fixed BPA"
kind = "bpa"
build_cost = 1000
build_months = 1
benefit_per_month = 1000
"#,
        200,
    );
}

#[test]
fn scenario_with_only_it_initiatives_renders() {
    render_and_check(
        r#"
currency = "GBP"

[simulation]
horizon_months = 36
discount_rate = 0.08

[[initiatives]]
name = "Patching"
kind = "it"
build_cost = { pert = [8000, 15000, 40000] }
build_months = { pert = [0.5, 1, 2] }
benefit_per_month = { lognormal = { p10 = 5000, p90 = 14000 } }
pnl_visibility = 0.2

[[initiatives.risks]]
name = "Bad patch"
events_per_year = { pert = [0.1, 0.25, 0.8] }
cost_per_event = { lognormal = { p10 = 10000, p90 = 150000 } }

[[initiatives]]
name = "Provisioning"
kind = "it"
build_cost = { uniform = [5000, 20000] }
build_months = 1
benefit_per_month = { uniform = [2000, 6000] }

[[initiatives.risks]]
name = "Never happens"
events_per_year = 0
cost_per_event = 1000
"#,
        1000,
    );
}

#[test]
fn run_writes_charts_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let scenario_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
    for (out, extra) in [("with", None), ("without", Some("--no-charts"))] {
        let out = dir.path().join(out);
        let mut args = vec!["run", scenario_file.to_str().unwrap(), "--trials", "500", "-q", "--out"];
        args.push(out.to_str().unwrap());
        args.extend(extra);
        run_cli(&args);
        let charts = out.join("charts");
        if extra.is_none() {
            let mut names: Vec<String> =
                std::fs::read_dir(&charts).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
            names.sort();
            assert_eq!(names.len(), 2 * charts::standard_charts().len(), "{names:?}");
            assert!(names.contains(&"roi-over-time.png".to_string()) && names.contains(&"initiatives.svg".to_string()));
        } else {
            assert!(!charts.exists());
            assert!(out.join("summary.json").exists());
        }
    }
}
