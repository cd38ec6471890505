//! `board-pack.pdf`: 16:9 pages a board can read, as a list of [`Page`]s.
//!
//! A command describes its pack as data — a [`BoardPack`] of [`Page`]s: a
//! title page with the headline figures, one page per chart, tables
//! (continued over as many pages as their rows need) and pages of labelled
//! text such as the method appendix — and [`write_board_pack`] lays it out
//! with krilla. Adding a page is adding one more [`Page`] to the list.
//!
//! Pages are 960 × 540 pt (a widescreen slide). Text is real, selectable
//! text set in the bundled DejaVu Sans (embedded, subset, so no system font
//! is needed). Charts are the very SVG drawings of the PNG/SVG chart files
//! ([`crate::charts::svg_string`]), converted to PDF vector graphics by
//! krilla-svg with their text kept as text; their 1920 × 1080 canvas maps
//! onto the page at half scale. Text is measured with the same font's
//! advances ([`text_width`]), so tables are laid out without a renderer.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use ab_glyph::Font as _;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::ExportError;
use super::tables::{Cell, Table};
use crate::charts::style::{self, BPA, INK, IT, MUTED, PORTFOLIO};
use crate::charts::{Figure, svg_string};

/// Page width in points (13.33 in).
pub const PAGE_WIDTH: f32 = 960.0;
/// Page height in points (7.5 in).
pub const PAGE_HEIGHT: f32 = 540.0;
/// Left and right margin of text pages.
const MARGIN: f32 = 48.0;
/// Top of a text page's title (baseline).
const TITLE_Y: f32 = 62.0;
/// Baseline of the page footer.
const FOOTER_Y: f32 = PAGE_HEIGHT - 22.0;
/// Largest and smallest type of a table.
const TABLE_TYPE: (f32, f32) = (11.0, 7.5);

/// A whole board pack.
pub struct BoardPack<'a> {
    /// The document's title (PDF metadata).
    pub title: String,
    /// Currency of its money figures.
    pub currency: String,
    /// Text at the bottom left of every table and text page (the scenario's name).
    pub footer: String,
    /// The pages, in order.
    pub pages: Vec<Page<'a>>,
}

/// One page (a table may continue over several).
pub enum Page<'a> {
    /// The title page.
    Title(TitlePage),
    /// A chart, filling the page.
    Chart(Box<dyn Figure + 'a>),
    /// A table with a title.
    Table(TablePage),
    /// Labelled paragraphs with a title.
    Text(TextPage),
}

/// The first page: what was run, when, and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct TitlePage {
    /// A small line above the title ("Board pack · automation ROI forecast").
    pub kicker: String,
    /// The title (the scenario's name).
    pub title: String,
    /// A line under it: the date of the run and its size.
    pub subtitle: String,
    /// The headline figures, shown side by side in large type.
    pub figures: Vec<Headline>,
    /// A few sentences on what the figures mean.
    pub sentences: Vec<String>,
}

/// One headline figure of the title page.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// What it is ("Chance the portfolio loses money").
    pub label: String,
    /// The figure in large type ("7.3%").
    pub value: String,
    /// A line under it ("P10 $206k to P90 $1.60M").
    pub detail: String,
}

/// A table page.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePage {
    /// Title.
    pub title: String,
    /// How to read it.
    pub subtitle: String,
    /// The table.
    pub table: Table,
    /// Notes under the table, on its last page.
    pub notes: Vec<String>,
}

/// A page of labelled paragraphs (the appendix, the key assumptions).
#[derive(Debug, Clone, PartialEq)]
pub struct TextPage {
    /// Title.
    pub title: String,
    /// Label and text of each paragraph.
    pub items: Vec<(String, String)>,
}

/// The bundled font, for krilla, bold or regular.
fn font(bold: bool) -> Font {
    static FONTS: OnceLock<[Font; 2]> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        // The files are compiled in; a unit test checks that krilla reads them.
        let load = |bold| Font::new(style::font_bytes(bold).into(), 0).expect("bundled font loads");
        [load(false), load(true)]
    });
    fonts[usize::from(bold)].clone()
}

/// Width in points of `text` set at `size` points in the bundled font.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let face = style::face(bold);
    let per_unit = size / face.units_per_em().unwrap_or(2048.0);
    text.chars().map(|c| face.h_advance_unscaled(face.glyph_id(c))).sum::<f32>() * per_unit
}

/// `text` cut with "…" to fit `width` points.
pub fn fit(text: &str, size: f32, bold: bool, width: f32) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len())
        .rev()
        .map(|n| format!("{}…", chars[..n].iter().collect::<String>().trim_end()))
        .find(|cut| text_width(cut, size, bold) <= width)
        .unwrap_or_else(|| "…".to_string())
}

/// Breaks `text` into lines of at most `width` points at spaces (a word
/// longer than a line is cut).
pub fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if text_width(&candidate, size, bold) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|l| fit(&l, size, bold, width)).collect()
}

/// The options usvg reads the charts' SVGs with: the bundled fonts only.
fn svg_options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        for bold in [false, true] {
            fonts.load_font_source(usvg::fontdb::Source::Binary(Arc::new(style::font_bytes(bold))));
        }
        fonts.set_sans_serif_family("DejaVu Sans");
        usvg::Options { font_family: "DejaVu Sans".into(), fontdb: Arc::new(fonts), ..usvg::Options::default() }
    })
}

/// Writes the board pack as PDF.
pub fn write_board_pack(pack: &BoardPack, out: &mut dyn Write) -> Result<(), ExportError> {
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(pack.title.clone())
            .creator(format!("roicast {}", env!("CARGO_PKG_VERSION")))
            .language("en".into()),
    );
    let mut number = 0;
    // Starts a page, lets `draw` fill it and numbers it.
    let mut add_page = |document: &mut Document, draw: &mut dyn FnMut(&mut Surface) -> Result<(), ExportError>| {
        number += 1;
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or("invalid page size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw(&mut surface)?;
        text_right(&mut surface, (PAGE_WIDTH - 24.0, FOOTER_Y + 8.0), 8.0, false, MUTED, &number.to_string());
        surface.finish();
        page.finish();
        Ok::<(), ExportError>(())
    };
    for page in &pack.pages {
        match page {
            Page::Title(title) => add_page(&mut document, &mut |s| {
                title_page(s, title);
                Ok(())
            })?,
            Page::Chart(figure) => {
                let svg = svg_string(figure.as_ref())?;
                let tree = usvg::Tree::from_str(&svg, svg_options())?;
                add_page(&mut document, &mut |s| {
                    let size = Size::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or("invalid page size")?;
                    s.draw_svg(&tree, size, SvgSettings::default()).ok_or("a chart could not be drawn")?;
                    Ok(())
                })?
            }
            Page::Table(table) => {
                let layout = TableLayout::new(&table.table, &pack.currency);
                let notes = note_lines(&table.notes);
                let pages = layout.pages(notes.len());
                for (i, rows) in pages.iter().enumerate() {
                    let title = if i == 0 { table.title.clone() } else { format!("{} (continued)", table.title) };
                    let notes = if i + 1 == pages.len() { &notes[..] } else { &[] };
                    add_page(&mut document, &mut |s| {
                        heading(s, &pack.footer, &title, &table.subtitle);
                        layout.draw(s, rows.clone(), notes);
                        Ok(())
                    })?;
                }
            }
            Page::Text(text) => add_page(&mut document, &mut |s| {
                text_page(s, &pack.footer, text);
                Ok(())
            })?,
        }
    }
    let bytes = document.finish().map_err(|e| format!("the PDF could not be written: {e:?}"))?;
    out.write_all(&bytes)?;
    Ok(())
}

/// A solid fill of a chart colour.
fn fill(color: plotters::style::RGBColor) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// Draws `text` with its baseline's left end at `(x, y)`.
fn text(surface: &mut Surface, (x, y): (f32, f32), size: f32, bold: bool, color: plotters::style::RGBColor, s: &str) {
    if s.is_empty() {
        return;
    }
    surface.set_fill(Some(fill(color)));
    surface.draw_text(Point::from_xy(x, y), font(bold), size, s, false, TextDirection::Auto);
}

/// Draws `s` ending at `right`.
fn text_right(
    surface: &mut Surface,
    (right, y): (f32, f32),
    size: f32,
    bold: bool,
    color: plotters::style::RGBColor,
    s: &str,
) {
    text(surface, (right - text_width(s, size, bold), y), size, bold, color, s);
}

/// A filled rectangle.
fn rect(surface: &mut Surface, (x, y, w, h): (f32, f32, f32, f32), color: plotters::style::RGBColor) {
    let Some(r) = Rect::from_xywh(x, y, w, h) else { return };
    let mut path = PathBuilder::new();
    path.push_rect(r);
    if let Some(path) = path.finish() {
        surface.set_fill(Some(fill(color)));
        surface.draw_path(&path);
    }
}

/// A text page's title and subtitle, and the pack's footer at the bottom left.
fn heading(surface: &mut Surface, footer: &str, title: &str, subtitle: &str) {
    text(surface, (MARGIN, FOOTER_Y + 8.0), 8.0, false, MUTED, &fit(footer, 8.0, false, PAGE_WIDTH / 2.0));
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    text(surface, (MARGIN, TITLE_Y), 26.0, true, INK, &fit(title, 26.0, true, width));
    text(surface, (MARGIN, TITLE_Y + 24.0), 13.0, false, MUTED, &fit(subtitle, 13.0, false, width));
}

fn title_page(surface: &mut Surface, page: &TitlePage) {
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    rect(surface, (0.0, 0.0, PAGE_WIDTH, 8.0), PORTFOLIO);
    rect(surface, (0.0, 8.0, PAGE_WIDTH / 2.0, 4.0), IT);
    rect(surface, (PAGE_WIDTH / 2.0, 8.0, PAGE_WIDTH / 2.0, 4.0), BPA);
    text(surface, (MARGIN, 62.0), 13.0, true, MUTED, &page.kicker.to_uppercase());
    // The title on at most two lines, shrinking from 32 pt to 22 pt; then on three.
    let mut size = 32.0;
    while size > 22.0 && wrap(&page.title, size, true, width).len() > 2 {
        size -= 2.0;
    }
    let mut y = 72.0 + size;
    for line in wrap(&page.title, size, true, width).into_iter().take(3) {
        text(surface, (MARGIN, y), size, true, INK, &line);
        y += size * 1.2;
    }
    text(surface, (MARGIN, y - 6.0), 13.0, false, MUTED, &fit(&page.subtitle, 13.0, false, width));

    let count = page.figures.len().max(1) as f32;
    let gap = 24.0;
    let column = (width - gap * (count - 1.0)) / count;
    let top = y + 34.0;
    for (i, figure) in page.figures.iter().enumerate() {
        let x = MARGIN + i as f32 * (column + gap);
        rect(surface, (x, top, 3.0, 150.0), PORTFOLIO);
        let inner = column - 16.0;
        let mut line_y = top + 18.0;
        for line in wrap(&figure.label, 12.0, true, inner).into_iter().take(2) {
            text(surface, (x + 14.0, line_y), 12.0, true, MUTED, &line);
            line_y += 15.0;
        }
        let mut size = 40.0;
        while size > 20.0 && text_width(&figure.value, size, true) > inner {
            size -= 2.0;
        }
        text(surface, (x + 14.0, top + 86.0), size, true, INK, &figure.value);
        let mut line_y = top + 110.0;
        for line in wrap(&figure.detail, 11.0, false, inner).into_iter().take(3) {
            text(surface, (x + 14.0, line_y), 11.0, false, MUTED, &line);
            line_y += 14.0;
        }
    }
    let mut y = top + 190.0;
    for sentence in &page.sentences {
        for line in wrap(sentence, 14.0, false, width) {
            if y > FOOTER_Y - 16.0 {
                return;
            }
            text(surface, (MARGIN, y), 14.0, false, INK, &line);
            y += 19.0;
        }
        y += 6.0;
    }
}

fn text_page(surface: &mut Surface, footer: &str, page: &TextPage) {
    heading(surface, footer, &page.title, "");
    let label_width = page.items.iter().map(|(label, _)| text_width(label, 11.0, true)).fold(0.0, f32::max).min(220.0);
    let x = MARGIN + label_width + 18.0;
    let width = PAGE_WIDTH - MARGIN - x;
    let mut y = TITLE_Y + 40.0;
    for (label, body) in &page.items {
        let lines = wrap(body, 11.0, false, width);
        if y + 15.0 * lines.len() as f32 > FOOTER_Y - 14.0 {
            break;
        }
        text(surface, (MARGIN, y), 11.0, true, INK, &fit(label, 11.0, true, label_width));
        for line in &lines {
            text(surface, (x, y), 11.0, false, INK, line);
            y += 15.0;
        }
        y += 6.0;
    }
}

/// How a table is set: type size, column widths, each cell's lines and each row's height.
struct TableLayout {
    size: f32,
    widths: Vec<f32>,
    numeric: Vec<bool>,
    header: Vec<Vec<String>>,
    cells: Vec<Vec<Vec<String>>>,
    heights: Vec<f32>,
}

/// Space between columns.
const COLUMN_GAP: f32 = 12.0;
/// Top of a table (above the header's first line).
const TABLE_TOP: f32 = TITLE_Y + 48.0;
/// Narrowest a text column is made before its text wraps further.
const MIN_TEXT_COLUMN: f32 = 70.0;
/// Type size of the notes under a table.
const NOTE_TYPE: f32 = 9.5;
/// Line height of the notes under a table.
const NOTE_LINE: f32 = 13.0;

/// Notes wrapped to the width of a page.
fn note_lines(notes: &[String]) -> Vec<String> {
    notes.iter().flat_map(|n| wrap(n, NOTE_TYPE, false, PAGE_WIDTH - 2.0 * MARGIN)).collect()
}

/// Shares `room` among the `columns` of `widths` ("water filling"): a
/// column narrower than an even share keeps its width, the others split
/// what is left evenly.
fn share_room(widths: &mut [f32], columns: &[usize], room: f32) {
    let mut open: Vec<usize> = columns.to_vec();
    let mut left = room;
    while !open.is_empty() {
        let share = left / open.len() as f32;
        let (narrow, wide): (Vec<usize>, Vec<usize>) = open.iter().partition(|&&c| widths[c] <= share);
        if narrow.is_empty() {
            for c in wide {
                widths[c] = share;
            }
            return;
        }
        left -= narrow.iter().map(|&c| widths[c]).sum::<f32>();
        open = wide;
    }
}

impl TableLayout {
    /// The largest type (from 11 pt down to 7.5 pt) at which the table fits
    /// the page width with text columns wrapped to at most three lines; at
    /// the smallest type, text columns share what the numbers leave.
    /// Headings wrap onto two lines rather than widen a column of numbers.
    fn new(table: &Table, currency: &str) -> TableLayout {
        let available = PAGE_WIDTH - 2.0 * MARGIN;
        let columns = table.headers.len();
        let numeric: Vec<bool> =
            (0..columns).map(|c| table.rows.iter().any(|r| matches!(r[c], Cell::Number(..)))).collect();
        let texts: Vec<Vec<String>> =
            table.rows.iter().map(|r| r.iter().map(|c| c.display(currency)).collect()).collect();
        let mut size = TABLE_TYPE.0;
        loop {
            let widest = |c: usize, bold: bool| texts.iter().map(|r| text_width(&r[c], size, bold)).fold(0.0, f32::max);
            // A heading may take two lines: as wide as its longest word or half of it.
            let heading = |c: usize| {
                let words = table.headers[c].split(' ').map(|w| text_width(w, size, true)).fold(0.0, f32::max);
                words.max(text_width(&table.headers[c], size, true) / 2.0)
            };
            let mut widths: Vec<f32> = (0..columns).map(|c| widest(c, false).max(heading(c))).collect();
            let gaps = COLUMN_GAP * columns.saturating_sub(1) as f32;
            let fixed: f32 = (0..columns).filter(|&c| numeric[c]).map(|c| widths[c]).sum::<f32>() + gaps;
            let text_columns: Vec<usize> = (0..columns).filter(|&c| !numeric[c]).collect();
            let natural: f32 = text_columns.iter().map(|&c| widths[c]).sum();
            let room = available - fixed;
            let last_size = size <= TABLE_TYPE.1;
            let fits = if natural <= room {
                true
            } else if !text_columns.is_empty() && (room >= MIN_TEXT_COLUMN * text_columns.len() as f32 || last_size) {
                share_room(&mut widths, &text_columns, room.max(20.0 * text_columns.len() as f32));
                let lines = |c: usize| texts.iter().map(|r| wrap(&r[c], size, false, widths[c]).len()).max();
                last_size || text_columns.iter().all(|&c| lines(c).unwrap_or(1) <= 3)
            } else {
                last_size
            };
            if fits {
                return TableLayout::with_widths(table, &texts, size, widths, numeric);
            }
            size -= 0.5;
        }
    }

    /// Wraps every cell into its column and measures the rows.
    fn with_widths(table: &Table, texts: &[Vec<String>], size: f32, widths: Vec<f32>, numeric: Vec<bool>) -> Self {
        let header: Vec<Vec<String>> =
            table.headers.iter().zip(&widths).map(|(h, &w)| wrap(h, size, true, w)).collect();
        let cells: Vec<Vec<Vec<String>>> = texts
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(c, t)| {
                        if numeric[c] { vec![fit(t, size, false, widths[c])] } else { wrap(t, size, false, widths[c]) }
                    })
                    .collect()
            })
            .collect();
        let line = size * 1.3;
        let heights =
            cells.iter().map(|r| r.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * line + size * 0.8).collect();
        TableLayout { size, widths, numeric, header, cells, heights }
    }

    fn line(&self) -> f32 {
        self.size * 1.3
    }

    /// Height of the header.
    fn header_height(&self) -> f32 {
        self.header.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * self.line() + self.size * 0.6
    }

    /// The rows of each page; the last page keeps room for `notes` lines.
    fn pages(&self, notes: usize) -> Vec<std::ops::Range<usize>> {
        let n = self.heights.len();
        let room = FOOTER_Y - 20.0 - TABLE_TOP - self.header_height();
        let notes_room = if notes == 0 { 0.0 } else { 14.0 + NOTE_LINE * notes as f32 };
        let mut pages = Vec::new();
        let mut start = 0;
        loop {
            if self.heights[start..].iter().sum::<f32>() + notes_room <= room || n - start <= 1 {
                pages.push(start..n);
                return pages;
            }
            let mut end = start;
            let mut used = 0.0;
            while end < n && used + self.heights[end] <= room {
                used += self.heights[end];
                end += 1;
            }
            // All the rows fit but not the notes: the last row goes with the notes.
            let end = end.min(n - 1).max(start + 1);
            pages.push(start..end);
            start = end;
        }
    }

    /// Draws the header and `rows`, then `notes`.
    fn draw(&self, surface: &mut Surface, rows: std::ops::Range<usize>, notes: &[String]) {
        let size = self.size;
        let line = self.line();
        let width = self.widths.iter().sum::<f32>() + COLUMN_GAP * self.widths.len().saturating_sub(1) as f32;
        let lines = |surface: &mut Surface, c: usize, x: f32, top: f32, lines: &[String], bold: bool| {
            for (i, s) in lines.iter().enumerate() {
                let y = top + size + i as f32 * line;
                if self.numeric[c] {
                    text_right(surface, (x + self.widths[c], y), size, bold, INK, s);
                } else {
                    text(surface, (x, y), size, bold, INK, s);
                }
            }
        };
        let mut x = MARGIN;
        let header_lines = self.header.iter().map(Vec::len).max().unwrap_or(1);
        for (c, header) in self.header.iter().enumerate() {
            // Headings sit on the rule: a one-line heading beside a two-line one goes down a line.
            let top = TABLE_TOP + (header_lines - header.len()) as f32 * line;
            lines(surface, c, x, top, header, true);
            x += self.widths[c] + COLUMN_GAP;
        }
        let mut y = TABLE_TOP + self.header_height();
        rect(surface, (MARGIN, y - size * 0.35, width, 1.0), INK);
        for (i, r) in rows.enumerate() {
            if i % 2 == 1 {
                rect(surface, (MARGIN - 4.0, y - size * 0.25, width + 8.0, self.heights[r]), style::ZEBRA);
            }
            let mut x = MARGIN;
            for (c, cell) in self.cells[r].iter().enumerate() {
                lines(surface, c, x, y + size * 0.15, cell, false);
                x += self.widths[c] + COLUMN_GAP;
            }
            y += self.heights[r];
        }
        y += 14.0;
        for line in notes {
            text(surface, (MARGIN, y), NOTE_TYPE, false, MUTED, line);
            y += NOTE_LINE;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_load_and_measure_like_the_charts() {
        let _ = font(false);
        let _ = font(true);
        assert!(text_width("Board pack", 20.0, true) > text_width("Board pack", 20.0, false));
        assert!((text_width("MMMM", 10.0, false) - 2.0 * text_width("MM", 10.0, false)).abs() < 1e-3);
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let text = "Two or three sentences generated from the numbers saying what they mean for the board.";
        let lines = wrap(text, 14.0, false, 200.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, 14.0, false) <= 200.0));
        assert_eq!(lines.join(" "), text);
        assert_eq!(fit("Dormant customer account clean-up", 10.0, false, 60.0).chars().last(), Some('…'));
    }

    #[test]
    fn long_tables_continue_on_more_pages_and_keep_the_notes_on_the_last() {
        let mut table = Table::new(&["name", "value"]);
        for i in 0..100 {
            table.push(vec![Cell::text(format!("row {i}")), Cell::money(i as f64)]);
        }
        let layout = TableLayout::new(&table, "USD");
        let pages = layout.pages(3);
        assert!(pages.len() >= 3, "{pages:?}");
        assert_eq!(pages.first().map(|p| p.start), Some(0));
        assert_eq!(pages.last().map(|p| p.end), Some(100));
        assert!(pages.windows(2).all(|w| w[0].end == w[1].start && !w[1].is_empty()));
        let short = TableLayout::new(&Table::new(&["empty"]), "USD");
        assert_eq!(short.pages(2), vec![0..0]);
    }

    #[test]
    fn room_goes_to_the_columns_that_need_it() {
        let mut widths = [30.0, 500.0, 40.0, 300.0, 99.0];
        share_room(&mut widths, &[0, 1, 2, 3], 400.0);
        assert_eq!(widths, [30.0, 165.0, 40.0, 165.0, 99.0]);
    }

    #[test]
    fn wide_tables_wrap_their_text_within_the_page() {
        let mut headers = vec!["portfolio".to_string(), "P90 spend in months 1–12".to_string()];
        headers.extend((0..9).map(|i| format!("figure {i}")));
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let mut table = Table::new(&headers);
        let names = "Identity and access automation + Server provisioning + Patch management + Backup verification";
        let mut row = vec![Cell::text(names)];
        row.extend((0..10).map(|i| Cell::money(1.0e6 * f64::from(i))));
        table.push(row);
        let layout = TableLayout::new(&table, "USD");
        let width = layout.widths.iter().sum::<f32>() + COLUMN_GAP * 10.0;
        assert!(width <= PAGE_WIDTH - 2.0 * MARGIN + 0.5, "{width}");
        assert!(layout.cells[0][0].len() > 1, "the names wrap: {:?}", layout.cells[0][0]);
        assert_eq!(layout.cells[0][0].join(" "), names);
        assert_eq!(layout.header[1].len(), 2, "a long heading takes two lines: {:?}", layout.header[1]);
    }
}
