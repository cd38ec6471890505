//! Tables for people: what `report.xlsx` and `board-pack.pdf` show, as typed cells.
//!
//! Every table of the two documents is built here once, from the very
//! numbers `summary.json` (or a command's JSON) holds — the same `f64`s,
//! never recomputed or rounded — as rows of [`Cell`]s that know their
//! [`Unit`]. The workbook writes a cell as a number under its unit's Excel
//! number format ([`super::xlsx`]); the board pack prints the same cell as
//! text with [`Cell::display`]. An undefined figure (`null` in the JSON) is
//! [`Cell::Empty`]; a cell is never NaN.
//!
//! Months and quarters are labelled by [`month_cells`] and [`period_cells`]
//! only: a month is its number and, with a `[calendar]`, its date
//! (`2027-03`); a quarter is named by [`crate::calendar::Periods`]
//! (`FY2028 Q1` with a calendar).

use crate::calendar::Calendar;
use crate::format::{money, month, percent};
use crate::plan::BudgetRow;

/// What a number measures, which decides how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// An amount in the scenario's currency.
    Money,
    /// A probability or share in [0, 1], shown as a percentage.
    Share,
    /// A ratio such as ROI (0.25 is 25% more back than spent), shown with two decimals.
    Ratio,
    /// A month number (payback, a month of the horizon).
    Month,
    /// A whole count (trials, seed, initiatives).
    Count,
    /// Any other number, shown as it is.
    Plain,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, always stored as text (a name like `=1+1` is never a formula).
    Text(String),
    /// A finite number and its unit.
    Number(f64, Unit),
    /// No value: an undefined figure.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A number of a unit; [`Cell::Empty`] when it is not finite.
    pub fn number(value: f64, unit: Unit) -> Cell {
        if value.is_finite() { Cell::Number(value, unit) } else { Cell::Empty }
    }

    /// A figure that may be undefined.
    pub fn maybe(value: Option<f64>, unit: Unit) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::number(v, unit))
    }

    /// An amount of money.
    pub fn money(value: f64) -> Cell {
        Cell::number(value, Unit::Money)
    }

    /// A share or probability.
    pub fn share(value: f64) -> Cell {
        Cell::number(value, Unit::Share)
    }

    /// A whole count.
    pub fn count(value: u64) -> Cell {
        Cell::number(value as f64, Unit::Count)
    }

    /// The cell as text for a printed table: money with a k/M suffix,
    /// shares as percentages with one decimal, "–" for an empty cell.
    pub fn display(&self, currency: &str) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Empty => "–".to_string(),
            Cell::Number(v, unit) => match unit {
                Unit::Money => money(*v, currency),
                Unit::Share => percent(*v),
                Unit::Ratio => format!("{v:.2}"),
                Unit::Month => month(Some(*v)),
                Unit::Count => crate::charts::style::grouped(*v as u64),
                Unit::Plain => format!("{v}"),
            },
        }
    }
}

/// A table: a header row and rows of cells, each row as long as the header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Column headings.
    pub headers: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these headings.
    pub fn new(headers: &[&str]) -> Table {
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row (as long as the header).
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.headers.len(), "a row of {:?}", self.headers);
        self.rows.push(row);
    }

    /// Index of the column with this heading.
    pub fn column(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == header)
    }

    /// The table with only the columns of these indices, in that order.
    pub fn select(&self, columns: &[usize]) -> Table {
        Table {
            headers: columns.iter().map(|&c| self.headers[c].clone()).collect(),
            rows: self.rows.iter().map(|row| columns.iter().map(|&c| row[c].clone()).collect()).collect(),
        }
    }
}

/// The headings of the columns [`month_cells`] fills: `month`, then `date` with a calendar.
pub fn month_headers(calendar: Option<&Calendar>) -> &'static [&'static str] {
    if calendar.is_some() { &["month", "date"] } else { &["month"] }
}

/// The cells that name month `m` of the horizon: its number, then with a
/// calendar its date as text (`2027-03`, as in the CSV files).
pub fn month_cells(m: u32, calendar: Option<&Calendar>) -> Vec<Cell> {
    let mut cells = vec![Cell::number(f64::from(m), Unit::Month)];
    cells.extend(calendar.map(|c| Cell::text(c.date(m).to_string())));
    cells
}

/// The cells that name a period of a budget table: its label (`Q1`,
/// `FY2028 Q1`, a budget window's) and its months (`1–3`).
pub fn period_cells(row: &BudgetRow) -> [Cell; 2] {
    [Cell::text(&row.period), Cell::text(format!("{}–{}", row.first_month, row.last_month))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_never_hold_nan_and_print_in_their_unit() {
        assert_eq!(Cell::money(f64::NAN), Cell::Empty);
        assert_eq!(Cell::maybe(Some(f64::INFINITY), Unit::Month), Cell::Empty);
        assert_eq!(Cell::maybe(None, Unit::Month), Cell::Empty);
        assert_eq!(Cell::money(-45_600.0).display("EUR"), "-€45.6k");
        assert_eq!(Cell::share(0.0734).display("USD"), "7.3%");
        assert_eq!(Cell::number(1.0649, Unit::Ratio).display("USD"), "1.06");
        assert_eq!(Cell::number(14.5, Unit::Month).display("USD"), "14.5");
        assert_eq!(Cell::count(20_000).display("USD"), "20,000");
        assert_eq!(Cell::Empty.display("USD"), "–");
        assert_eq!(Cell::text("=1+1").display("USD"), "=1+1");
    }

    #[test]
    fn months_get_a_date_with_a_calendar() {
        let calendar = Calendar::new(crate::calendar::YearMonth::parse("2027-11").unwrap(), 4);
        assert_eq!(month_headers(None), ["month"]);
        assert_eq!(month_cells(3, None), [Cell::Number(3.0, Unit::Month)]);
        assert_eq!(month_headers(Some(&calendar)), ["month", "date"]);
        assert_eq!(month_cells(3, Some(&calendar)), [Cell::Number(3.0, Unit::Month), Cell::text("2028-01")]);
    }

    #[test]
    fn selecting_columns_keeps_their_order() {
        let mut table = Table::new(&["a", "b", "c"]);
        table.push(vec![Cell::text("x"), Cell::money(1.0), Cell::share(0.5)]);
        let picked = table.select(&[2, 0]);
        assert_eq!(picked.headers, ["c", "a"]);
        assert_eq!(picked.rows[0], vec![Cell::share(0.5), Cell::text("x")]);
        assert_eq!(table.column("b"), Some(1));
    }
}
