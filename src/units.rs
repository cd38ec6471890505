//! Numbers as people write them: percentages (`9%`), money (`$250,000`,
//! `250k`, `1.2M`) and sizes of memory (`8G`, `512 MiB`).
//!
//! roicast prints `$250k` and `12.5%`; it reads them back too, on the
//! command line and in scenario files, so that an analyst can type what the
//! reports show. Two readers, used everywhere a share or an amount is read:
//!
//! - [`parse_number_or_percent`]: a plain number (`0.09`) or a percentage
//!   (`9%`, `9 %`, `12.5%`), which is divided by 100. The caller learns
//!   which form was written ([`Written`]), so it can tell `discount_rate = 9`
//!   (almost certainly meant as 9%) from `"9%"`.
//! - [`check_fraction`]: the rules for a rate or share once read: a share
//!   lies in [0, 1] (0% to 100%); an annual rate is not negative and at
//!   most a limit, and a plain number of 1 or more is taken for a whole
//!   percentage written without `%` (`discount_rate = 9` would be 900% a
//!   year): an error with the hint `did you mean 0.09 or "9%"?`. Written
//!   as a percentage, a rate of 100% or more is unambiguous and accepted.
//! - [`parse_money`]: an optional sign, an optional currency symbol (`$`, `€`,
//!   `£`, `¥`, `₹`), digits with `,` or `_` thousands separators (commas
//!   only between groups of three digits, so a European `1,5` is not read
//!   as fifteen), and an optional `k`, `M`, `B` or `T` suffix.
//! - [`parse_size`]: a number of bytes with the same digits and an optional
//!   binary suffix (`K`, `M`, `G`, `T`, each 1024 times the one before, as
//!   memory is counted), optionally followed by `B` or `iB`.
//!
//! ```
//! use roicast::units::{Written, parse_money, parse_number_or_percent};
//! assert_eq!(parse_number_or_percent("9%"), Ok(Written::Percent(0.09)));
//! assert_eq!(parse_number_or_percent("0.09"), Ok(Written::Plain(0.09)));
//! assert_eq!(parse_money("$250,000"), Ok(250_000.0));
//! assert_eq!(parse_money("1.2M"), Ok(1_200_000.0));
//! assert_eq!(parse_money("-45.6k"), Ok(-45_600.0));
//! ```

/// A share or rate as it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Written {
    /// A plain number, taken as it is (`0.09`).
    Plain(f64),
    /// A percentage, already divided by 100 (`9%` is `Percent(0.09)`).
    Percent(f64),
}

impl Written {
    /// The value as a fraction, whichever way it was written.
    pub fn value(self) -> f64 {
        match self {
            Written::Plain(x) | Written::Percent(x) => x,
        }
    }
}

/// Reads a finite number or a percentage (`"9%"` is 0.09).
pub fn parse_number_or_percent(text: &str) -> Result<Written, String> {
    let trimmed = text.trim();
    let (number, percent) = match trimmed.strip_suffix('%') {
        Some(number) => (number.trim_end(), true),
        None => (trimmed, false),
    };
    match number.parse::<f64>() {
        Ok(x) if x.is_finite() && percent => Ok(Written::Percent(x / 100.0)),
        Ok(x) if x.is_finite() => Ok(Written::Plain(x)),
        _ => Err(format!("`{text}` is not a number or a percentage (write 0.09 or 9%)")),
    }
}

/// The hint for a rate or share written as a whole percentage by mistake
/// (`9` for 9%): `did you mean 0.09 or "9%"?`.
///
/// ```
/// assert_eq!(roicast::units::percent_hint(9.0), "did you mean 0.09 or \"9%\"?");
/// assert_eq!(roicast::units::percent_hint(12.5), "did you mean 0.125 or \"12.5%\"?");
/// ```
pub fn percent_hint(written: f64) -> String {
    // `Display` of an f64 is its shortest form that reads back the same.
    let fraction = written / 100.0;
    format!("did you mean {fraction} or \"{written}%\"?")
}

/// The values a rate or a share may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FractionRange {
    /// A share or a probability: 0 to 1 (0% to 100%). 1 itself is a share
    /// like any other; a plain number above 1 gets the percentage hint.
    Share,
    /// An annual rate from 0 to `max` (10 is 1000% a year). A plain number
    /// of 1 or more gets the percentage hint; a percentage up to `max` is
    /// accepted.
    AnnualRate {
        /// The largest rate accepted, as a fraction.
        max: f64,
    },
    /// An annual rate of change, which may be negative: above -1 (-100% a
    /// year, a cost or benefit falling by all of itself) up to `max`. A
    /// plain number of 1 or more gets the percentage hint.
    AnnualChange {
        /// The largest rate accepted, as a fraction.
        max: f64,
    },
}

impl FractionRange {
    /// The range in words: `[0, 10] (0% to 1000% a year)`.
    fn describe(self) -> String {
        match self {
            FractionRange::Share => "[0, 1] (0% to 100%)".to_string(),
            FractionRange::AnnualRate { max } => format!("[0, {max}] (0% to {}% a year)", as_percent(max)),
            FractionRange::AnnualChange { max } => {
                format!("(-1, {max}] (above -100% and at most {}% a year)", as_percent(max))
            }
        }
    }
}

/// Checks a rate or share as written against its range; returns the
/// fraction. The error says what is wrong and, for a whole percentage
/// written as a plain number, what was probably meant.
///
/// ```
/// use roicast::units::{FractionRange, Written, check_fraction};
/// let rate = FractionRange::AnnualRate { max: 10.0 };
/// assert_eq!(check_fraction(Written::Plain(0.09), rate), Ok(0.09));
/// assert_eq!(check_fraction(Written::Percent(1.5), rate), Ok(1.5));
/// assert!(check_fraction(Written::Plain(9.0), rate).unwrap_err().contains("did you mean 0.09 or \"9%\"?"));
/// assert_eq!(check_fraction(Written::Plain(1.0), FractionRange::Share), Ok(1.0));
/// assert!(check_fraction(Written::Plain(85.0), FractionRange::Share).unwrap_err().contains("0.85 or \"85%\""));
/// ```
pub fn check_fraction(written: Written, range: FractionRange) -> Result<f64, String> {
    let value = written.value();
    let shown = match written {
        Written::Plain(x) => format!("{x}"),
        Written::Percent(x) => format!("{}%", as_percent(x)),
    };
    if !value.is_finite() {
        return Err(format!("must be a finite number, got {shown}"));
    }
    match range {
        FractionRange::AnnualChange { .. } if value <= -1.0 => {
            return Err(format!(
                "must be above -1 (-100% a year): a cost or benefit cannot fall by all of itself, got {shown}"
            ));
        }
        FractionRange::Share | FractionRange::AnnualRate { .. } if value < 0.0 => {
            return Err(format!("must not be negative, got {shown}"));
        }
        _ => {}
    }
    let within = range.describe();
    match (range, written) {
        (FractionRange::Share, Written::Plain(x)) if x > 1.0 && x <= 100.0 => {
            Err(format!("must lie in {within}, got {shown}; {}", percent_hint(x)))
        }
        (FractionRange::Share, _) if value > 1.0 => Err(format!("must lie in {within}, got {shown}")),
        (FractionRange::AnnualRate { max } | FractionRange::AnnualChange { max }, Written::Plain(x))
            if x >= 1.0 && x / 100.0 <= max =>
        {
            // Only the forms the range takes are suggested: a fraction below 1,
            // a percentage up to the maximum.
            let meant = if x / 100.0 < 1.0 { percent_hint(x) } else { format!("did you mean \"{x}%\"?") };
            let literal = if x <= max {
                format!("a rate of 100% a year or more is written as a percentage, \"{}%\"", as_percent(x))
            } else {
                format!("at most {}% a year", as_percent(max))
            };
            Err(format!("{shown} would be {}% a year; {meant} ({literal})", as_percent(x)))
        }
        (FractionRange::AnnualRate { .. } | FractionRange::AnnualChange { .. }, Written::Plain(x)) if x >= 1.0 => Err(
            format!("must lie in {within}, got {shown}; write a rate as a fraction (0.09) or a percentage (\"9%\")"),
        ),
        (FractionRange::AnnualRate { max } | FractionRange::AnnualChange { max }, _) if value > max => {
            Err(format!("must lie in {within}, got {shown}"))
        }
        _ => Ok(value),
    }
}

/// A fraction as a percentage number without floating-point noise
/// (`0.07` is `7`, not `7.000000000000001`).
fn as_percent(fraction: f64) -> f64 {
    let percent = fraction * 100.0;
    if percent.abs() < 1e12 { (percent * 1e9).round() / 1e9 } else { percent }
}

/// Reads an amount of money: `250000`, `250,000`, `$250,000`, `250k`,
/// `1.2M`, `-45.6k`, `€2B`. Suffixes are `k` (thousand), `M` (million),
/// `B` (billion) and `T` (trillion), in either case.
pub fn parse_money(text: &str) -> Result<f64, String> {
    let error = || format!("`{text}` is not an amount of money (e.g. 250000, 250k, 1.2M or $250,000)");
    let mut rest = text.trim();
    let negative = match rest.strip_prefix('-') {
        Some(after) => {
            rest = after.trim_start();
            true
        }
        None => {
            rest = rest.strip_prefix('+').unwrap_or(rest).trim_start();
            false
        }
    };
    for symbol in ["$", "€", "£", "¥", "₹"] {
        if let Some(after) = rest.strip_prefix(symbol) {
            rest = after.trim_start();
            break;
        }
    }
    let (number, scale) = match rest.chars().last() {
        Some('k' | 'K') => (&rest[..rest.len() - 1], 1e3),
        Some('m' | 'M') => (&rest[..rest.len() - 1], 1e6),
        Some('b' | 'B') => (&rest[..rest.len() - 1], 1e9),
        Some('t' | 'T') => (&rest[..rest.len() - 1], 1e12),
        _ => (rest, 1.0),
    };
    let digits = without_separators(number.trim_end()).ok_or_else(error)?;
    match digits.parse::<f64>() {
        Ok(x) if x.is_finite() && !digits.starts_with(['-', '+']) => {
            let amount = x * scale;
            Ok(if negative { -amount } else { amount })
        }
        _ => Err(error()),
    }
}

/// Reads a size in bytes: `2000000000`, `8G`, `8GB`, `8 GiB`, `1.5G`,
/// `512M`, `64k`. Suffixes are binary (`K` = 1024, `M` = 1024², `G` = 1024³,
/// `T` = 1024⁴), in either case, optionally followed by `B` or `iB`.
///
/// ```
/// use roicast::units::parse_size;
/// assert_eq!(parse_size("8G"), Ok(8 << 30));
/// assert_eq!(parse_size("512 MiB"), Ok(512 << 20));
/// ```
pub fn parse_size(text: &str) -> Result<u64, String> {
    let error = || format!("`{text}` is not a size (e.g. 8G, 512M or 2000000000 bytes)");
    let lower = text.trim().to_ascii_lowercase();
    // "iB" needs a suffix before it ("8GiB"); a plain "B" does not ("8B").
    let (rest, binary) = match lower.strip_suffix("ib") {
        Some(rest) => (rest, true),
        None => (lower.strip_suffix('b').unwrap_or(&lower), false),
    };
    let shift = match rest.chars().last() {
        Some('k') => 10,
        Some('m') => 20,
        Some('g') => 30,
        Some('t') => 40,
        _ if binary => return Err(error()),
        _ => 0,
    };
    let number = if shift > 0 { &rest[..rest.len() - 1] } else { rest };
    let digits = without_separators(number.trim_end()).ok_or_else(error)?;
    match digits.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 && !digits.starts_with('+') => {
            let bytes = x * (1u64 << shift) as f64;
            if bytes < u64::MAX as f64 { Ok(bytes.round() as u64) } else { Err(error()) }
        }
        _ => Err(error()),
    }
}

/// The digits of a number with its `_` and thousands-separating `,` taken
/// out; `None` when a comma does not separate groups of three digits.
fn without_separators(number: &str) -> Option<String> {
    let number: String = number.chars().filter(|&c| c != '_').collect();
    if !number.contains(',') {
        return Some(number);
    }
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (number.as_str(), None),
    };
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let well_grouped = (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
        && fraction.is_none_or(|f| !f.contains(','));
    well_grouped.then(|| number.replace(',', ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_divided_by_a_hundred() {
        assert_eq!(parse_number_or_percent(" 12.5 % "), Ok(Written::Percent(0.125)));
        assert_eq!(parse_number_or_percent("-3%"), Ok(Written::Percent(-0.03)));
        assert_eq!(parse_number_or_percent("1e-2"), Ok(Written::Plain(0.01)));
        for bad in ["", "%", "9%%", "nine", "inf", "NaN%", "9 % 1"] {
            assert!(parse_number_or_percent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn money_takes_symbols_separators_and_suffixes() {
        assert_eq!(parse_money("250000"), Ok(250_000.0));
        assert_eq!(parse_money("250,000"), Ok(250_000.0));
        assert_eq!(parse_money("$ 1,234,567.5"), Ok(1_234_567.5));
        assert_eq!(parse_money("90_000"), Ok(90_000.0));
        assert_eq!(parse_money("250k"), Ok(250_000.0));
        assert_eq!(parse_money("1.2M"), Ok(1_200_000.0));
        assert_eq!(parse_money("€2B"), Ok(2e9));
        assert_eq!(parse_money("3t"), Ok(3e12));
        assert_eq!(parse_money("-$45.6k"), Ok(-45_600.0));
        assert_eq!(parse_money("+7"), Ok(7.0));
        for bad in ["", "k", "$", "lots", "1,5", "12,34,567", "1,234.5,6", "--5", "-+5", "$-5", "inf", "1e400"] {
            assert!(parse_money(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("2000000000"), Ok(2_000_000_000));
        assert_eq!(parse_size("2,000,000,000 B"), Ok(2_000_000_000));
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("8gb"), Ok(8 << 30));
        assert_eq!(parse_size(" 1.5 GiB "), Ok(3 << 29));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("64k"), Ok(64 << 10));
        assert_eq!(parse_size("2T"), Ok(2 << 40));
        for bad in ["", "G", "-1G", "8 X", "8iB", "lots", "1e30T", "inf"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shares_take_one_but_not_more() {
        let share = FractionRange::Share;
        assert_eq!(check_fraction(Written::Plain(1.0), share), Ok(1.0));
        assert_eq!(check_fraction(Written::Percent(1.0), share), Ok(1.0));
        assert_eq!(check_fraction(Written::Plain(0.0), share), Ok(0.0));
        let err = check_fraction(Written::Plain(1.5), share).unwrap_err();
        assert!(err.contains("[0, 1]") && err.contains("did you mean 0.015 or \"1.5%\"?"), "{err}");
        let err = check_fraction(Written::Percent(1.5), share).unwrap_err();
        assert!(err.contains("got 150%") && !err.contains("did you mean"), "{err}");
        assert!(!check_fraction(Written::Plain(850.0), share).unwrap_err().contains("did you mean"));
        assert!(check_fraction(Written::Percent(-0.07), share).unwrap_err().contains("negative, got -7%"));
    }

    #[test]
    fn annual_rates_of_one_or_more_must_be_percentages() {
        let rate = FractionRange::AnnualRate { max: 10.0 };
        assert_eq!(check_fraction(Written::Plain(0.999), rate), Ok(0.999));
        assert_eq!(check_fraction(Written::Percent(1.0), rate), Ok(1.0));
        assert_eq!(check_fraction(Written::Percent(10.0), rate), Ok(10.0));
        for plain in [1.0, 9.0] {
            let err = check_fraction(Written::Plain(plain), rate).unwrap_err();
            assert!(err.contains(&percent_hint(plain)), "{err}");
        }
        let err = check_fraction(Written::Plain(9.0), rate).unwrap_err();
        assert!(err.starts_with("9 would be 900% a year") && err.contains("\"900%\""), "{err}");
        // 1.5 a year is only written "150%"; 15000% is beyond the maximum.
        let err = check_fraction(Written::Plain(150.0), rate).unwrap_err();
        assert!(err.contains("did you mean \"150%\"?") && err.contains("at most 1000% a year"), "{err}");
        // An escalation of 150% a year is beyond its maximum, so not suggested.
        let err = check_fraction(Written::Plain(1.5), FractionRange::AnnualChange { max: 1.0 }).unwrap_err();
        assert!(err.contains("did you mean 0.015 or \"1.5%\"?") && !err.contains("\"150%\""), "{err}");
        assert!(err.contains("at most 100% a year"), "{err}");
        assert!(check_fraction(Written::Percent(10.5), rate).unwrap_err().contains("got 1050%"));
        assert!(check_fraction(Written::Plain(5000.0), rate).unwrap_err().contains("got 5000"));
        assert!(check_fraction(Written::Plain(-0.1), rate).unwrap_err().contains("negative, got -0.1"));
    }

    #[test]
    fn hints_show_both_forms() {
        assert_eq!(percent_hint(9.0), "did you mean 0.09 or \"9%\"?");
        assert_eq!(percent_hint(150.0), "did you mean 1.5 or \"150%\"?");
    }
}
