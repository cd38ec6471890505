//! Initiatives: each initiative's NPV range, best median first.
//!
//! One row per initiative: a bar from P10 to P90 (eight trials in ten fall
//! inside) in the colour of its kind, a dot at the median, and the median
//! written at the right. Initiatives whose owner is not the natural owner
//! of their kind are flagged "⚠ owner: …" under their name; the headline
//! then says where they rank.

use plotters::style::text_anchor::{HPos, VPos};

use super::data::{RangeRow, initiative_rows, padded_range};
use super::layout::{RangeBar, RangeLayout, range_row_height, range_rows};
use super::style::{self, BPA, Heading, INK, IT, LOSS, LegendItem, Mark};
use super::{Area, Chart, DrawError};
use crate::format::money;
use crate::report::Report;

/// The `initiatives` chart.
#[derive(Debug, Clone, Copy, Default)]
pub struct Initiatives;

/// Width of the column of medians right of the plot.
const VALUES: i32 = 330;

/// "1st", "2nd", "3rd", "4th", … "11th", "21st".
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Joins words as "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The headline: where mismatched initiatives rank, or else the leader and
/// how many initiatives lose money in at least one trial in ten.
pub fn headline(rows: &[RangeRow], currency: &str) -> String {
    let n = rows.len();
    let ranks: Vec<String> =
        rows.iter().enumerate().filter(|(_, r)| r.mismatched).map(|(i, _)| ordinal(i + 1)).collect();
    match (rows.first(), ranks.len()) {
        (None, _) => "No initiatives to chart".to_string(),
        (Some(_), 1) => format!("The wrong-owner initiative ranks {} of {n} by median NPV", ranks[0]),
        (Some(_), m) if m > 1 => format!("Wrong-owner initiatives rank {} of {n} by median NPV", and_list(&ranks)),
        (Some(best), _) => {
            let losing = rows.iter().filter(|r| r.p10 < 0.0).count();
            let tail = match losing {
                0 => "none loses money in 1 trial in 10".to_string(),
                k => format!("{k} of {n} lose money in at least 1 trial in 10"),
            };
            format!("{} leads with a median NPV of {}; {tail}", best.name, money(best.p50, currency))
        }
    }
}

/// The flag under a mismatched initiative's name.
fn flag(row: &RangeRow) -> String {
    format!("⚠ owner: {}", row.owner.as_str())
}

impl Chart for Initiatives {
    fn file_stem(&self) -> &'static str {
        "initiatives"
    }

    fn draw(&self, report: &Report, root: &Area) -> Result<(), DrawError> {
        let currency = &report.scenario.currency;
        let rows = initiative_rows(report);
        let title = headline(&rows, currency);
        let subtitle = format!(
            "NPV over {} months of each initiative: the bar holds 8 trials in 10 (P10 to P90), the dot marks the \
             median and the tick the mean",
            report.scenario.simulation.horizon_months
        );
        let mut legend = vec![
            LegendItem::new(Mark::Range(IT), "IT automation"),
            LegendItem::new(Mark::Range(BPA), "BPA"),
            LegendItem::new(Mark::Dot(INK), "median"),
            LegendItem::new(Mark::Tick, "mean"),
        ];
        if rows.iter().any(|r| r.mismatched) {
            legend.push(LegendItem::new(Mark::Symbol("⚠", LOSS), "owner is not the natural owner of the kind"));
        }
        let plot = style::frame(root, report, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        if rows.is_empty() {
            return style::message(&plot, "No initiatives in this scenario");
        }
        let w = plot.dim_in_pixel().0;
        let two_lines = range_row_height(&plot, rows.len()) >= 84;
        let name_style = style::anchored(style::text(style::LABEL, INK), HPos::Right, VPos::Center);
        let flag_style = style::anchored(style::bold(style::LABEL, LOSS), HPos::Right, VPos::Center);
        let max_names = (w as i32) * 2 / 5;
        let mut names_width = 0;
        for row in &rows {
            let name = style::text_width(root, &row.name, &name_style)?.min(max_names);
            let flagged = if row.mismatched { style::text_width(root, &flag(row), &flag_style)? } else { 0 };
            names_width =
                names_width.max(if two_lines || !row.mismatched { name.max(flagged) } else { name + 16 + flagged });
        }
        let layout = RangeLayout {
            names: (names_width + 28).min(max_names + 28),
            values: VALUES,
            x_range: padded_range(rows.iter().flat_map(|r| [r.p10, r.p90, r.mean]), true, 0.05),
            x_desc: format!("NPV ({currency})"),
            values_heading: "median · mean",
            currency,
        };
        let bars: Vec<Option<RangeBar>> = rows
            .iter()
            .map(|row| {
                Some(RangeBar {
                    low: row.p10,
                    dot: row.p50,
                    high: row.p90,
                    mean: Some(row.mean),
                    color: style::kind_color(Some(row.kind)),
                    value: format!("{} · {}", money(row.p50, currency), money(row.mean, currency)),
                })
            })
            .collect();
        range_rows(root, &plot, &layout, &bars, |i, (label_x, py)| {
            let row = &rows[i];
            let name = style::fit_text(root, &row.name, &name_style, max_names)?;
            if !row.mismatched {
                root.draw_text(&name, &name_style, (label_x, py))?;
            } else if two_lines {
                root.draw_text(&name, &name_style, (label_x, py - 20))?;
                root.draw_text(&flag(row), &flag_style, (label_x, py + 22))?;
            } else {
                let flag_width = style::text_width(root, &flag(row), &flag_style)?;
                root.draw_text(&flag(row), &flag_style, (label_x, py))?;
                root.draw_text(&name, &name_style, (label_x - flag_width - 16, py))?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Kind, Owner};

    fn row(name: &str, p10: f64, p50: f64, mismatched: bool) -> RangeRow {
        RangeRow {
            name: name.into(),
            kind: Kind::Bpa,
            owner: if mismatched { Owner::It } else { Owner::Operations },
            mismatched,
            p10,
            p50,
            p90: p50 * 2.0,
            mean: p50,
        }
    }

    #[test]
    fn ordinals_read_as_words_do() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101].into_iter().map(ordinal).collect();
        assert_eq!(got, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]);
    }

    #[test]
    fn headline_ranks_mismatched_owners_first() {
        let rows = [row("A", 10.0, 100.0, false), row("B", -5.0, 50.0, true), row("C", -9.0, 20.0, true)];
        assert_eq!(headline(&rows, "USD"), "Wrong-owner initiatives rank 2nd and 3rd of 3 by median NPV");
        assert_eq!(headline(&rows[..2], "USD"), "The wrong-owner initiative ranks 2nd of 2 by median NPV");
        assert_eq!(flag(&rows[1]), "⚠ owner: it");
    }

    #[test]
    fn headline_names_the_leader_and_the_losers() {
        let rows = [row("A", 10.0, 120_000.0, false), row("B", -5.0, 50.0, false), row("C", -9.0, 20.0, false)];
        assert_eq!(
            headline(&rows, "USD"),
            "A leads with a median NPV of $120k; 2 of 3 lose money in at least 1 trial in 10"
        );
        assert_eq!(
            headline(&rows[..1], "USD"),
            "A leads with a median NPV of $120k; none loses money in 1 trial in 10"
        );
        assert_eq!(headline(&[], "USD"), "No initiatives to chart");
    }
}
