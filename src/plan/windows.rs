//! Budget windows: which months a budget covers, as finance writes them.
//!
//! `roicast plan --budget` takes one or more budgets, each a chance
//! constraint on the build and run spend of its months:
//!
//! - `400k`: months 1 to `--budget-months` (12 by default);
//! - `FY2028=400k` or `FY2028 Q1=100k`: a fiscal year or quarter, with the
//!   scenario's `[calendar]` (see [`crate::calendar`]);
//! - `months:13-24=300k`: months 13 to 24, with or without a calendar.
//!
//! [`BudgetSpec`] is what the command line says ([`parse_window`] reads
//! its window, the command line its amount); [`BudgetSpec::resolve`]
//! turns it into a [`BudgetWindow`] of model months against a scenario. A
//! window must lie within the horizon: spend after month `H` is not
//! simulated, so a budget reaching past it would be met by construction.
//! A fiscal year or quarter that began before month 1 (a plan starting in
//! the middle of a fiscal year) keeps only its months from month 1 on, and
//! its label says so.

use crate::calendar::YearMonth;
use crate::scenario::Scenario;

/// The months a budget on the command line covers, before a scenario gives them numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowSpec {
    /// Months 1 to `--budget-months`: a plain `--budget AMOUNT`.
    FirstMonths,
    /// A fiscal year (`FY2028`) or quarter (`FY2028 Q1`) of the scenario's calendar.
    Fiscal {
        /// The fiscal year, named after the calendar year it ends in.
        year: i32,
        /// The quarter, 1 to 4, or the whole year.
        quarter: Option<u8>,
    },
    /// Months `first..=last` (`months:13-24`).
    Months {
        /// First month, 1-based.
        first: u32,
        /// Last month.
        last: u32,
    },
}

/// One `--budget` as written: an amount and the months it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetSpec {
    /// The months.
    pub window: WindowSpec,
    /// The budget for build and run spend in those months.
    pub amount: f64,
}

/// A budget for the build and run spend of model months `first_month..=last_month`.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetWindow {
    /// How reports name it: `months 1–12`, `FY2028`, `FY2028 Q1`.
    pub label: String,
    /// First month, 1-based.
    pub first_month: u32,
    /// Last month.
    pub last_month: u32,
    /// The budget.
    pub amount: f64,
}

impl BudgetWindow {
    /// `months 1–12` for a window named by its months, else `FY2028 (months 4–15)`.
    pub fn describe(&self) -> String {
        let months = format!("months {}–{}", self.first_month, self.last_month);
        if self.label == months { months } else { format!("{} ({months})", self.label) }
    }
}

/// The windows `--budget` accepts, for error messages.
const FORMS: &str = "write FY2028 or FY2028 Q1 (with a [calendar]), or months:13-24";

/// Reads the window of a `--budget WINDOW=AMOUNT`: `FY2028`, `FY2028 Q1`
/// (any case) or `months:13-24`.
pub fn parse_window(text: &str) -> Result<WindowSpec, String> {
    let window = text.trim();
    if let Some(range) = strip_prefix_ignoring_case(window, "months:") {
        let (first, last) = range
            .split_once(['-', '–'])
            .ok_or_else(|| format!("`{window}`: months are written as a range, e.g. months:13-24"))?;
        let month =
            |m: &str| m.trim().parse::<u32>().map_err(|_| format!("`{window}`: `{}` is not a month number", m.trim()));
        let (first, last) = (month(first)?, month(last)?);
        if first == 0 || first > last {
            return Err(format!("`{window}`: the months must run forwards from month 1 or later, e.g. months:13-24"));
        }
        return Ok(WindowSpec::Months { first, last });
    }
    fiscal(window).ok_or_else(|| format!("`{window}` is not a budget window: {FORMS}"))
}

fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// `FY2028` or `FY2028 Q1` (any case, spaces optional before the quarter).
fn fiscal(window: &str) -> Option<WindowSpec> {
    let rest = strip_prefix_ignoring_case(window, "FY")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let year: i32 = digits.parse().ok()?;
    let quarter = match rest[4..].trim() {
        "" => None,
        q => match strip_prefix_ignoring_case(q, "Q")?.trim() {
            d @ ("1" | "2" | "3" | "4") => Some(d.parse().ok()?),
            _ => return None,
        },
    };
    Some(WindowSpec::Fiscal { year, quarter })
}

impl BudgetSpec {
    /// The model months this budget covers in `scenario`, with `budget_months`
    /// for a plain amount; every problem is said in a sentence.
    pub fn resolve(&self, scenario: &Scenario, budget_months: u32) -> Result<BudgetWindow, String> {
        let horizon = scenario.simulation.horizon_months;
        let horizon_text = match &scenario.calendar {
            Some(c) => format!("months 1–{horizon}, {} to {}", c.date(1), c.date(horizon)),
            None => format!("months 1–{horizon}"),
        };
        let months = |first: u32, last: u32| format!("months {first}–{last}");
        let (label, first, last) = match self.window {
            WindowSpec::FirstMonths => (months(1, budget_months), 1, i64::from(budget_months)),
            WindowSpec::Months { first, last } => (months(first, last), i64::from(first), i64::from(last)),
            WindowSpec::Fiscal { year, quarter } => {
                let name = match quarter {
                    Some(q) => format!("FY{year} Q{q}"),
                    None => format!("FY{year}"),
                };
                let Some(calendar) = scenario.calendar else {
                    return Err(format!(
                        "--budget {name}=…: the scenario has no [calendar] to say when {name} is; add one \
                         (start = \"2027-01\", fiscal_year_start = \"April\") or write the months, e.g. \
                         months:13-24=300k"
                    ));
                };
                // FY`year` ends in calendar year `year`: it starts in its first month, 11 months before its end.
                let start_month = calendar.fiscal_year_start;
                let start_year = if start_month == 1 { year } else { year - 1 };
                let year_start = calendar.month_of(YearMonth { year: start_year, month: start_month });
                let (first, last) = match quarter {
                    Some(q) => (year_start + 3 * i64::from(q - 1), year_start + 3 * i64::from(q) - 1),
                    None => (year_start, year_start + 11),
                };
                if last >= 1 && last <= i64::from(horizon) && first < 1 {
                    // Begun before month 1: the plan covers what is left of it.
                    let label = format!("{name} from month 1");
                    return Ok(BudgetWindow { label, first_month: 1, last_month: last as u32, amount: self.amount });
                }
                (name, first, last)
            }
        };
        if last < 1 || first > i64::from(horizon) {
            return Err(format!("--budget {label}: the window is outside the scenario's horizon ({horizon_text})"));
        }
        if first < 1 || last > i64::from(horizon) {
            let date = |t: i64| scenario.calendar.map_or_else(String::new, |c| format!(" ({})", c.start.plus(t - 1)));
            return Err(format!(
                "--budget {label}: the window runs to month {last}{}, past the scenario's horizon ({horizon_text}); \
                 spend after the horizon is not simulated",
                date(last)
            ));
        }
        Ok(BudgetWindow { label, first_month: first as u32, last_month: last as u32, amount: self.amount })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(calendar: &str, horizon: u32) -> Scenario {
        let text = format!(
            "[simulation]\nhorizon_months = {horizon}\ndiscount_rate = 0.1\n{calendar}\n[[initiatives]]\nname = \"A\"\n\
             kind = \"it\"\nbuild_cost = 1\nbuild_months = 1\nbenefit_per_month = 1\n"
        );
        Scenario::parse(&text, "t.toml").unwrap()
    }

    /// `text` is `WINDOW=AMOUNT` with a plain amount, or a plain amount.
    fn window(text: &str, scenario: &Scenario) -> Result<(String, u32, u32, f64), String> {
        let spec = match text.split_once('=') {
            Some((w, a)) => BudgetSpec { window: parse_window(w)?, amount: a.parse().unwrap() },
            None => BudgetSpec { window: WindowSpec::FirstMonths, amount: text.parse().unwrap() },
        };
        let w = spec.resolve(scenario, 12)?;
        Ok((w.label, w.first_month, w.last_month, w.amount))
    }

    #[test]
    fn windows_are_read_in_every_form() {
        assert_eq!(parse_window("FY2028"), Ok(WindowSpec::Fiscal { year: 2028, quarter: None }));
        assert_eq!(parse_window(" fy2028 q3 "), Ok(WindowSpec::Fiscal { year: 2028, quarter: Some(3) }));
        assert_eq!(parse_window("FY2028Q4"), Ok(WindowSpec::Fiscal { year: 2028, quarter: Some(4) }));
        assert_eq!(parse_window("months:13-24"), Ok(WindowSpec::Months { first: 13, last: 24 }));
        assert_eq!(parse_window("Months:13–24"), Ok(WindowSpec::Months { first: 13, last: 24 }));
        for bad in ["FY28", "FY2028 Q5", "2028", "months:24-13", "months:0-3", "months:3", "months:a-b", "FY20281"] {
            assert!(parse_window(bad).is_err(), "{bad}");
        }
        assert!(parse_window("next year").unwrap_err().contains("months:13-24"));
    }

    #[test]
    fn windows_take_their_months_from_the_calendar() {
        // Month 1 is January 2027; fiscal years start in April: FY2028 is months 4–15.
        let s = scenario("[calendar]\nstart = \"2027-01\"\nfiscal_year_start = \"April\"", 36);
        assert_eq!(window("FY2028=400000", &s), Ok(("FY2028".into(), 4, 15, 400_000.0)));
        assert_eq!(window("FY2029 Q2=1", &s), Ok(("FY2029 Q2".into(), 19, 21, 1.0)));
        // FY2027 began in April 2026: months 1–3 are what is left of it.
        assert_eq!(window("FY2027=5", &s), Ok(("FY2027 from month 1".into(), 1, 3, 5.0)));
        // FY2030 runs to March 2030, month 39: past a 36-month horizon.
        let err = window("FY2030=1", &s).unwrap_err();
        assert!(err.contains("month 39 (2030-03)") && err.contains("2027-01 to 2029-12"), "{err}");
        assert!(window("FY2031=1", &s).unwrap_err().contains("outside the scenario's horizon"));
        assert!(window("FY2026=1", &s).unwrap_err().contains("outside"));
        // A plain budget and months work with a calendar too.
        assert_eq!(window("1", &s), Ok(("months 1–12".into(), 1, 12, 1.0)));
        assert_eq!(window("months:13-24=2", &s), Ok(("months 13–24".into(), 13, 24, 2.0)));
    }

    #[test]
    fn windows_by_month_need_no_calendar_and_stay_within_the_horizon() {
        let s = scenario("", 24);
        assert_eq!(window("months:13-24=300000", &s), Ok(("months 13–24".into(), 13, 24, 300_000.0)));
        assert!(window("months:13-25=1", &s).unwrap_err().contains("past the scenario's horizon (months 1–24)"));
        assert!(window("months:25-30=1", &s).unwrap_err().contains("outside the scenario's horizon"));
        assert!(window("FY2028=1", &s).unwrap_err().contains("no [calendar]"));
        let w = BudgetSpec { window: WindowSpec::FirstMonths, amount: 1.0 }.resolve(&s, 30).unwrap_err();
        assert!(w.contains("month 30"), "{w}");
        // A calendar-year fiscal year: FY2027 is the calendar year 2027.
        let january = scenario("[calendar]\nstart = \"2027-01\"", 24);
        assert_eq!(window("FY2028=1", &january), Ok(("FY2028".into(), 13, 24, 1.0)));
    }
}
