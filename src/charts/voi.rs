//! Value of information: what is worth learning before you fund.
//!
//! Drawn by `roicast voi`. One row per initiative, largest EVPI at the top
//! (at most [`ROWS`]): a pale bar from zero to the initiative's EVPI (what
//! knowing everything uncertain about it before deciding is worth) and over
//! it a dark bar to the EVPPI of its most valuable input, both in the colour
//! of its kind. Under the bars a caption names that input with its value
//! and share of the EVPI; the EVPI is written in the column at the right.
//! Values within the Monte Carlo noise are marked so (see [`crate::voi`]).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::padded_range;
use super::style::{self, BPA, Footnote, Heading, INK, IT, LegendItem, MUTED, Mark, ZEBRA};
use super::{Area, DrawError, Figure};
use crate::format::{money, percent, possessive, shorten};
use crate::scenario::Scenario;
use crate::sensitivity::input_parts;
use crate::voi::{InitiativeValue, ValueOfInformation, input_label};

/// The `value-of-information` chart of `roicast voi`.
#[derive(Debug, Clone, Copy)]
pub struct ValueOfInformationChart<'v> {
    /// The values to draw.
    pub voi: &'v ValueOfInformation,
    /// The scenario with the trials and seed of the run.
    pub footnote: Footnote<'v>,
}

/// Initiatives drawn at most.
pub const ROWS: usize = 10;

/// The chart's question, which its title always opens with.
pub const QUESTION: &str = "What is worth learning before you fund";

/// Width of the EVPI column right of the plot.
const VALUES: i32 = 300;

/// `Lead-to-cash's benefit per month` for an initiative's own input,
/// `Invoice approval's build months` for a dependency's.
fn whose(scenario: &Scenario, input: usize) -> String {
    let [owner, what] = input_parts(scenario, input);
    format!("{} {what}", possessive(&shorten(&owner, 32)))
}

/// The title: [`QUESTION`], then the single input most worth learning, or
/// why there is none.
pub fn headline(scenario: &Scenario, voi: &ValueOfInformation) -> String {
    let currency = &scenario.currency;
    match (voi.most_valuable_input(), voi.most_valuable_initiative()) {
        (Some((_, input)), _) => {
            format!("{QUESTION}: {}, up to {}", whose(scenario, input.input), money(input.evppi.value, currency))
        }
        (None, Some(v)) => format!(
            "{QUESTION}: no single input; everything about {} is worth up to {}",
            shorten(&v.name, 32),
            money(v.evpi.value, currency)
        ),
        (None, None) => format!("{QUESTION}: nothing, as no information could change a funding decision"),
    }
}

/// The caption under an initiative's bars: its most valuable input and what it is worth.
fn caption(scenario: &Scenario, v: &InitiativeValue) -> String {
    let currency = &scenario.currency;
    if v.evpi.value == 0.0 {
        return "no trial would change the decision: nothing is worth learning".into();
    }
    match v.inputs.first() {
        None => "no uncertain input to learn: what is uncertain is how its risks play out".into(),
        Some(top) if top.evppi.value == 0.0 => "no single input would change the decision on its own".into(),
        Some(top) => {
            let label = input_label(scenario, v.initiative, top.input);
            let value = format!("{label} — {} ({} of EVPI)", money(top.evppi.value, currency), percent(v.share(top)));
            if top.evppi.within_noise() {
                format!("no single input is worth learning on its own (best: {value}, within the noise)")
            } else {
                format!("best input: {value}")
            }
        }
    }
}

impl Figure for ValueOfInformationChart<'_> {
    fn file_stem(&self) -> &'static str {
        "value-of-information"
    }

    fn draw(&self, root: &Area) -> Result<(), DrawError> {
        let scenario = self.footnote.scenario;
        let currency = &scenario.currency;
        let mut rows: Vec<&InitiativeValue> = self.voi.initiatives.iter().collect();
        rows.sort_by(|a, b| b.evpi.value.total_cmp(&a.evpi.value).then(a.initiative.cmp(&b.initiative)));
        let total = rows.len();
        rows.truncate(ROWS);
        let title = headline(scenario, self.voi);
        let shown =
            if rows.len() < total { format!("; the {} of {total} worth most", rows.len()) } else { String::new() };
        let subtitle = format!(
            "Pale: knowing everything uncertain about an initiative (EVPI); dark: only its most valuable input (EVPPI){shown}"
        );
        let legend = [LegendItem::new(Mark::Range(IT), "IT automation"), LegendItem::new(Mark::Range(BPA), "BPA")];
        let plot = style::frame(root, self.footnote, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        if rows.is_empty() {
            return style::message(&plot, "No initiative to show");
        }
        let n = rows.len();
        let name_style = style::anchored(style::text(style::LABEL, INK), HPos::Right, VPos::Center);
        let caption_style = style::anchored(style::text(style::TICK - 5.0, MUTED), HPos::Left, VPos::Center);
        let value_style = style::anchored(style::bold(style::LABEL, INK), HPos::Right, VPos::Center);
        let max_names = plot.dim_in_pixel().0 as i32 * 3 / 10;
        let mut names_width = 0;
        for v in &rows {
            names_width = names_width.max(style::text_width(root, &v.name, &name_style)?.min(max_names));
        }
        let names_width = names_width + 28;
        let (_, hi) = padded_range(rows.iter().map(|v| v.evpi.value), true, 0.03);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(84)
            .margin_left(names_width)
            .margin_right(VALUES)
            .margin_top(50)
            .build_cartesian_2d(0.0..hi.max(1.0), 0.0..n as f64)?;
        let x_fmt = |v: &f64| style::money_tick(*v, currency);
        style::mesh(&mut chart)
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(8)
            .x_desc(format!("Most worth paying to learn before deciding ({currency})"))
            .x_label_formatter(&x_fmt)
            .draw()?;
        let center = |i: usize| n as f64 - i as f64 - 0.5;
        let (plot_left, plot_top) = chart.backend_coord(&(0.0, n as f64));
        let (plot_right, _) = chart.backend_coord(&(hi.max(1.0), 0.0));
        root.draw_text(
            "EVPI",
            &style::anchored(style::text(style::LABEL, MUTED), HPos::Right, VPos::Bottom),
            (plot_right + VALUES, plot_top - 8),
        )?;
        for i in (0..n).filter(|i| i % 2 == 1) {
            let (_, top) = chart.backend_coord(&(0.0, center(i) + 0.5));
            let (_, bottom) = chart.backend_coord(&(0.0, center(i) - 0.5));
            root.draw(&Rectangle::new(
                [(plot_left - names_width, top), (plot_right + VALUES, bottom)],
                ZEBRA.filled(),
            ))?;
        }
        for (i, v) in rows.iter().enumerate() {
            let color = style::kind_color(Some(scenario.initiatives[v.initiative].kind));
            let y = center(i);
            let (bar_low, bar_high) = (y + 0.02, y + 0.38);
            if v.evpi.value > 0.0 {
                chart.draw_series([Rectangle::new(
                    [(0.0, bar_low), (v.evpi.value, bar_high)],
                    color.mix(0.3).filled(),
                )])?;
                if let Some(top) = v.inputs.first().filter(|t| t.evppi.value > 0.0) {
                    chart
                        .draw_series([Rectangle::new([(0.0, bar_low), (top.evppi.value, bar_high)], color.filled())])?;
                }
            }
            let (_, bar_y) = chart.backend_coord(&(0.0, y + 0.2));
            let (_, caption_y) = chart.backend_coord(&(0.0, y - 0.22));
            let name = style::fit_text(root, &v.name, &name_style, max_names)?;
            root.draw_text(&name, &name_style, (plot_left - 24, bar_y))?;
            let text =
                style::fit_text(root, &caption(scenario, v), &caption_style, plot_right + VALUES - plot_left - 8)?;
            root.draw_text(&text, &caption_style, (plot_left + 8, caption_y))?;
            let value = if v.evpi.within_noise() && v.evpi.value > 0.0 {
                format!("{} (noise)", money(v.evpi.value, currency))
            } else {
                money(v.evpi.value, currency)
            };
            root.draw_text(&value, &value_style, (plot_right + VALUES, bar_y))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::voi::{Estimate, InputValue};

    fn scenario() -> Scenario {
        let text = "[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n\
                    [[initiatives]]\nname = \"Base\"\nkind = \"it\"\nbuild_cost = 1\nbuild_months = { uniform = [1, 2] }\nbenefit_per_month = 1\n\
                    [[initiatives]]\nname = \"Lead-to-cash\"\nkind = \"bpa\"\ndepends_on = [\"Base\"]\nbuild_cost = 1\nbuild_months = 1\n\
                    benefit_per_month = { uniform = [0, 2] }\n";
        Scenario::parse(text, "t.toml").unwrap()
    }

    fn value(initiative: usize, evpi: f64, top: Option<(usize, f64)>) -> InitiativeValue {
        InitiativeValue {
            initiative,
            name: ["Base", "Lead-to-cash"][initiative].into(),
            npv_mean: 1.0,
            prob_npv_negative: 0.3,
            evpi: Estimate { value: evpi, se: 100.0 },
            inputs: top
                .map(|(input, evppi)| InputValue {
                    input,
                    name: String::new(),
                    evppi: Estimate { value: evppi, se: 100.0 },
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn headline_names_the_input_most_worth_learning_or_why_there_is_none() {
        let s = scenario();
        let benefit = s.input_index("Lead-to-cash.benefit_per_month").unwrap();
        let build = s.input_index("Base.build_months").unwrap();
        let voi = |initiatives| ValueOfInformation { trials: 100, bins: 2, initiatives };
        assert_eq!(
            headline(
                &s,
                &voi(vec![value(0, 5_000.0, Some((build, 1_000.0))), value(1, 41_000.0, Some((benefit, 30_100.0)))])
            ),
            "What is worth learning before you fund: Lead-to-cash's benefit per month, up to $30.1k"
        );
        // A dependency's input is named with its own initiative; noise is never a headline.
        assert_eq!(
            headline(
                &s,
                &voi(vec![value(1, 9_000.0, Some((build, 4_000.0))), value(0, 50_000.0, Some((build, 150.0)))])
            ),
            "What is worth learning before you fund: Base's build months, up to $4.00k"
        );
        assert_eq!(
            headline(&s, &voi(vec![value(0, 9_000.0, Some((build, 150.0)))])),
            "What is worth learning before you fund: no single input; everything about Base is worth up to $9.00k"
        );
        assert_eq!(
            headline(&s, &voi(vec![value(0, 0.0, None), value(1, 150.0, None)])),
            "What is worth learning before you fund: nothing, as no information could change a funding decision"
        );
    }
}
