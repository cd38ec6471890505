//! Months as dates and fiscal periods: what finance plans in.
//!
//! The model counts months `t = 1..H`. A scenario's `[calendar]` pins month
//! 1 to a calendar month (`start = "2027-01"`) and says when the fiscal year
//! begins (`fiscal_year_start = "April"`). Then, as the contract's section
//! "Calendar and escalation" says:
//!
//! - month `t` is the calendar month `start + (t - 1)`;
//! - a fiscal year is named after the calendar year in which it ends (with
//!   an April start, FY2028 runs April 2027 to March 2028; with January,
//!   FY2027 is the calendar year 2027), and its Q1 holds its first three
//!   months;
//! - without a calendar, months keep their numbers and quarter `k` is months
//!   `3k-2 .. 3k`.
//!
//! [`Periods`] cuts a horizon into quarters or years either way, each a
//! [`Period`] with its months and label, so a budget table or a chart axis
//! does not care whether a calendar exists. A period the horizon cuts
//! short (a fiscal quarter that began before month 1) keeps its full name
//! and holds only the months inside the horizon.
//!
//! ```
//! use roicast::calendar::{Calendar, YearMonth};
//! let calendar = Calendar::new(YearMonth::parse("2027-01").unwrap(), 4);
//! assert_eq!(calendar.date(3).to_string(), "2027-03");
//! assert_eq!(calendar.date(3).short_label(), "Mar 2027");
//! assert_eq!(calendar.fiscal_quarter_label(3), "FY2027 Q4");
//! assert_eq!(calendar.fiscal_quarter_label(4), "FY2028 Q1");
//! assert_eq!(calendar.month_of(YearMonth::parse("2027-06").unwrap()), 6);
//! ```

use std::fmt;

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Earliest and latest calendar years accepted, far beyond any plan.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// The year, e.g. 2027.
    pub year: i32,
    /// The month, 1 (January) to 12 (December).
    pub month: u8,
}

impl YearMonth {
    /// Reads `YYYY-MM` (`2027-01`); the error says what is expected.
    pub fn parse(text: &str) -> Result<YearMonth, String> {
        let error = || format!("`{text}` is not a month written as YYYY-MM, e.g. \"2027-01\"");
        let (year, month) = text.trim().split_once('-').ok_or_else(error)?;
        if year.len() != 4 || month.len() != 2 || !(year.chars().chain(month.chars())).all(|c| c.is_ascii_digit()) {
            return Err(error());
        }
        let year: i32 = year.parse().map_err(|_| error())?;
        let month: u8 = month.parse().map_err(|_| error())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{text}`: the month must be 01 to 12"));
        }
        if !YEARS.contains(&year) {
            return Err(format!("`{text}`: the year must be {} to {}", YEARS.start(), YEARS.end()));
        }
        Ok(YearMonth { year, month })
    }

    /// Months since January of year 0: consecutive months differ by one.
    fn serial(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The month with this serial number.
    fn from_serial(serial: i64) -> YearMonth {
        YearMonth { year: serial.div_euclid(12) as i32, month: serial.rem_euclid(12) as u8 + 1 }
    }

    /// The month `months` later (earlier when negative).
    pub fn plus(self, months: i64) -> YearMonth {
        YearMonth::from_serial(self.serial() + months)
    }

    /// "Jan 2027", for chart axes and sentences.
    pub fn short_label(self) -> String {
        format!("{} {}", &MONTH_NAMES[usize::from(self.month) - 1][..3], self.year)
    }
}

impl fmt::Display for YearMonth {
    /// `2027-03`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Reads a fiscal year's first month: a month name (`"April"`, `"apr"`) or its number (`4`).
pub fn parse_month_name(text: &str) -> Result<u8, String> {
    let wanted = text.trim().to_lowercase();
    if let Ok(number) = wanted.parse::<u8>() {
        return if (1..=12).contains(&number) {
            Ok(number)
        } else {
            Err(format!("`{text}` is not a month: use 1 to 12 or a month name such as \"April\""))
        };
    }
    let found = MONTH_NAMES.iter().position(|name| {
        let name = name.to_lowercase();
        wanted == name || (wanted.len() >= 3 && name.starts_with(&wanted))
    });
    match found {
        Some(index) => Ok(index as u8 + 1),
        None => Err(format!(
            "`{text}` is not a month{}: use a month name such as \"April\" or its number, 1 to 12",
            crate::suggest::did_you_mean(text.trim(), MONTH_NAMES)
        )),
    }
}

/// Month 1's calendar month and the fiscal year's first month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// The calendar month of model month 1.
    pub start: YearMonth,
    /// The first month of every fiscal year, 1 (January) to 12.
    pub fiscal_year_start: u8,
}

impl Calendar {
    /// A calendar whose month 1 is `start` and whose fiscal year begins in month `fiscal_year_start` (1–12).
    pub fn new(start: YearMonth, fiscal_year_start: u8) -> Calendar {
        assert!((1..=12).contains(&fiscal_year_start), "a fiscal year starts in month 1 to 12");
        Calendar { start, fiscal_year_start }
    }

    /// The calendar month of model month `t` (1-based; 0 is the month before month 1).
    pub fn date(&self, t: u32) -> YearMonth {
        self.start.plus(i64::from(t) - 1)
    }

    /// The model month of a calendar month: 1 for `start`, 0 or less before it.
    pub fn month_of(&self, date: YearMonth) -> i64 {
        date.serial() - self.start.serial() + 1
    }

    /// Months into its fiscal year of a calendar month: 0 for the fiscal year's first month.
    fn fiscal_offset(&self, date: YearMonth) -> i64 {
        (i64::from(date.month) - i64::from(self.fiscal_year_start)).rem_euclid(12)
    }

    /// The fiscal year of model month `t`, named after the calendar year in which it ends.
    pub fn fiscal_year(&self, t: u32) -> i32 {
        let date = self.date(t);
        // The fiscal year's last month is 11 months after its first.
        date.plus(11 - self.fiscal_offset(date)).year
    }

    /// How many months of its fiscal year precede model month `t`: 0 for a fiscal year's first month.
    pub fn months_into_fiscal_year(&self, t: u32) -> u32 {
        self.fiscal_offset(self.date(t)) as u32
    }

    /// The fiscal quarter (1–4) of model month `t`.
    pub fn fiscal_quarter(&self, t: u32) -> u8 {
        (self.fiscal_offset(self.date(t)) / 3) as u8 + 1
    }

    /// The calendar in a sentence, for `validate` and the reports' method
    /// pages: "month 1 is Jan 2027 and month 36 is Dec 2029; fiscal years
    /// start in April and are named after the calendar year they end in
    /// (Jan 2027 falls in FY2027 Q4)".
    pub fn describe(&self, horizon: u32) -> String {
        let first = self.start.short_label();
        format!(
            "month 1 is {first} and month {horizon} is {}; fiscal years start in {} and are named after the \
             calendar year they end in ({first} falls in {})",
            self.date(horizon).short_label(),
            MONTH_NAMES[usize::from(self.fiscal_year_start) - 1],
            self.fiscal_quarter_label(1)
        )
    }

    /// "FY2028", the fiscal year of model month `t`.
    pub fn fiscal_year_label(&self, t: u32) -> String {
        format!("FY{}", self.fiscal_year(t))
    }

    /// "FY2028 Q1", the fiscal quarter of model month `t`.
    pub fn fiscal_quarter_label(&self, t: u32) -> String {
        format!("FY{} Q{}", self.fiscal_year(t), self.fiscal_quarter(t))
    }
}

/// What [`Periods::years`] are called: "fiscal year" with a calendar, else "year".
pub fn year_word(calendar: Option<&Calendar>) -> &'static str {
    if calendar.is_some() { "fiscal year" } else { "year" }
}

/// A run of consecutive model months with a name: a quarter or a (fiscal) year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// "FY2028 Q1", "FY2028", "Q3" or "Year 2".
    pub label: String,
    /// Its first month inside the horizon (1-based).
    pub first_month: u32,
    /// Its last month inside the horizon.
    pub last_month: u32,
}

impl Period {
    /// Whether model month `t` falls in it.
    pub fn contains(&self, t: u32) -> bool {
        (self.first_month..=self.last_month).contains(&t)
    }
}

/// How a horizon is cut into periods: by fiscal calendar, or by plain month numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Periods {
    /// The scenario's calendar, if it has one.
    pub calendar: Option<Calendar>,
    /// Months simulated.
    pub horizon: u32,
}

impl Periods {
    /// The quarters of the horizon: fiscal quarters with a calendar, else months `3k-2 .. 3k` as `Q<k>`.
    pub fn quarters(&self) -> Vec<Period> {
        match self.calendar {
            Some(calendar) => self.group(|t| calendar.fiscal_quarter_label(t)),
            None => self.group(|t| format!("Q{}", (t - 1) / 3 + 1)),
        }
    }

    /// The years of the horizon: fiscal years with a calendar, else months `12k-11 .. 12k` as `Year <k>`.
    pub fn years(&self) -> Vec<Period> {
        match self.calendar {
            Some(calendar) => self.group(|t| calendar.fiscal_year_label(t)),
            None => self.group(|t| format!("Year {}", (t - 1) / 12 + 1)),
        }
    }

    /// A month's label for tables and files: `2027-03` with a calendar, else its number.
    pub fn month_label(&self, t: u32) -> String {
        match self.calendar {
            Some(calendar) => calendar.date(t).to_string(),
            None => t.to_string(),
        }
    }

    /// Consecutive months with the same label, as periods.
    fn group(&self, label: impl Fn(u32) -> String) -> Vec<Period> {
        let mut periods: Vec<Period> = Vec::new();
        for t in 1..=self.horizon {
            let name = label(t);
            match periods.last_mut() {
                Some(last) if last.label == name => last.last_month = t,
                _ => periods.push(Period { label: name, first_month: t, last_month: t }),
            }
        }
        periods
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar(start: &str, fiscal_year_start: u8) -> Calendar {
        Calendar::new(YearMonth::parse(start).unwrap(), fiscal_year_start)
    }

    #[test]
    fn months_parse_only_as_yyyy_mm() {
        assert_eq!(YearMonth::parse("2027-01"), Ok(YearMonth { year: 2027, month: 1 }));
        for bad in ["2027-1", "27-01", "2027/01", "2027-13", "2027-00", "", "2027-01-01", "abcd-ef", "0999-01"] {
            assert!(YearMonth::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(YearMonth::parse("2027-12").unwrap().plus(1).to_string(), "2028-01");
        assert_eq!(YearMonth::parse("2027-01").unwrap().plus(-1).to_string(), "2026-12");
        assert_eq!(YearMonth::parse("2027-01").unwrap().plus(25).short_label(), "Feb 2029");
    }

    #[test]
    fn fiscal_years_are_named_after_the_year_they_end_in() {
        // The contract's example: with an April start, FY2028 runs April 2027 to March 2028.
        let april = calendar("2027-01", 4);
        assert_eq!(april.fiscal_year_label(3), "FY2027"); // March 2027
        assert_eq!(april.fiscal_year_label(4), "FY2028"); // April 2027
        assert_eq!(april.fiscal_year_label(15), "FY2028"); // March 2028
        assert_eq!(april.fiscal_year_label(16), "FY2029"); // April 2028
        assert_eq!((april.fiscal_quarter(4), april.fiscal_quarter(6), april.fiscal_quarter(7)), (1, 1, 2));
        assert_eq!(april.fiscal_quarter(15), 4);
        // With January, FY2027 is the calendar year 2027.
        let january = calendar("2027-01", 1);
        assert_eq!((january.fiscal_year_label(1), january.fiscal_year_label(12)), ("FY2027".into(), "FY2027".into()));
        assert_eq!(january.fiscal_quarter_label(13), "FY2028 Q1");
        // A fiscal year starting in July: July 2026 to June 2027 is FY2027.
        let july = calendar("2026-07", 7);
        assert_eq!(
            (july.fiscal_quarter_label(1), july.fiscal_quarter_label(12)),
            ("FY2027 Q1".into(), "FY2027 Q4".into())
        );
    }

    #[test]
    fn a_calendar_describes_itself() {
        assert_eq!(
            calendar("2027-01", 4).describe(36),
            "month 1 is Jan 2027 and month 36 is Dec 2029; fiscal years start in April and are named after the \
             calendar year they end in (Jan 2027 falls in FY2027 Q4)"
        );
    }

    #[test]
    fn dates_and_months_convert_both_ways() {
        let c = calendar("2027-01", 4);
        for t in 1..=600 {
            assert_eq!(c.month_of(c.date(t)), i64::from(t));
        }
        assert_eq!(c.month_of(YearMonth::parse("2026-12").unwrap()), 0);
        assert_eq!(c.date(0).to_string(), "2026-12");
    }

    #[test]
    fn periods_cut_the_horizon_with_or_without_a_calendar() {
        let plain = Periods { calendar: None, horizon: 14 };
        let quarters = plain.quarters();
        assert_eq!(quarters.len(), 5);
        assert_eq!((quarters[4].label.as_str(), quarters[4].first_month, quarters[4].last_month), ("Q5", 13, 14));
        assert_eq!(plain.years().iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["Year 1", "Year 2"]);
        assert_eq!(plain.month_label(7), "7");
        // February start, April fiscal year: the first fiscal quarter is cut short.
        let fiscal = Periods { calendar: Some(calendar("2027-02", 4)), horizon: 12 };
        let quarters = fiscal.quarters();
        let summary: Vec<(&str, u32, u32)> =
            quarters.iter().map(|p| (p.label.as_str(), p.first_month, p.last_month)).collect();
        assert_eq!(
            summary,
            [
                ("FY2027 Q4", 1, 2),
                ("FY2028 Q1", 3, 5),
                ("FY2028 Q2", 6, 8),
                ("FY2028 Q3", 9, 11),
                ("FY2028 Q4", 12, 12)
            ]
        );
        assert!(quarters[1].contains(5) && !quarters[1].contains(6));
        assert_eq!(fiscal.years().iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["FY2027", "FY2028"]);
        assert_eq!(fiscal.month_label(12), "2028-01");
    }

    #[test]
    fn fiscal_year_start_takes_names_or_numbers() {
        assert_eq!(parse_month_name("April"), Ok(4));
        assert_eq!(parse_month_name("apr"), Ok(4));
        assert_eq!(parse_month_name(" 10 "), Ok(10));
        assert!(parse_month_name("13").is_err() && parse_month_name("0").is_err());
        assert!(parse_month_name("Ap").is_err());
        assert!(parse_month_name("Aprli").unwrap_err().contains("did you mean \"April\""));
    }
}
