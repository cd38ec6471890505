//! Efficient frontier: every portfolio `roicast plan` considered, mean NPV
//! against P10 NPV.
//!
//! Up and to the right is better: more value on average, and more value
//! in the worst tenth of trials (P10 NPV over the horizon). Portfolios that fit the budget (and the loss limit) are blue, the
//! others grey; the line joins the fitting portfolios that no other fitting
//! portfolio beats on both axes, and a ring marks the chosen one. With more
//! than [`MAX_POINTS`] portfolios (up to a million with 20 initiatives) the
//! chart draws every portfolio on either frontier (all portfolios, fitting
//! ones), the chosen one and an evenly spaced selection of the rest, and
//! says so.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::data::padded_range;
use super::style::{self, Footnote, Heading, INK, IT, LOSS, LegendItem, MUTED, Mark};
use super::{Area, DrawError, Figure};
use crate::format::{money, shorten};
use crate::plan::{FrontierPoint, Plan};

/// The `efficient-frontier` chart of a plan: a [`Figure`] by itself, drawn
/// without a [`crate::report::Report`] (and so without a standard run).
#[derive(Debug, Clone, Copy)]
pub struct EfficientFrontier<'p> {
    /// The plan to draw.
    pub plan: &'p Plan,
    /// The scenario planned, with the trials and seed of the plan's simulation.
    pub footnote: Footnote<'p>,
}

/// The most portfolios drawn.
pub const MAX_POINTS: usize = 20_000;

/// Indices of the points on the upper-right envelope of `candidates`: no
/// other candidate has a mean and a P10 at least as high, one of them higher.
/// Ordered by increasing P10.
pub fn envelope(points: &[FrontierPoint], candidates: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut order: Vec<usize> = candidates.collect();
    order.sort_by(|&a, &b| {
        points[b].npv_p10.total_cmp(&points[a].npv_p10).then(points[b].npv_mean.total_cmp(&points[a].npv_mean))
    });
    let mut best = f64::NEG_INFINITY;
    let mut kept: Vec<usize> = order
        .into_iter()
        .filter(|&i| {
            let better = points[i].npv_mean > best;
            best = best.max(points[i].npv_mean);
            better
        })
        .collect();
    kept.reverse();
    kept
}

/// Indices of the points to draw: every point when there are at most `max`;
/// otherwise both envelopes, `chosen`, and evenly spaced others up to `max`.
pub fn plotted(points: &[FrontierPoint], chosen: Option<usize>, max: usize) -> Vec<usize> {
    if points.len() <= max {
        return (0..points.len()).collect();
    }
    let mut keep = vec![false; points.len()];
    for i in envelope(points, 0..points.len())
        .into_iter()
        .chain(envelope(points, (0..points.len()).filter(|&i| points[i].fits)))
        .chain(chosen)
    {
        keep[i] = true;
    }
    let room = max.saturating_sub(keep.iter().filter(|&&k| k).count()).max(1);
    let stride = points.len().div_ceil(room);
    (0..points.len()).filter(|&i| keep[i] || i % stride == 0).collect()
}

/// Longest headline that names the initiatives to fund; beyond it names are
/// shortened, and if that is not enough the headline counts them instead.
pub const HEADLINE_CHARS: usize = 110;

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The headline: which initiatives to fund and what they return, or that
/// nothing fits. `names` are the chosen initiatives' names, `left_out` the
/// others': with more funded than left out, it names those left out ("Fund
/// all but …"). When even shortened names make it longer than
/// [`HEADLINE_CHARS`], it counts them ("Fund 6 of 20 initiatives") and
/// the chart lists them under the subtitle.
pub fn headline(plan: &Plan, names: &[&str], left_out: &[&str], currency: &str) -> String {
    let Some(c) = plan.chosen() else { return format!("No portfolio fits {}", plan.settings.budget_phrase(currency)) };
    let figures = format!("mean NPV {}, P10 {}", money(c.npv_mean, currency), money(c.npv_p10, currency));
    for chars in [usize::MAX, 28, 20, 14] {
        let list = |items: &[&str]| and_list(&items.iter().map(|n| shorten(n, chars)).collect::<Vec<_>>());
        let title = if !left_out.is_empty() && left_out.len() < names.len() {
            format!("Fund all but {}: {figures}", list(left_out))
        } else {
            format!("Fund {}: {figures}", list(names))
        };
        if title.chars().count() <= HEADLINE_CHARS {
            return title;
        }
    }
    format!("Fund {} of {} initiatives: {figures}", names.len(), names.len() + left_out.len())
}

impl Figure for EfficientFrontier<'_> {
    fn file_stem(&self) -> &'static str {
        "efficient-frontier"
    }

    fn draw(&self, root: &Area) -> Result<(), DrawError> {
        let scenario = self.footnote.scenario;
        let currency = &scenario.currency;
        let plan = self.plan;
        let points = &plan.frontier;
        let shown = plotted(points, plan.chosen_point, MAX_POINTS);
        let names: Vec<&str> = plan.chosen().map_or(Vec::new(), |c| c.names(scenario));
        let left_out: Vec<&str> =
            scenario.initiatives.iter().map(|i| i.name.as_str()).filter(|n| !names.contains(n)).collect();
        let title = headline(plan, &names, &left_out, currency);
        let counted = title.starts_with(&format!("Fund {} of", names.len()));
        let settings = &plan.settings;
        let level = format!("{}", (settings.confidence * 1000.0).round() / 10.0);
        let sample = if shown.len() < points.len() {
            format!(" ({} of {} drawn)", style::grouped(shown.len() as u64), style::grouped(points.len() as u64))
        } else {
            String::new()
        };
        let subtitle = format!(
            "Each dot a portfolio{sample}; blue: fits (P{level} of build and run spend within {}{})",
            settings.windows_text(currency),
            settings
                .max_loss_probability
                .map_or(String::new(), |p| format!(", P(NPV<0) at most {}", style::share_label(p)))
        );
        // The line only says something when no fitting portfolio dominates all the others.
        let frontier = envelope(points, (0..points.len()).filter(|&i| points[i].fits));
        let mut legend =
            vec![LegendItem::new(Mark::Dot(IT), "fits"), LegendItem::new(Mark::Dot(MUTED), "does not fit")];
        if frontier.len() > 1 {
            legend.push(LegendItem::new(Mark::Line(INK, 3), "best fitting trade-offs"));
        }
        if plan.chosen_point.is_some() {
            legend.push(LegendItem::new(Mark::Dot(LOSS), "chosen"));
        }
        let plot = style::frame(root, self.footnote, &Heading { title: &title, subtitle: &subtitle, legend: &legend })?;
        if points.is_empty() {
            return style::message(&plot, "No portfolio to show");
        }
        // A headline that only counts the initiatives to fund: name them here.
        let plot = if counted {
            let list_style = style::text(style::LABEL, INK);
            let width = plot.dim_in_pixel().0 as i32;
            let fits = |s: &str| style::text_width(root, s, &list_style).is_ok_and(|w| w <= width);
            let text = format!("Fund: {}", names.join(", "));
            let lines = if fits(&text) {
                vec![text]
            } else if let Some(two) = style::two_lines(&text, fits) {
                two.to_vec()
            } else {
                vec![style::fit_text(root, &text, &list_style, width)?]
            };
            for (i, line) in lines.iter().enumerate() {
                plot.draw_text(line, &list_style, (0, i as i32 * 44))?;
            }
            plot.margin(44 * lines.len() as i32, 0, 0, 0)
        } else {
            plot
        };
        let (x_lo, x_hi) = padded_range(shown.iter().map(|&i| points[i].npv_p10), false, 0.05);
        let (y_lo, y_hi) = padded_range(shown.iter().map(|&i| points[i].npv_mean), false, 0.05);
        let mut chart = ChartBuilder::on(&plot)
            .x_label_area_size(90)
            .y_label_area_size(170)
            .margin_right(40)
            .margin_top(20)
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
        let money_fmt = |v: &f64| style::money_tick(*v, currency);
        style::mesh(&mut chart)
            .x_labels(8)
            .y_labels(8)
            .x_desc(format!(
                "P10 NPV over {} months: 1 trial in 10 ends lower ({currency})",
                scenario.simulation.horizon_months
            ))
            .y_desc(format!("mean NPV ({currency})"))
            .x_label_formatter(&money_fmt)
            .y_label_formatter(&money_fmt)
            .draw()?;
        let dot = |i: usize, radius: i32, color: ShapeStyle| {
            Circle::new((points[i].npv_p10, points[i].npv_mean), radius, color)
        };
        chart.draw_series(shown.iter().filter(|&&i| !points[i].fits).map(|&i| dot(i, 5, MUTED.mix(0.35).filled())))?;
        chart.draw_series(shown.iter().filter(|&&i| points[i].fits).map(|&i| dot(i, 6, IT.mix(0.7).filled())))?;
        chart.draw_series((frontier.len() > 1).then(|| {
            PathElement::new(
                frontier.iter().map(|&i| (points[i].npv_p10, points[i].npv_mean)).collect::<Vec<_>>(),
                INK.stroke_width(3),
            )
        }))?;
        if let Some(c) = plan.chosen_point {
            chart.draw_series([dot(c, 18, LOSS.stroke_width(5)), dot(c, 7, LOSS.filled())])?;
            let (x, y) = chart.backend_coord(&(points[c].npv_p10, points[c].npv_mean));
            let (left, _) = chart.backend_coord(&(x_lo, y_lo));
            let label_style = style::bold(style::LABEL, LOSS);
            let width = style::text_width(root, "chosen", &label_style)?;
            let (anchor, at) = if x - 30 - width >= left { (HPos::Right, x - 30) } else { (HPos::Left, x + 30) };
            root.draw_text("chosen", &style::anchored(label_style, anchor, VPos::Center), (at, y))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(npv_p10: f64, npv_mean: f64, fits: bool) -> FrontierPoint {
        FrontierPoint { npv_mean, npv_p10, fits }
    }

    fn plan(members: usize) -> Plan {
        use crate::plan::{BudgetWindow, Evaluation, PlanSettings, Search, Space, WindowSpend};
        let window = BudgetWindow { label: "months 1–12".into(), first_month: 1, last_month: 12, amount: 400_000.0 };
        let space = Space {
            closure: Vec::new(),
            required: Vec::new(),
            included: Vec::new(),
            excluded: Vec::new(),
            forbidden: Vec::new(),
            free: Vec::new(),
            groups: Vec::new(),
        };
        let settings = PlanSettings { budgets: vec![window], confidence: 0.9, max_loss_probability: None, space };
        let chosen = Evaluation {
            members: (0..members).collect(),
            npv_mean: 512_000.0,
            npv_p10: -40_000.0,
            npv_p50: 500_000.0,
            npv_p90: 900_000.0,
            prob_npv_negative: 0.12,
            spend: vec![WindowSpend { mean: 300_000.0, quantile: 380_000.0, prob_within: 0.93 }],
            prob_within_budgets: 0.93,
            fits: true,
        };
        let ranked = if members == 0 { Vec::new() } else { vec![chosen] };
        Plan {
            settings,
            search: Search::Heuristic,
            portfolios: 1,
            ranked,
            cheapest: None,
            budget_table: Vec::new(),
            year_table: Vec::new(),
            window_table: Vec::new(),
            initiatives: Vec::new(),
            frontier: Vec::new(),
            chosen_point: None,
        }
    }

    #[test]
    fn headline_names_what_to_fund_or_what_is_left_out() {
        let (names, rest) = (["Invoice approval", "Lead-to-cash"], ["Patch management", "Backup verification", "X"]);
        assert_eq!(
            headline(&plan(2), &names, &rest, "USD"),
            "Fund Invoice approval and Lead-to-cash: mean NPV $512k, P10 -$40.0k"
        );
        assert_eq!(
            headline(&plan(3), &rest, &names[1..], "USD"),
            "Fund all but Lead-to-cash: mean NPV $512k, P10 -$40.0k"
        );
        let long = ["Identity and access automation", "Dormant customer account clean-up", "Customer onboarding"];
        let title = headline(&plan(3), &long, &[], "USD");
        assert!(title.chars().count() <= HEADLINE_CHARS && title.contains('…'), "{title}");
        let many: Vec<String> = (0..20).map(|i| format!("Initiative number {i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            headline(&plan(12), &many[..12], &many[12..], "USD"),
            "Fund 12 of 20 initiatives: mean NPV $512k, P10 -$40.0k"
        );
        assert_eq!(headline(&plan(0), &[], &rest, "USD"), "No portfolio fits the $400k budget");
    }

    #[test]
    fn envelope_keeps_the_undominated_points_by_increasing_p10() {
        let points = [
            point(0.0, 10.0, true),
            point(1.0, 9.0, true),
            point(0.5, 8.0, true),  // dominated by the second
            point(2.0, 5.0, false), // best P10, only among all
            point(1.0, 9.0, true),  // a tie with the second: kept once
        ];
        assert_eq!(envelope(&points, 0..5), vec![0, 1, 3]);
        assert_eq!(envelope(&points, (0..5).filter(|&i| points[i].fits)), vec![0, 1]);
    }

    #[test]
    fn thinning_keeps_frontiers_and_the_chosen_point() {
        let points: Vec<FrontierPoint> =
            (0..1000).map(|i| point((i % 37) as f64, (i % 101) as f64, i % 3 == 0)).collect();
        assert_eq!(plotted(&points, None, 5000).len(), 1000);
        let shown = plotted(&points, Some(999), 100);
        assert!(shown.len() <= 130, "{}", shown.len());
        assert!(shown.contains(&999));
        for i in envelope(&points, 0..1000) {
            assert!(shown.contains(&i));
        }
    }
}
