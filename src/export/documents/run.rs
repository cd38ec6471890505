//! The documents of `roicast run`: the workbook's Summary, Monthly, NPV
//! distribution, Drivers, Inputs and Run sheets, and the board pack's title
//! page, charts, summary, key assumptions and method appendix.
//!
//! Every figure is read from the [`Report`] that `summary.json` is written
//! from, so the workbook's values equal the JSON's exactly.

use std::io::Write;

use super::{
    BOARD_PACK, Documents, WORKBOOK, assumptions_page, board_columns, calendar_words, horizon_dates, inputs_sheet,
};
use crate::calendar::Calendar;
use crate::charts::style::{grouped, kind_label};
use crate::charts::{OfReport, npv_histograms, standard_charts};
use crate::convergence::MeanMethod;
use crate::export::ExportError;
use crate::export::pdf::{BoardPack, Headline, Page, TablePage, TextPage, TitlePage, write_board_pack};
use crate::export::tables::{Cell, Table, Unit, month_cells, month_headers};
use crate::export::xlsx::{Palette, Sheet, SheetChart, write_workbook};
use crate::format::{dated_month, money, month, percent};
use crate::report::Report;
use crate::scenario::Kind;
use crate::sensitivity::input_label;
use crate::stats::monthly_rows;

/// The documents of a run: its report and the date it was made.
pub struct RunDocuments<'r, 'a> {
    /// The run's report.
    pub report: &'r Report<'a>,
    /// The date of the run, e.g. `2027-03-14`.
    pub date: String,
}

impl Documents for RunDocuments<'_, '_> {
    fn write_workbook(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let report = self.report;
        let sheets = vec![
            Sheet::new("Summary", summary_table(report)),
            monthly_sheet(report),
            npv_distribution_sheet(report),
            drivers_sheet(report),
            inputs_sheet(report.scenario, "Inputs", &report.manifest.scenario_file),
            Sheet::new("Run", run_table(report, &self.date)),
        ];
        let title = format!("{} — roicast {WORKBOOK}", report.scenario.name);
        write_workbook(&sheets, &report.scenario.currency, &title, out)
    }

    fn write_board_pack(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let report = self.report;
        let charts = standard_charts();
        let mut pages = vec![Page::Title(title_page(report, &self.date))];
        pages.extend(charts.iter().map(|chart| Page::Chart(Box::new(OfReport { chart: chart.as_ref(), report }))));
        pages.push(summary_page(report));
        pages.push(assumptions_page(report.scenario));
        pages.push(Page::Text(appendix(report, &self.date)));
        let pack = BoardPack {
            title: format!("{} — roicast {BOARD_PACK}", report.scenario.name),
            currency: report.scenario.currency.clone(),
            footer: report.scenario.name.clone(),
            pages,
        };
        write_board_pack(&pack, out)
    }
}

/// Headings of the Summary sheet.
pub const SUMMARY_HEADERS: [&str; 14] = [
    "set",
    "kind",
    "mean NPV",
    "P10 NPV",
    "P50 NPV",
    "P90 NPV",
    "P(NPV<0)",
    "expected shortfall (worst 5%)",
    "mean ROI",
    "mean visible ROI",
    "median payback month",
    "P(payback within 12 months)",
    "mean risk loss",
    "P(abandoned)",
];

/// One row per set with the headline figures of `summary.json`.
pub fn summary_table(report: &Report) -> Table {
    let mut table = Table::new(&SUMMARY_HEADERS);
    for (summary, set) in report.summaries.iter().zip(&report.results.sets) {
        let npv = |f: fn(&crate::stats::Summary) -> f64| Cell::maybe(summary.npv.as_ref().map(f), Unit::Money);
        let kind = match (set.spec.kind, set.spec.members.len()) {
            (Some(kind), 1) => kind.as_str().to_string(),
            (Some(kind), _) => format!("all {}", kind.as_str()),
            (None, _) => "all".to_string(),
        };
        table.push(vec![
            Cell::text(&summary.name),
            Cell::text(kind),
            npv(|s| s.mean),
            npv(|s| s.p10),
            npv(|s| s.p50),
            npv(|s| s.p90),
            Cell::share(summary.prob_npv_negative),
            Cell::maybe(summary.expected_shortfall_5, Unit::Money),
            Cell::maybe(summary.roi.map(|s| s.mean), Unit::Ratio),
            Cell::maybe(summary.visible_roi.map(|s| s.mean), Unit::Ratio),
            Cell::maybe(summary.payback_month_p50, Unit::Month),
            Cell::maybe(summary.prob_payback_within_12, Unit::Share),
            Cell::money(summary.loss_mean),
            Cell::share(summary.prob_abandoned),
        ]);
    }
    table
}

/// The Monthly sheet: `monthly.csv`'s table, three band widths for the fan
/// charts, and a fan of the cumulative net cash flow of IT and BPA.
fn monthly_sheet(report: &Report) -> Sheet {
    let calendar = report.scenario.calendar.as_ref();
    let mut headers = vec!["set"];
    headers.extend(month_headers(calendar));
    headers.extend([
        "mean cumulative net cash flow",
        "P5",
        "P25",
        "P50",
        "P75",
        "P95",
        "mean benefit of the month",
        "mean visible benefit of the month",
        "fan band P5 to P25",
        "fan band P25 to P75",
        "fan band P75 to P95",
    ]);
    let mut table = Table::new(&headers);
    let column = |name: &str| table.column(name).expect("a column of the Monthly sheet");
    // The fan's categories: the dates with a calendar, else the month numbers.
    let x = column(if calendar.is_some() { "date" } else { "month" });
    let (base, median) = (column("P5"), column("P50"));
    let bands = ["fan band P5 to P25", "fan band P25 to P75", "fan band P75 to P95"].map(column);
    let mut charts = Vec::new();
    for (s, set) in report.results.sets.iter().enumerate() {
        let rows = monthly_rows(report.results, s);
        let start = table.rows.len();
        for row in &rows {
            let mut cells = vec![Cell::text(&set.spec.name)];
            cells.extend(month_cells(row.month, calendar));
            cells.extend([
                Cell::money(row.mean),
                Cell::money(row.p5),
                Cell::money(row.p25),
                Cell::money(row.p50),
                Cell::money(row.p75),
                Cell::money(row.p95),
                Cell::money(row.benefit_mean),
                Cell::money(row.visible_benefit_mean),
                Cell::money(row.p25 - row.p5),
                Cell::money(row.p75 - row.p25),
                Cell::money(row.p95 - row.p75),
            ]);
            table.push(cells);
        }
        let (palette, kind) = match set.spec.name.as_str() {
            "it" => (Palette::It, Kind::It),
            "bpa" => (Palette::Bpa, Kind::Bpa),
            _ => continue,
        };
        if set.spec.members.is_empty() || rows.is_empty() {
            continue;
        }
        charts.push(SheetChart::Fan {
            title: format!("{}: cumulative net cash flow", kind_label(kind)),
            rows: start..table.rows.len(),
            x,
            base,
            bands: vec![(bands[0], "P5–P95".into()), (bands[1], "P25–P75".into()), (bands[2], "P5–P95".into())],
            line: (median, "median".into()),
            palette,
            axes: [table.headers[x].clone(), report.scenario.currency.clone()],
        });
    }
    let mut sheet = Sheet::new("Monthly", table);
    sheet.charts = charts;
    sheet.notes.push(
        "Cumulative net cash flow at the end of each month; percentiles from the run's monthly histograms \
         (within one bin width), as in monthly.csv. The fan bands are differences of the percentiles, for the charts."
            .into(),
    );
    sheet
}

/// The NPV distribution sheet: the bins of the `npv-distribution` chart and a column chart per group.
fn npv_distribution_sheet(report: &Report) -> Sheet {
    let groups = npv_histograms(report);
    let mut headers = vec!["NPV from".to_string(), "NPV to".to_string()];
    headers.extend(groups.iter().map(|g| format!("{} share of trials", group_label(g.kind))));
    let mut table = Table { headers, rows: Vec::new() };
    let bins = groups.first().map_or(0, |g| g.histogram.bins.len());
    for b in 0..bins {
        let edges = &groups[0].histogram.bins[b];
        let mut row = vec![Cell::money(edges.lo), Cell::money(edges.hi)];
        row.extend(groups.iter().map(|g| Cell::share(g.histogram.bins[b].share)));
        table.push(row);
    }
    let mut sheet = Sheet::new("NPV distribution", table);
    for (i, group) in groups.iter().enumerate() {
        let palette = match group.kind {
            Some(Kind::It) => Palette::It,
            Some(Kind::Bpa) => Palette::Bpa,
            None => Palette::Portfolio,
        };
        sheet.charts.push(SheetChart::Columns {
            title: format!(
                "{}: NPV over {} months",
                group_label(group.kind),
                report.scenario.simulation.horizon_months
            ),
            rows: 0..bins,
            x: 0,
            y: 2 + i,
            palette,
            axes: [format!("NPV from ({})", report.scenario.currency), "share of trials".into()],
        });
        sheet.notes.push(format!(
            "{}: {} of trials below the first bin, {} above the last.",
            group_label(group.kind),
            percent(group.histogram.below),
            percent(group.histogram.above)
        ));
    }
    sheet
}

/// "IT automation", "BPA" or "Portfolio".
fn group_label(kind: Option<Kind>) -> &'static str {
    kind.map_or("Portfolio", kind_label)
}

/// The Drivers sheet: every analysed set's inputs, largest |swing| first,
/// and a tornado of the portfolio's ten largest swings.
fn drivers_sheet(report: &Report) -> Sheet {
    let scenario = report.scenario;
    let mut table = Table::new(&[
        "set",
        "input",
        "initiative",
        "kind",
        "name in the scenario",
        "rank correlation with NPV",
        "share of variance",
        "swing of mean NPV (top 10% − bottom 10%)",
    ]);
    let mut chart = None;
    for set in &report.sensitivity.sets {
        let start = table.rows.len();
        let drivers = set.top_by_swing(usize::MAX);
        for d in &drivers {
            table.push(vec![
                Cell::text(&set.set),
                Cell::text(input_label(scenario, d.input)),
                Cell::text(&scenario.initiatives[d.initiative].name),
                Cell::text(d.kind.as_str()),
                Cell::text(&d.name),
                Cell::number(d.rank_correlation, Unit::Ratio),
                Cell::maybe(d.variance_share, Unit::Share),
                Cell::money(d.swing),
            ]);
        }
        if set.set == "portfolio" && !drivers.is_empty() {
            chart = Some(SheetChart::Bars {
                title: "What moves portfolio NPV most (swing)".into(),
                rows: start..start + drivers.len().min(crate::charts::TORNADO_BARS),
                x: 1,
                y: 7,
                palette: Palette::Portfolio,
                axis: format!("swing of mean portfolio NPV ({})", scenario.currency),
            });
        }
    }
    let mut sheet = Sheet::new("Drivers", table);
    sheet.charts.extend(chart);
    sheet.notes.push(
        "Rank correlation: Spearman's, of the input's draws with the set's NPV; share of variance: its square as a \
         share of the set's total; swing: mean NPV of the trials in the input's top 10% minus its bottom 10%."
            .into(),
    );
    sheet
}

/// A seed as a number when Excel holds it exactly, else as text.
fn whole_number(n: u64) -> Cell {
    if n < (1 << 53) { Cell::count(n) } else { Cell::text(n.to_string()) }
}

/// The Run sheet: the manifest and the Monte Carlo error of the headline figures.
pub fn run_table(report: &Report, date: &str) -> Table {
    let m = &report.manifest;
    let sim = &report.scenario.simulation;
    let c = &report.convergence;
    let mut table = Table::new(&["item", "value"]);
    let mut row = |item: &str, value: Cell| table.push(vec![Cell::text(item), value]);
    row("scenario", Cell::text(&report.scenario.name));
    row("scenario file", Cell::text(&m.scenario_file));
    row("scenario SHA-256", Cell::text(&m.scenario_sha256));
    row("run date", Cell::text(date));
    row("roicast version", Cell::text(&m.roicast_version));
    row("seed", whole_number(m.seed));
    row("trials", whole_number(m.trials));
    row("sampling", Cell::text(&m.sampling));
    row("trials per block", whole_number(m.block_trials));
    row("random streams", Cell::text(&m.stream_scheme));
    row("horizon (months)", Cell::count(u64::from(sim.horizon_months)));
    if let Some(calendar) = &report.scenario.calendar {
        row("calendar", Cell::text(calendar.describe(sim.horizon_months)));
    }
    row("discount rate (a year)", Cell::share(sim.discount_rate));
    row("currency", Cell::text(&report.scenario.currency));
    row("mean portfolio NPV", Cell::money(c.mean.estimate));
    row("95% half-width of the mean", Cell::maybe(c.mean.half_width, Unit::Money));
    row("half-width as a share of |mean|", Cell::maybe(c.mean.relative_half_width, Unit::Share));
    let method = match (c.mean.method, c.mean.batches) {
        (MeanMethod::BatchMeans, Some(b)) => format!("batch means over {b} blocks"),
        _ => "independent trials".to_string(),
    };
    row("half-width method", Cell::text(method));
    for q in [&c.p10, &c.p90] {
        let name = format!("P{:.0} portfolio NPV", q.level * 100.0);
        row(&name, Cell::money(q.estimate));
        row(&format!("{name}: 95% interval low"), Cell::maybe(q.low, Unit::Money));
        row(&format!("{name}: 95% interval high"), Cell::maybe(q.high, Unit::Money));
    }
    if let Some(p) = report.summary("portfolio") {
        row("P(NPV<0) of the portfolio", Cell::share(p.prob_npv_negative));
        row(
            "P(NPV<0): 95% half-width (independent trials)",
            Cell::share(share_half_width(p.prob_npv_negative, m.trials)),
        );
    }
    if let Some(p) = &c.precision {
        row("precision target (share of |mean|)", Cell::share(p.target));
        row("precision target met", Cell::text(if p.met { "yes" } else { "no" }));
        row("precision: achieved half-width", Cell::maybe(p.achieved_half_width, Unit::Money));
        row("precision: trial limit", whole_number(p.max_trials));
    }
    table
}

/// The 95% half-width of a share of `trials` independent trials,
/// `1.96 √(p (1 − p) / n)` (conservative for a Latin hypercube run).
pub fn share_half_width(share: f64, trials: u64) -> f64 {
    1.96 * (share * (1.0 - share) / trials.max(1) as f64).sqrt()
}

/// "month 6" ("month 6 (Jun 2027)" with a calendar), or "not within 36
/// months" when more than half never pay back.
fn payback_words(payback: Option<f64>, horizon: u32, calendar: Option<&Calendar>) -> String {
    match payback {
        Some(m) => format!("month {}", dated_month(Some(m), calendar)),
        None => format!("not within {horizon} months"),
    }
}

/// The title page: the three headline figures and what they mean.
pub fn title_page(report: &Report, date: &str) -> TitlePage {
    let scenario = report.scenario;
    let currency = &scenario.currency;
    let sim = &scenario.simulation;
    let horizon = sim.horizon_months;
    let portfolio = report.summary("portfolio");
    let populated = |name: &str| {
        let set = report.results.set(name).filter(|s| !s.spec.members.is_empty())?;
        report.summary(&set.spec.name)
    };
    let mut figures = Vec::new();
    if let Some(p) = portfolio {
        figures.push(Headline {
            label: "Chance the portfolio loses money".into(),
            value: percent(p.prob_npv_negative),
            detail: format!("P(NPV < 0) over {horizon} months"),
        });
    }
    let kinds: Vec<(Kind, Option<f64>)> = [Kind::It, Kind::Bpa]
        .into_iter()
        .filter_map(|k| populated(k.as_str()).map(|s| (k, s.payback_month_p50)))
        .collect();
    if !kinds.is_empty() {
        let value = kinds.iter().map(|(_, m)| month(*m)).collect::<Vec<_>>().join(" vs ");
        let label = kinds.iter().map(|(k, _)| kind_label(*k)).collect::<Vec<_>>().join(" vs ");
        let mut detail = "when the cumulative net cash flow turns non-negative in half the trials".to_string();
        if let Some(calendar) = &scenario.calendar {
            // The months as dates; a median between two months is dated by the later one.
            let dates: Vec<String> = kinds
                .iter()
                .map(|(_, m)| {
                    m.filter(|&m| m >= 1.0).map_or("–".into(), |m| calendar.date(m.ceil() as u32).short_label())
                })
                .collect();
            detail = format!("{}: {detail}", dates.join(" vs "));
        }
        figures.push(Headline { label: format!("Median payback month: {label}"), value, detail });
    }
    if let Some(npv) = portfolio.and_then(|p| p.npv) {
        figures.push(Headline {
            label: "Mean portfolio NPV".into(),
            value: money(npv.mean, currency),
            detail: format!("P10 {} to P90 {}", money(npv.p10, currency), money(npv.p90, currency)),
        });
    }
    let mut sentences = Vec::new();
    if let Some((p, npv)) = portfolio.and_then(|p| Some((p, p.npv?))) {
        sentences.push(format!(
            "In 8 trials out of 10 the portfolio's NPV over {horizon} months lands between {} and {}; it loses \
             money in {} of trials.",
            money(npv.p10, currency),
            money(npv.p90, currency),
            percent(p.prob_npv_negative)
        ));
    }
    let paybacks: Vec<String> = [Kind::It, Kind::Bpa]
        .into_iter()
        .filter_map(|k| {
            let s = populated(k.as_str())?;
            // A group with no cash flow in any trial has no payback to speak of.
            let within_12 = s.prob_payback_within_12?;
            Some(format!(
                "{} pays back by {} in half the trials, and within 12 months in {} of them",
                kind_label(k),
                payback_words(s.payback_month_p50, horizon, scenario.calendar.as_ref()),
                percent(within_12)
            ))
        })
        .collect();
    if !paybacks.is_empty() {
        sentences.push(format!("{}.", paybacks.join("; ")));
    }
    if let Some((roi, visible)) = portfolio.and_then(|p| Some((p.roi?.mean, p.visible_roi?.mean))) {
        sentences.push(if visible < roi {
            format!(
                "Counting only the benefit that reaches the P&L, the portfolio's mean ROI is {visible:.2} rather \
                 than {roi:.2}: the rest is time saved that finance will not see as cash."
            )
        } else {
            format!("The portfolio's mean ROI is {roi:.2}, and all of its benefit reaches the P&L.")
        });
    }
    TitlePage {
        kicker: "Board pack · forecast of automation returns".into(),
        title: scenario.name.clone(),
        subtitle: format!(
            "Run on {date} · {} trials · {horizon}-month horizon{} · discount rate {}% a year",
            grouped(report.results.trials),
            horizon_dates(scenario),
            (sim.discount_rate * 1000.0).round() / 10.0
        ),
        figures,
        sentences,
    }
}

/// The summary by set, in the columns a board reads.
fn summary_page(report: &Report) -> Page<'static> {
    let mut table = board_columns(
        &summary_table(report),
        &[
            "set",
            "mean NPV",
            "P10 NPV",
            "P50 NPV",
            "P90 NPV",
            "P(NPV<0)",
            "mean ROI",
            "mean visible ROI",
            "median payback month",
            "P(payback within 12 months)",
            "mean risk loss",
            "P(abandoned)",
        ],
    );
    for row in &mut table.rows {
        let label = match &row[0] {
            Cell::Text(name) if name == "portfolio" => "Portfolio",
            Cell::Text(name) if name == "it" => "All IT automation",
            Cell::Text(name) if name == "bpa" => "All BPA",
            _ => continue,
        };
        row[0] = Cell::text(label);
    }
    for (header, short) in [
        ("median payback month", "payback"),
        ("P(payback within 12 months)", "paid back by 12"),
        ("mean visible ROI", "visible ROI"),
        ("P(abandoned)", "abandoned"),
    ] {
        if let Some(c) = table.column(header) {
            table.headers[c] = short.into();
        }
    }
    Page::Table(TablePage {
        title: "Summary by set".into(),
        subtitle: format!(
            "NPV over {} months; the portfolio, IT automation, BPA, then each initiative",
            report.scenario.simulation.horizon_months
        ),
        table,
        notes: vec![
            "payback: median month the cumulative net cash flow turns non-negative (– when more than half the trials \
             do not pay back within the horizon); paid back by 12: share of trials paid back by month 12."
                .into(),
            "ROI = (PV benefit − PV cost) / PV cost; visible ROI counts only the benefit that shows on the P&L.".into(),
        ],
    })
}

/// The method appendix: how the figures were made and how precise they are.
pub fn appendix(report: &Report, date: &str) -> TextPage {
    let m = &report.manifest;
    let sim = &report.scenario.simulation;
    let error = report.convergence.describe(&report.scenario.currency);
    let mut page = TextPage {
        title: "Appendix: method".into(),
        items: vec![
            (
                "Method".into(),
                format!(
                    "Monte Carlo simulation: each of {} trials draws every uncertain input once and plays the \
                     initiatives month by month over {} months — build, go-live, ramp-up, run cost, benefit, \
                     risk events (Poisson, each with its own cost, pause and chance of abandonment). NPV \
                     discounts the monthly net cash flow at {}% a year.",
                    grouped(m.trials),
                    sim.horizon_months,
                    (sim.discount_rate * 1000.0).round() / 10.0
                ),
            ),
            ("Calendar".into(), calendar_words(report.scenario.calendar.as_ref(), sim.horizon_months)),
            ("Trials and seed".into(), format!("{} trials, seed {}", grouped(m.trials), m.seed)),
            (
                "Sampling".into(),
                format!(
                    "{}, in blocks of {} trials; random streams {}",
                    m.sampling,
                    grouped(m.block_trials),
                    m.stream_scheme
                ),
            ),
            (
                "Monte Carlo error".into(),
                format!(
                    "{}; P(NPV<0) ±{} (independent trials)",
                    error.trim().trim_start_matches("Monte Carlo error "),
                    percent(
                        report.summary("portfolio").map_or(0.0, |p| share_half_width(p.prob_npv_negative, m.trials))
                    )
                ),
            ),
            (
                "Scenario".into(),
                format!("{} ({}), SHA-256 {}", report.scenario.name, m.scenario_file, m.scenario_sha256),
            ),
            ("Model and version".into(), format!("roicast {}, run on {date}", m.roicast_version)),
        ],
    };
    let mut files = "summary.json, monthly.csv, sensitivity.csv".to_string();
    if let Some(actuals) = &report.scenario.actuals {
        let through = match report.scenario.calendar {
            Some(calendar) => calendar.date(actuals.through).short_label(),
            None => format!("month {}", actuals.through),
        };
        page.items.push((
            "Actuals".into(),
            format!(
                "Months 1 to {} happened as {} records them (SHA-256 {}); the trials re-forecast the months after \
                 {through}. The plan the actuals are measured against (variance.csv) is the same scenario without \
                 its actuals, run with the same seed and trials.",
                actuals.through, actuals.file, actuals.ledger_sha256
            ),
        ));
        files.push_str(", variance.csv");
    }
    page.items.push((
        "Where the numbers are".into(),
        format!("{files} and trials.parquet beside this file; report.xlsx holds the same figures with their inputs."),
    ));
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunSettings};
    use crate::scenario::Scenario;

    #[test]
    fn shares_carry_their_binomial_error() {
        assert!((share_half_width(0.5, 10_000) - 0.0098).abs() < 1e-12);
        assert_eq!(share_half_width(0.0, 10_000), 0.0);
        assert_eq!(payback_words(None, 36, None), "not within 36 months");
        assert_eq!(payback_words(Some(14.5), 36, None), "month 14.5");
        let calendar = Calendar::new(crate::calendar::YearMonth::parse("2027-01").unwrap(), 4);
        assert_eq!(payback_words(Some(14.0), 36, Some(&calendar)), "month 14 (Feb 2028)");
    }

    #[test]
    fn the_title_page_quotes_the_sets_there_are() {
        let scenario = Scenario::parse(
            "[simulation]\nhorizon_months = 24\ndiscount_rate = 0.1\n[[initiatives]]\nname = \"Backups\"\nkind = \"it\"\n\
             build_cost = 5000\nbuild_months = 1\nbenefit_per_month = { uniform = [500, 900] }\npnl_visibility = 0.5\n",
            "t.toml",
        )
        .unwrap();
        let results = engine::run(&scenario, RunSettings { trials: 500, seed: 1 }, &|_| {});
        let report = Report::new(&scenario, &results, "t.toml");
        let page = title_page(&report, "2027-01-01");
        let labels: Vec<&str> = page.figures.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Chance the portfolio loses money", "Median payback month: IT automation", "Mean portfolio NPV"]
        );
        assert!(page.subtitle.starts_with("Run on 2027-01-01 · 500 trials · 24-month horizon"), "{}", page.subtitle);
        assert!(
            page.sentences.iter().any(|s| s.starts_with("IT automation pays back by month")),
            "{:?}",
            page.sentences
        );
        assert!(!page.sentences.iter().any(|s| s.contains("BPA")), "no BPA in the scenario: {:?}", page.sentences);
        assert!(
            page.sentences.iter().any(|s| s.contains("reaches the P&L")),
            "visible ROI below ROI: {:?}",
            page.sentences
        );
    }
}
