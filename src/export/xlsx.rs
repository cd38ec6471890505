//! `report.xlsx`: a workbook of [`Sheet`]s, each a table with native Excel charts.
//!
//! A command describes its workbook as data — a list of [`Sheet`]s, each a
//! [`Table`] of typed cells, optional [`SheetChart`]s drawn from the table's
//! own columns, and notes below it — and [`write_workbook`] turns that into
//! the file. Adding a sheet is adding one more [`Sheet`] to the list.
//!
//! Every sheet is laid out the same way: the table from cell A1 with a
//! bold header row that stays frozen, an autofilter over the table, columns
//! as wide as their longest entry (up to [`MAX_WIDTH`] characters), notes
//! under the table after an empty row, and the charts to the right of the
//! table, one under the other. Numbers are written as the very `f64`s of
//! the table under their unit's number format (money in the scenario's
//! currency, shares as percentages), an empty cell stays empty, and text
//! is always written as a string, so a name such as `=HYPERLINK(...)` is
//! never read as a formula.

use std::io::Write;
use std::ops::Range;

use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartAxisLabelPosition, ChartFormat, ChartLegendPosition, ChartLine, ChartSolidFill,
    ChartType, Color, DocProperties, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::ExportError;
use super::tables::{Cell, Table, Unit};
use crate::format::currency_prefix;

/// Widest column, in characters, that fitting a column to its entries gives.
pub const MAX_WIDTH: usize = 48;

/// Rows of the sheet one chart takes.
const CHART_ROWS: u32 = 20;
/// Chart size in pixels.
const CHART_SIZE: (u32, u32) = (720, 380);

/// One worksheet: a table, charts of its columns, and notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The tab's name (at most 31 characters, none of `[]:*?/\`).
    pub name: String,
    /// The table, from cell A1.
    pub table: Table,
    /// Native charts of the table's columns, right of the table.
    pub charts: Vec<SheetChart>,
    /// Lines of text under the table, one per row, always stored as text.
    pub notes: Vec<String>,
}

impl Sheet {
    /// A sheet holding only a table.
    pub fn new(name: &str, table: Table) -> Sheet {
        Sheet { name: name.to_string(), table, charts: Vec::new(), notes: Vec::new() }
    }
}

/// How a chart's series look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    /// IT automation's blue.
    It,
    /// BPA's orange.
    Bpa,
    /// The portfolio's dark grey.
    Portfolio,
}

impl Palette {
    /// The colour as RGB (the charts' Okabe–Ito colours).
    fn rgb(self) -> u32 {
        let c = match self {
            Palette::It => crate::charts::style::IT,
            Palette::Bpa => crate::charts::style::BPA,
            Palette::Portfolio => crate::charts::style::PORTFOLIO,
        };
        (u32::from(c.0) << 16) | (u32::from(c.1) << 8) | u32::from(c.2)
    }
}

/// A native Excel chart of some rows of a sheet's table; columns are
/// indices into the table.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetChart {
    /// A fan: `bands` stacked on `base` as filled areas, outer bands lighter,
    /// and `line` drawn over them; `x` gives the categories.
    Fan {
        /// Chart title.
        title: String,
        /// Rows of the table (0 is the first row under the header).
        rows: Range<usize>,
        /// Category column.
        x: usize,
        /// The lower edge of the lowest band (drawn without fill).
        base: usize,
        /// Band widths, bottom to top, each with its legend name.
        bands: Vec<(usize, String)>,
        /// The line over the bands, with its legend name.
        line: (usize, String),
        /// Colour.
        palette: Palette,
        /// Axis titles: categories, values.
        axes: [String; 2],
    },
    /// Vertical columns of one series, touching (a histogram).
    Columns {
        /// Chart title.
        title: String,
        /// Rows of the table.
        rows: Range<usize>,
        /// Category column.
        x: usize,
        /// Value column.
        y: usize,
        /// Colour.
        palette: Palette,
        /// Axis titles: categories, values.
        axes: [String; 2],
    },
    /// Horizontal bars of one series, first row at the top (a tornado).
    Bars {
        /// Chart title.
        title: String,
        /// Rows of the table.
        rows: Range<usize>,
        /// Category column.
        x: usize,
        /// Value column.
        y: usize,
        /// Colour.
        palette: Palette,
        /// Value axis title.
        axis: String,
    },
    /// Clustered columns of several series, with one more series as a line.
    Grouped {
        /// Chart title.
        title: String,
        /// Rows of the table.
        rows: Range<usize>,
        /// Category column.
        x: usize,
        /// Column series (by table column; the header names them).
        columns: Vec<usize>,
        /// A line series drawn over them, when any.
        line: Option<usize>,
        /// Value axis title.
        axis: String,
    },
}

/// Excel number format of a unit; money in `currency`.
pub fn number_format(unit: Unit, currency: &str) -> String {
    match unit {
        Unit::Money => {
            let prefix = currency_prefix(currency).replace('"', "");
            format!("\"{prefix}\"#,##0;-\"{prefix}\"#,##0")
        }
        Unit::Share => "0.0%".to_string(),
        Unit::Ratio => "0.00".to_string(),
        Unit::Count => "#,##0".to_string(),
        Unit::Month | Unit::Plain => "General".to_string(),
    }
}

/// The formats a workbook uses, one per unit, made once.
struct Formats {
    header: Format,
    units: [(Unit, Format); 6],
}

impl Formats {
    fn new(currency: &str) -> Formats {
        let unit = |u| (u, Format::new().set_num_format(number_format(u, currency)));
        Formats {
            header: Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_text_wrap(),
            units: [
                unit(Unit::Money),
                unit(Unit::Share),
                unit(Unit::Ratio),
                unit(Unit::Month),
                unit(Unit::Count),
                unit(Unit::Plain),
            ],
        }
    }

    fn of(&self, unit: Unit) -> &Format {
        &self.units.iter().find(|(u, _)| *u == unit).expect("every unit has a format").1
    }
}

/// Writes a workbook of `sheets`, money in `currency`, titled `title`.
pub fn write_workbook(sheets: &[Sheet], currency: &str, title: &str, out: &mut dyn Write) -> Result<(), ExportError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&DocProperties::new().set_title(title).set_author("roicast"));
    let formats = Formats::new(currency);
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        write_sheet(worksheet, sheet, &formats, currency)?;
    }
    out.write_all(&workbook.save_to_buffer()?)?;
    Ok(())
}

/// Row and column of a table cell in the sheet (`row` 0 is the first row under the header).
fn at(row: usize, column: usize) -> (u32, u16) {
    (row as u32 + 1, column as u16)
}

fn write_sheet(worksheet: &mut Worksheet, sheet: &Sheet, formats: &Formats, currency: &str) -> Result<(), XlsxError> {
    worksheet.set_name(&sheet.name)?;
    let table = &sheet.table;
    for (c, header) in table.headers.iter().enumerate() {
        worksheet.write_string_with_format(0, c as u16, header, &formats.header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (row, col) = at(r, c);
            match cell {
                Cell::Text(text) => {
                    worksheet.write_string(row, col, text)?;
                }
                Cell::Number(value, unit) => {
                    worksheet.write_number_with_format(row, col, *value, formats.of(*unit))?;
                }
                Cell::Empty => {}
            }
        }
    }
    let columns = table.headers.len();
    if columns > 0 {
        worksheet.set_freeze_panes(1, 0)?;
        worksheet.autofilter(0, 0, table.rows.len() as u32, columns as u16 - 1)?;
    }
    for (c, width) in column_widths(table, currency).into_iter().enumerate() {
        worksheet.set_column_width(c as u16, width as f64)?;
    }
    let notes_start = table.rows.len() as u32 + 2;
    for (i, line) in sheet.notes.iter().enumerate() {
        worksheet.write_string(notes_start + i as u32, 0, line)?;
    }
    for (i, spec) in sheet.charts.iter().enumerate() {
        let chart = chart(&sheet.name, spec, currency);
        worksheet.insert_chart(1 + i as u32 * CHART_ROWS, columns as u16 + 1, &chart)?;
    }
    Ok(())
}

/// Width of each column in characters: its longest entry as printed
/// (header words may wrap), plus room for the filter button, at most [`MAX_WIDTH`].
pub fn column_widths(table: &Table, currency: &str) -> Vec<usize> {
    (0..table.headers.len())
        .map(|c| {
            let header = table.headers[c].split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            let longest_header = table.headers[c].chars().count().min(header.max(14));
            let cells = table.rows.iter().map(|r| r[c].display(currency).chars().count()).max().unwrap_or(0);
            (longest_header.max(cells + 2) + 3).min(MAX_WIDTH)
        })
        .collect()
}

/// A table range of one column over some rows, for a chart series.
fn column_range<'s>(sheet: &'s str, rows: &Range<usize>, column: usize) -> (&'s str, u32, u16, u32, u16) {
    let (first, col) = at(rows.start, column);
    let (last, _) = at(rows.end.saturating_sub(1).max(rows.start), column);
    (sheet, first, col, last, col)
}

/// The header cell of a column, to name a series.
fn header_cell(sheet: &str, column: usize) -> (&str, u32, u16) {
    (sheet, 0, column as u16)
}

/// A chart of one series, categories in column `x` and values in column
/// `y` of `rows`, named by the values' header, without a legend.
fn one_series(
    kind: ChartType,
    title: &str,
    sheet: &str,
    rows: &Range<usize>,
    [x, y]: [usize; 2],
    palette: Palette,
    gap: u16,
) -> Chart {
    let mut chart = Chart::new(kind);
    chart.title().set_name(title);
    chart
        .add_series()
        .set_categories(column_range(sheet, rows, x))
        .set_values(column_range(sheet, rows, y))
        .set_name(header_cell(sheet, y))
        .set_format(&mut solid(palette.rgb(), 0))
        .set_gap(gap);
    chart.legend().set_hidden();
    chart
}

fn solid(rgb: u32, transparency: u8) -> ChartFormat {
    ChartFormat::new()
        .set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(rgb)).set_transparency(transparency))
        .set_no_border()
        .clone()
}

/// Builds the native chart a [`SheetChart`] describes.
fn chart(sheet: &str, spec: &SheetChart, currency: &str) -> Chart {
    let money = number_format(Unit::Money, currency);
    let mut chart = match spec {
        SheetChart::Fan { title, rows, x, base, bands, line, palette, axes } => {
            let mut chart = Chart::new(ChartType::AreaStacked);
            chart.title().set_name(title.as_str());
            chart
                .add_series()
                .set_categories(column_range(sheet, rows, *x))
                .set_values(column_range(sheet, rows, *base))
                .set_name(header_cell(sheet, *base))
                .set_format(ChartFormat::new().set_no_fill().set_no_border());
            let middle = bands.len() / 2;
            for (i, (column, name)) in bands.iter().enumerate() {
                let transparency = if i == middle { 45 } else { 75 };
                chart
                    .add_series()
                    .set_categories(column_range(sheet, rows, *x))
                    .set_values(column_range(sheet, rows, *column))
                    .set_name(name.as_str())
                    .set_format(&mut solid(palette.rgb(), transparency));
            }
            // The base and a band repeating another's name stay out of the legend.
            let repeated = (1..bands.len()).filter(|&i| bands[..i].iter().any(|(_, n)| *n == bands[i].1));
            chart.legend().delete_entries(&std::iter::once(0).chain(repeated.map(|i| i + 1)).collect::<Vec<_>>());
            let mut median = Chart::new(ChartType::Line);
            median
                .add_series()
                .set_categories(column_range(sheet, rows, *x))
                .set_values(column_range(sheet, rows, line.0))
                .set_name(line.1.as_str())
                .set_format(
                    ChartFormat::new().set_line(ChartLine::new().set_color(Color::RGB(palette.rgb())).set_width(2.25)),
                );
            chart.combine(&median);
            chart.x_axis().set_name(axes[0].as_str()).set_label_position(ChartAxisLabelPosition::Low);
            chart.y_axis().set_name(axes[1].as_str()).set_num_format(&money);
            chart
        }
        SheetChart::Columns { title, rows, x, y, palette, axes } => {
            let mut chart = one_series(ChartType::Column, title, sheet, rows, [*x, *y], *palette, 0);
            chart
                .x_axis()
                .set_name(axes[0].as_str())
                .set_num_format(&money)
                .set_label_position(ChartAxisLabelPosition::Low);
            chart.y_axis().set_name(axes[1].as_str()).set_num_format("0%");
            chart
        }
        SheetChart::Bars { title, rows, x, y, palette, axis } => {
            let mut chart = one_series(ChartType::Bar, title, sheet, rows, [*x, *y], *palette, 40);
            // In a bar chart the y axis holds the categories (first row at the
            // top, names left of the bars) and the x axis the values.
            // (The values' axis then crosses at the last category, so it stays at the bottom.)
            chart
                .y_axis()
                .set_reverse()
                .set_crossing(ChartAxisCrossing::Max)
                .set_label_position(ChartAxisLabelPosition::Low);
            chart.x_axis().set_name(axis.as_str()).set_num_format(&money);
            chart
        }
        SheetChart::Grouped { title, rows, x, columns, line, axis } => {
            let mut chart = Chart::new(ChartType::Column);
            chart.title().set_name(title.as_str());
            let colors = [Palette::It, Palette::Portfolio, Palette::Bpa];
            for (i, column) in columns.iter().enumerate() {
                chart
                    .add_series()
                    .set_categories(column_range(sheet, rows, *x))
                    .set_values(column_range(sheet, rows, *column))
                    .set_name(header_cell(sheet, *column))
                    .set_format(&mut solid(colors[i % colors.len()].rgb(), if i == 0 { 0 } else { 40 }));
            }
            if let Some(column) = line {
                let mut over = Chart::new(ChartType::Line);
                over.add_series()
                    .set_categories(column_range(sheet, rows, *x))
                    .set_values(column_range(sheet, rows, *column))
                    .set_name(header_cell(sheet, *column))
                    .set_format(
                        ChartFormat::new()
                            .set_line(ChartLine::new().set_color(Color::RGB(Palette::Bpa.rgb())).set_width(2.25)),
                    );
                chart.combine(&over);
            }
            chart.y_axis().set_name(axis.as_str()).set_num_format(&money);
            chart
        }
    };
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(CHART_SIZE.0).set_height(CHART_SIZE.1);
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats_carry_the_currency_and_a_minus_sign() {
        assert_eq!(number_format(Unit::Money, "USD"), "\"$\"#,##0;-\"$\"#,##0");
        assert_eq!(number_format(Unit::Money, "CHF"), "\"CHF \"#,##0;-\"CHF \"#,##0");
        assert_eq!(number_format(Unit::Share, "USD"), "0.0%");
    }

    #[test]
    fn columns_fit_their_longest_entry_within_a_limit() {
        let mut table = Table::new(&["set", "mean NPV"]);
        table.push(vec![Cell::text("portfolio"), Cell::money(881_000.0)]);
        table.push(vec![Cell::text("x".repeat(200)), Cell::Empty]);
        let widths = column_widths(&table, "USD");
        assert_eq!(widths[0], MAX_WIDTH);
        assert!(widths[1] >= "mean NPV".len() + 3 && widths[1] < 20, "{widths:?}");
    }
}
