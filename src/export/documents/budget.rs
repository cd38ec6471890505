//! The documents of `roicast plan`, `compare` and `conflation`: each
//! command's own table (and the plan's quarterly budget with a native
//! chart), the scenario's inputs and a Run sheet in the workbook; a title
//! page, the command's chart, its tables, the key assumptions and the
//! method in the board pack.
//!
//! Every figure is read from the structures the command's JSON is written
//! from (`plan.json`, `compare.json`, `conflation.json`), so the values are
//! the same.

use std::io::Write;

use super::{
    BOARD_PACK, Documents, WORKBOOK, assumptions_page, board_columns, calendar_words, inputs_sheet, sheet_name,
};
use crate::calendar::year_word;
use crate::charts::style::{Footnote, grouped};
use crate::charts::{ConflationCostChart, EfficientFrontier, NpvDifference};
use crate::compare::{Comparison, ConflationCost, Difference, PairedSet, Source};
use crate::export::ExportError;
use crate::export::pdf::{BoardPack, Headline, Page, TablePage, TextPage, TitlePage, write_board_pack};
use crate::export::tables::{Cell, Table, Unit, period_cells};
use crate::export::xlsx::{Sheet, SheetChart, write_workbook};
use crate::format::{dated_month, money, percent, signed_money};
use crate::plan::{Evaluation, Plan, PlanSettings, Search};

/// The settings every budget command runs with, for the Run sheet and the appendix.
#[derive(Debug, Clone, Copy)]
pub(super) struct Run<'a> {
    pub(super) sources: &'a [Source<'a>],
    pub(super) trials: u64,
    pub(super) seed: u64,
    pub(super) date: &'a str,
}

impl<'a> Run<'a> {
    /// The settings of a command run on one scenario.
    pub(super) fn of_one(source: &'a Source<'a>, trials: u64, date: &'a str) -> Run<'a> {
        Run { sources: std::slice::from_ref(source), trials, seed: source.seed, date }
    }

    /// The Run sheet's table: version, date, trials, seed and each scenario's file and hash.
    pub(super) fn table(&self, extra: Vec<(String, Cell)>) -> Table {
        let mut table = Table::new(&["item", "value"]);
        let mut row = |item: String, value: Cell| table.push(vec![Cell::text(item), value]);
        row("roicast version".into(), Cell::text(env!("CARGO_PKG_VERSION")));
        row("run date".into(), Cell::text(self.date));
        row("trials".into(), Cell::count(self.trials));
        row(
            "seed".into(),
            if self.seed < (1 << 53) { Cell::count(self.seed) } else { Cell::text(self.seed.to_string()) },
        );
        for (i, source) in self.sources.iter().enumerate() {
            let which =
                if self.sources.len() > 1 { format!("scenario {} ", ["A", "B"][i.min(1)]) } else { "scenario ".into() };
            row(format!("{which}name"), Cell::text(&source.scenario.name));
            row(format!("{which}file"), Cell::text(source.file));
            row(format!("{which}SHA-256"), Cell::text(&source.scenario.source_sha256));
            row(format!("{which}sampling"), Cell::text(source.scenario.simulation.sampling.as_str()));
            row(format!("{which}discount rate (a year)"), Cell::share(source.scenario.simulation.discount_rate));
        }
        if let Some(first) = self.sources.first() {
            let horizon = first.scenario.simulation.horizon_months;
            row("horizon (months)".into(), Cell::count(u64::from(horizon)));
            if let Some(calendar) = &first.scenario.calendar {
                row("calendar".into(), Cell::text(calendar.describe(horizon)));
            }
            row("currency".into(), Cell::text(&first.scenario.currency));
        }
        for (item, value) in extra {
            row(item, value);
        }
        table
    }

    /// The method appendix, with the command's own paragraphs first.
    pub(super) fn appendix(&self, mut items: Vec<(String, String)>) -> TextPage {
        if let Some(first) = self.sources.first() {
            let scenario = first.scenario;
            items.push((
                "Calendar".into(),
                calendar_words(scenario.calendar.as_ref(), scenario.simulation.horizon_months),
            ));
        }
        items.push(("Trials and seed".into(), format!("{} trials, seed {}", grouped(self.trials), self.seed)));
        for source in self.sources {
            items.push((
                "Scenario".into(),
                format!("{} ({}), SHA-256 {}", source.scenario.name, source.file, source.scenario.source_sha256),
            ));
        }
        items
            .push(("Model and version".into(), format!("roicast {}, run on {}", env!("CARGO_PKG_VERSION"), self.date)));
        TextPage { title: "Appendix: method".into(), items }
    }

    /// The title page's subtitle.
    pub(super) fn subtitle(&self) -> String {
        format!("Run on {} · {} trials", self.date, grouped(self.trials))
    }
}

/// Writes a command's board pack.
pub(super) fn pack(
    title: &str,
    currency: &str,
    footer: &str,
    pages: Vec<Page>,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let pack = BoardPack {
        title: format!("{title} — roicast {BOARD_PACK}"),
        currency: currency.to_string(),
        footer: footer.to_string(),
        pages,
    };
    write_board_pack(&pack, out)
}

// ---------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------

/// The documents of `roicast plan`.
pub struct PlanDocuments<'a> {
    /// The scenario planned.
    pub source: Source<'a>,
    /// The plan.
    pub plan: &'a Plan,
    /// Trials simulated.
    pub trials: u64,
    /// Date of the run.
    pub date: String,
}

/// The initiatives funded, or "all but …" when that is shorter.
fn funded_detail(names: &[&str], scenario: &crate::scenario::Scenario) -> String {
    let left_out: Vec<&str> =
        scenario.initiatives.iter().map(|i| i.name.as_str()).filter(|n| !names.contains(n)).collect();
    if left_out.is_empty() {
        "all of them".to_string()
    } else if left_out.len() < names.len() {
        format!("all but {}", left_out.join(", "))
    } else {
        names.join(", ")
    }
}

/// "It spends $120k in months 1–12 at P90 (mean $98k)", a clause per budget window.
fn spend_sentence(e: &Evaluation, settings: &PlanSettings, currency: &str) -> String {
    let level = level_label(settings.confidence);
    let parts: Vec<String> = settings
        .budgets
        .iter()
        .zip(&e.spend)
        .map(|(window, spend)| {
            format!(
                "{} in {} at {level} (mean {})",
                money(spend.quantile, currency),
                window.describe(),
                money(spend.mean, currency)
            )
        })
        .collect();
    let subject = if e.members.len() == 1 { "It spends" } else { "Together they spend" };
    format!("{subject} {}.", parts.join("; "))
}

/// "P90" for 0.9.
fn level_label(confidence: f64) -> String {
    format!("P{}", (confidence * 1000.0).round() / 10.0)
}

impl PlanDocuments<'_> {
    fn run(&self) -> Run<'_> {
        Run::of_one(&self.source, self.trials, &self.date)
    }

    /// The ranked portfolios (or the cheapest, when nothing fits): their NPV,
    /// and for every budget window the spend at the plan's confidence and
    /// the chance of staying within the budget.
    pub fn plan_table(&self) -> Table {
        let scenario = self.source.scenario;
        let settings = &self.plan.settings;
        let level = level_label(settings.confidence);
        let mut header: Vec<String> =
            ["rank", "portfolio", "mean NPV", "P10 NPV", "P50 NPV", "P90 NPV", "P(NPV<0)"].map(String::from).to_vec();
        for window in &settings.budgets {
            header.push(format!("mean spend {}", window.label));
            header.push(format!("{level} spend {}", window.label));
            header.push(format!("P(within {})", window.label));
        }
        if settings.budgets.len() > 1 {
            header.push("P(within all)".into());
        }
        header.push("fits".into());
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut table = Table::new(&header);
        let row = |rank: Cell, e: &Evaluation| {
            let mut cells = vec![
                rank,
                Cell::text(e.names(scenario).join(" + ")),
                Cell::money(e.npv_mean),
                Cell::money(e.npv_p10),
                Cell::money(e.npv_p50),
                Cell::money(e.npv_p90),
                Cell::share(e.prob_npv_negative),
            ];
            for spend in &e.spend {
                cells.extend([Cell::money(spend.mean), Cell::money(spend.quantile), Cell::share(spend.prob_within)]);
            }
            if settings.budgets.len() > 1 {
                cells.push(Cell::share(e.prob_within_budgets));
            }
            cells.push(Cell::text(if e.fits { "yes" } else { "no" }));
            cells
        };
        for (i, e) in self.plan.ranked.iter().enumerate() {
            table.push(row(Cell::count(i as u64 + 1), e));
        }
        if let Some(cheapest) = &self.plan.cheapest {
            table.push(row(Cell::text("cheapest"), cheapest));
        }
        table
    }

    /// Every initiative's own figures and the value of learning more about it.
    pub fn initiatives_table(&self) -> Table {
        let scenario = self.source.scenario;
        let mut table = Table::new(&["initiative", "kind", "mean NPV", "P(NPV<0)", "EVPI", "EVPI ± (1 se)"]);
        for figures in &self.plan.initiatives {
            let initiative = &scenario.initiatives[figures.initiative];
            table.push(vec![
                Cell::text(&initiative.name),
                Cell::text(initiative.kind.as_str()),
                Cell::money(figures.npv_mean),
                Cell::share(figures.prob_npv_negative),
                Cell::money(figures.evpi.value),
                Cell::money(figures.evpi.se),
            ]);
        }
        table
    }

    /// The chosen portfolio's budget by quarter, then its totals by (fiscal) year and by budget window.
    pub fn budget_table(&self) -> Table {
        let mut table = Table::new(&[
            "period",
            "months",
            "mean spend",
            "P50 spend",
            "P90 spend",
            "mean visible benefit",
            "mean risk loss",
            "budget",
            "P(within budget)",
        ]);
        for row in self.plan.budget_table.iter().chain(&self.plan.year_table).chain(&self.plan.window_table) {
            let mut cells = period_cells(row).to_vec();
            cells.extend([
                Cell::money(row.spend_mean),
                Cell::money(row.spend_p50),
                Cell::money(row.spend_p90),
                Cell::money(row.visible_benefit_mean),
                Cell::money(row.risk_loss_mean),
                Cell::maybe(row.budget.as_ref().map(|b| b.amount), Unit::Money),
                Cell::maybe(row.budget.as_ref().map(|b| b.prob_within_budget), Unit::Share),
            ]);
            table.push(cells);
        }
        table
    }

    fn constraint(&self) -> String {
        let s = &self.plan.settings;
        let currency = &self.source.scenario.currency;
        let mut text =
            format!("{} of build and run spend within {}", level_label(s.confidence), s.windows_text(currency));
        if let Some(p) = s.max_loss_probability {
            text.push_str(&format!(", P(NPV<0) at most {}", percent(p)));
        }
        text
    }
}

impl Documents for PlanDocuments<'_> {
    fn write_workbook(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let scenario = self.source.scenario;
        let s = &self.plan.settings;
        let mut plan = Sheet::new("Plan", self.plan_table());
        plan.notes.push(format!("Constraint: {}; risk losses are not budget spend.", self.constraint()));
        let initiatives = Sheet::new("Initiatives", self.initiatives_table());
        let mut budget = Sheet::new("Budget", self.budget_table());
        if !self.plan.budget_table.is_empty() {
            budget.charts.push(SheetChart::Grouped {
                title: "Spend and visible benefit per quarter".into(),
                rows: 0..self.plan.budget_table.len(),
                x: 0,
                columns: vec![2, 4],
                line: Some(5),
                axis: scenario.currency.clone(),
            });
        } else {
            budget.notes.push("No portfolio fits the budget, so there is no budget table.".into());
        }
        let search = match self.plan.search {
            Search::Exhaustive { .. } => "exhaustive",
            Search::Heuristic => "greedy then local search",
        };
        let mut settings: Vec<(String, Cell)> =
            s.budgets.iter().map(|b| (format!("budget {}", b.describe()), Cell::money(b.amount))).collect();
        settings.extend([
            ("spend quantile that must fit".into(), Cell::share(s.confidence)),
            ("highest P(NPV<0) allowed".into(), Cell::maybe(s.max_loss_probability, Unit::Share)),
            ("search".into(), Cell::text(search)),
            ("portfolios considered".into(), Cell::count(self.plan.portfolios as u64)),
        ]);
        let run = self.run().table(settings);
        let sheets =
            vec![plan, initiatives, budget, inputs_sheet(scenario, "Inputs", self.source.file), Sheet::new("Run", run)];
        write_workbook(&sheets, &scenario.currency, &format!("{} — roicast plan {WORKBOOK}", scenario.name), out)
    }

    fn write_board_pack(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let scenario = self.source.scenario;
        let currency = &scenario.currency;
        let chosen = self.plan.chosen();
        let (figures, sentences) = match chosen {
            Some(c) => (
                vec![
                    Headline {
                        label: "Initiatives to fund".into(),
                        value: format!("{} of {}", c.members.len(), scenario.initiatives.len()),
                        detail: funded_detail(&c.names(scenario), scenario),
                    },
                    Headline {
                        label: "Mean NPV of the chosen portfolio".into(),
                        value: money(c.npv_mean, currency),
                        detail: format!("P10 {} to P90 {}", money(c.npv_p10, currency), money(c.npv_p90, currency)),
                    },
                    Headline {
                        label: "Chance it loses money".into(),
                        value: percent(c.prob_npv_negative),
                        detail: format!("P(NPV < 0) over {} months", scenario.simulation.horizon_months),
                    },
                ],
                vec![
                    format!(
                        "Funding {} keeps {} ({} of trials stay within {}).",
                        c.names(scenario).join(", "),
                        self.constraint(),
                        percent(c.prob_within_budgets),
                        if c.spend.len() == 1 { "the budget" } else { "every budget" }
                    ),
                    spend_sentence(c, &self.plan.settings, currency),
                ],
            ),
            None => (
                vec![Headline { label: "Portfolios that fit".into(), value: "none".into(), detail: self.constraint() }],
                vec![match &self.plan.cheapest {
                    Some(c) => format!(
                        "No portfolio keeps {}. The one that misses by least is {}: {}",
                        self.constraint(),
                        c.names(scenario).join(" + "),
                        spend_sentence(c, &self.plan.settings, currency)
                    ),
                    None => format!("No portfolio keeps {}.", self.constraint()),
                }],
            ),
        };
        let footnote = Footnote { scenario, trials: self.trials };
        let mut pages = vec![
            Page::Title(TitlePage {
                kicker: "Board pack · budget plan".into(),
                title: scenario.name.clone(),
                subtitle: self.run().subtitle(),
                figures,
                sentences,
            }),
            Page::Chart(Box::new(EfficientFrontier { plan: self.plan, footnote })),
            Page::Table(TablePage {
                title: "Portfolios ranked".into(),
                subtitle: format!("Constraint: {}", self.constraint()),
                table: self.plan_table(),
                notes: vec!["Ranked by mean NPV among the portfolios that fit; spend is build plus run cost.".into()],
            }),
            Page::Table(TablePage {
                title: "What learning more is worth, initiative by initiative".into(),
                subtitle: "EVPI: what perfect knowledge of an initiative's uncertain inputs is worth at most, before \
                           funding it"
                    .into(),
                table: self.initiatives_table(),
                notes: vec!["A pilot or study that costs more than an initiative's EVPI is not worth running.".into()],
            }),
        ];
        if chosen.is_some() {
            let years = year_word(scenario.calendar.as_ref());
            pages.push(Page::Table(TablePage {
                title: format!("Budget by quarter and {years}"),
                subtitle: format!(
                    "The chosen portfolio's build and run spend per quarter, {years} and budget window, with mean \
                     visible benefit and risk losses"
                ),
                table: self.budget_table(),
                notes: Vec::new(),
            }));
        }
        pages.push(assumptions_page(scenario));
        pages.push(Page::Text(self.run().appendix(vec![(
            "Method".into(),
            "Each initiative is simulated once per trial; a portfolio's figures add its members' cash flows trial \
             by trial, so every portfolio is judged on the same trials."
                .into(),
        )])));
        pack(&scenario.name, currency, &scenario.name, pages, out)
    }
}

// ---------------------------------------------------------------------------
// compare and conflation
// ---------------------------------------------------------------------------

/// The cells of a difference: mean, 95% interval, P10, P50, P90 (empty when undefined).
fn difference_cells(d: Option<&Difference>) -> [Cell; 6] {
    let m = |f: fn(&Difference) -> f64| Cell::maybe(d.map(f), Unit::Money);
    [m(|d| d.mean), m(|d| d.ci95_low), m(|d| d.ci95_high), m(|d| d.p10), m(|d| d.p50), m(|d| d.p90)]
}

/// The documents of `roicast compare`.
pub struct CompareDocuments<'a> {
    /// Scenario A, the baseline.
    pub a: Source<'a>,
    /// Scenario B.
    pub b: Source<'a>,
    /// The comparison.
    pub comparison: &'a Comparison,
    /// Date of the run.
    pub date: String,
}

impl CompareDocuments<'_> {
    fn run(&self) -> (Vec<Source<'_>>, u64) {
        (vec![self.a, self.b], self.comparison.runs.a.trials)
    }

    /// One row per compared set, as `compare.json` holds it.
    pub fn compare_table(&self) -> Table {
        let mut table = Table::new(&[
            "set",
            "mean NPV A",
            "mean NPV B",
            "mean B−A",
            "95% CI low",
            "95% CI high",
            "P10 B−A",
            "P50 B−A",
            "P90 B−A",
            "P(B beats A)",
            "P(tie)",
            "P(NPV<0) A",
            "P(NPV<0) B",
            "median payback A",
            "median payback B",
            "P(abandoned) A",
            "P(abandoned) B",
        ]);
        for set in &self.comparison.sets {
            let mut row = vec![Cell::text(&set.name), Cell::money(set.npv_mean.a), Cell::money(set.npv_mean.b)];
            row.extend(difference_cells(set.npv_difference.as_ref()));
            row.extend([
                Cell::share(set.prob_b_beats_a),
                Cell::share(set.prob_tie),
                Cell::share(set.prob_npv_negative.a),
                Cell::share(set.prob_npv_negative.b),
                Cell::maybe(set.payback_month_p50.a, Unit::Month),
                Cell::maybe(set.payback_month_p50.b, Unit::Month),
                Cell::share(set.prob_abandoned.a),
                Cell::share(set.prob_abandoned.b),
            ]);
            table.push(row);
        }
        table
    }
}

impl Documents for CompareDocuments<'_> {
    fn write_workbook(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let (sources, trials) = self.run();
        let run = Run { sources: &sources, trials, seed: self.a.seed, date: &self.date };
        let sheets = vec![
            Sheet::new("Compare", self.compare_table()),
            inputs_sheet(self.a.scenario, &sheet_name("Inputs A"), self.a.file),
            inputs_sheet(self.b.scenario, &sheet_name("Inputs B"), self.b.file),
            Sheet::new("Run", run.table(Vec::new())),
        ];
        let title = format!("{} vs {} — roicast compare {WORKBOOK}", self.b.scenario.name, self.a.scenario.name);
        write_workbook(&sheets, &self.a.scenario.currency, &title, out)
    }

    fn write_board_pack(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let (sources, trials) = self.run();
        let run = Run { sources: &sources, trials, seed: self.a.seed, date: &self.date };
        let (a, b) = (self.a.scenario, self.b.scenario);
        let currency = &a.currency;
        let portfolio = self.comparison.sets.iter().find(|s| s.name == "portfolio");
        let mut figures = Vec::new();
        let mut sentences = Vec::new();
        if let Some(p) = portfolio {
            if let Some(d) = &p.npv_difference {
                figures.push(Headline {
                    label: "Change in mean portfolio NPV, B − A".into(),
                    value: signed_money(d.mean, currency),
                    detail: format!(
                        "95% interval {} to {}",
                        signed_money(d.ci95_low, currency),
                        signed_money(d.ci95_high, currency)
                    ),
                });
                sentences.push(format!(
                    "Run on the same random numbers, B changes the portfolio's NPV by {} on average; in 8 trials \
                     out of 10 the change lies between {} and {}.",
                    signed_money(d.mean, currency),
                    signed_money(d.p10, currency),
                    signed_money(d.p90, currency)
                ));
            }
            figures.push(Headline {
                label: "Trials in which B does better".into(),
                value: percent(p.prob_b_beats_a),
                detail: format!("and {} in which both give the same NPV", percent(p.prob_tie)),
            });
            figures.push(Headline {
                label: "Chance the portfolio loses money".into(),
                value: format!("{} → {}", percent(p.prob_npv_negative.a), percent(p.prob_npv_negative.b)),
                detail: "A → B".into(),
            });
            sentences.push(format!(
                "The portfolio's median payback month moves from {} (A) to {} (B).",
                dated_month(p.payback_month_p50.a, a.calendar.as_ref()),
                dated_month(p.payback_month_p50.b, b.calendar.as_ref())
            ));
        }
        let footnote = Footnote { scenario: a, trials };
        let pages = vec![
            Page::Title(TitlePage {
                kicker: "Board pack · comparison".into(),
                title: format!("B: {} against A: {}", b.name, a.name),
                subtitle: run.subtitle(),
                figures,
                sentences,
            }),
            Page::Chart(Box::new(NpvDifference { comparison: self.comparison, b_name: &b.name, footnote })),
            Page::Table(TablePage {
                title: "B against A by set".into(),
                subtitle: "Differences are B − A, trial by trial, under common random numbers".into(),
                table: board_columns(
                    &self.compare_table(),
                    &[
                        "set",
                        "mean NPV A",
                        "mean NPV B",
                        "mean B−A",
                        "95% CI low",
                        "95% CI high",
                        "P10 B−A",
                        "P90 B−A",
                        "P(B beats A)",
                        "P(NPV<0) A",
                        "P(NPV<0) B",
                        "median payback A",
                        "median payback B",
                    ],
                ),
                notes: vec!["P(B beats A) counts the trials in which B's NPV is strictly higher.".into()],
            }),
            Page::Text(run.appendix(vec![(
                "Method".into(),
                "Both scenarios are run with the same seed and trials; inputs and risks with the same name draw \
                 the same random numbers in both, so a difference is caused by what the scenarios change, not by \
                 luck."
                    .into(),
            )])),
        ];
        pack(&format!("{} vs {}", b.name, a.name), currency, &format!("B: {} · A: {}", b.name, a.name), pages, out)
    }
}

/// The documents of `roicast conflation`.
pub struct ConflationDocuments<'a> {
    /// The scenario.
    pub source: Source<'a>,
    /// What its mismatched owners cost.
    pub cost: &'a ConflationCost,
    /// Date of the run.
    pub date: String,
}

impl ConflationDocuments<'_> {
    fn run(&self) -> Run<'_> {
        Run::of_one(&self.source, self.cost.runs.a.trials, &self.date)
    }

    /// One row per mismatched initiative and one for the total, as `conflation.json` holds them.
    pub fn conflation_table(&self) -> Table {
        let scenario = self.source.scenario;
        let mut table = Table::new(&[
            "set",
            "kind",
            "owner",
            "natural owner",
            "mean NPV lost",
            "95% CI low",
            "95% CI high",
            "P10 lost",
            "P50 lost",
            "P90 lost",
            "P(cost > 0)",
            "mean NPV as written",
            "mean NPV with natural owners",
            "P(NPV<0) as written",
            "P(NPV<0) with natural owners",
            "P(abandoned) as written",
            "P(abandoned) with natural owners",
        ]);
        let row = |label: &str, set: &PairedSet| {
            let init = scenario.initiative_index(&set.name).map(|i| &scenario.initiatives[i]);
            let mut row = vec![
                Cell::text(label),
                Cell::text(init.map_or("", |i| i.kind.as_str())),
                Cell::text(init.map_or("", |i| i.owner.as_str())),
                Cell::text(init.map_or("", |i| i.kind.natural_owner().as_str())),
            ];
            row.extend(difference_cells(set.npv_difference.as_ref()));
            row.extend([
                Cell::share(set.prob_b_beats_a),
                Cell::money(set.npv_mean.a),
                Cell::money(set.npv_mean.b),
                Cell::share(set.prob_npv_negative.a),
                Cell::share(set.prob_npv_negative.b),
                Cell::share(set.prob_abandoned.a),
                Cell::share(set.prob_abandoned.b),
            ]);
            row
        };
        for set in &self.cost.initiatives {
            table.push(row(&set.name, set));
        }
        table.push(row("total (portfolio)", &self.cost.total));
        table
    }
}

impl Documents for ConflationDocuments<'_> {
    fn write_workbook(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let scenario = self.source.scenario;
        let c = &scenario.conflation;
        let mut sheet = Sheet::new("Conflation", self.conflation_table());
        sheet.notes.push(
            "NPV lost = NPV with natural owners − NPV as written, trial by trial, under common random numbers.".into(),
        );
        let run = self.run().table(vec![
            ("benefit multiplier of a mismatched owner".into(), Cell::number(c.benefit_multiplier, Unit::Plain)),
            ("risk rate multiplier".into(), Cell::number(c.risk_rate_multiplier, Unit::Plain)),
            ("extra abandon probability".into(), Cell::share(c.extra_abandon_probability)),
        ]);
        let sheets = vec![sheet, inputs_sheet(scenario, "Inputs", self.source.file), Sheet::new("Run", run)];
        write_workbook(&sheets, &scenario.currency, &format!("{} — roicast conflation {WORKBOOK}", scenario.name), out)
    }

    fn write_board_pack(&self, out: &mut dyn Write) -> Result<(), ExportError> {
        let scenario = self.source.scenario;
        let currency = &scenario.currency;
        let total = &self.cost.total;
        let mut figures = Vec::new();
        let mut sentences = Vec::new();
        if let Some(d) = &total.npv_difference {
            figures.push(Headline {
                label: "Mean NPV the wrong owners cost".into(),
                value: money(d.mean, currency),
                detail: format!("95% interval {} to {}", money(d.ci95_low, currency), money(d.ci95_high, currency)),
            });
            sentences.push(format!(
                "Giving every initiative its natural owner (IT for IT automation, operations for BPA) would add {} \
                 to the portfolio's mean NPV; in 8 trials out of 10 the loss lies between {} and {}.",
                money(d.mean, currency),
                money(d.p10, currency),
                money(d.p90, currency)
            ));
        }
        figures.push(Headline {
            label: "Mismatched initiatives".into(),
            value: format!("{} of {}", self.cost.mismatched.len(), scenario.initiatives.len()),
            detail: self.cost.mismatched.join(", "),
        });
        figures.push(Headline {
            label: "Chance the portfolio loses money".into(),
            value: format!("{} → {}", percent(total.prob_npv_negative.b), percent(total.prob_npv_negative.a)),
            detail: "natural owners → as written".into(),
        });
        sentences.push(format!("The mismatch costs money in {} of trials.", percent(total.prob_b_beats_a)));
        let footnote = Footnote { scenario, trials: self.cost.runs.a.trials };
        let pages = vec![
            Page::Title(TitlePage {
                kicker: "Board pack · cost of conflation".into(),
                title: scenario.name.clone(),
                subtitle: self.run().subtitle(),
                figures,
                sentences,
            }),
            Page::Chart(Box::new(ConflationCostChart { cost: self.cost, footnote })),
            Page::Table(TablePage {
                title: "What each mismatch costs".into(),
                subtitle: "As written against the same scenario with natural owners, trial by trial".into(),
                table: board_columns(
                    &self.conflation_table(),
                    &[
                        "set",
                        "owner",
                        "natural owner",
                        "mean NPV lost",
                        "95% CI low",
                        "95% CI high",
                        "P10 lost",
                        "P90 lost",
                        "P(cost > 0)",
                        "P(NPV<0) as written",
                        "P(NPV<0) with natural owners",
                    ],
                ),
                notes: vec![
                    "A positive NPV lost is what the mismatch costs; P10/P90 are of the per-trial loss.".into(),
                ],
            }),
            assumptions_page(scenario),
            Page::Text(self.run().appendix(vec![(
                "Method".into(),
                "The scenario is run as written and with every initiative given its natural owner, on the same \
                 random numbers; the difference in each trial is the cost of the mismatches."
                    .into(),
            )])),
        ];
        pack(&scenario.name, currency, &scenario.name, pages, out)
    }
}
