//! Formatting numbers for people: money with k/M suffixes, shares, months,
//! sizes of memory and files.
//!
//! ```
//! use roicast::format::{money, percent};
//! assert_eq!(money(1_234_567.0, "USD"), "$1.23M");
//! assert_eq!(money(-45_600.0, "EUR"), "-€45.6k");
//! assert_eq!(money(950.0, "CHF"), "CHF 950");
//! assert_eq!(percent(0.1234), "12.3%");
//! ```

use crate::calendar::Calendar;

/// The symbol of a currency code, or the code followed by a space.
pub fn currency_prefix(currency: &str) -> String {
    match currency.to_ascii_uppercase().as_str() {
        "USD" | "AUD" | "CAD" | "NZD" | "SGD" | "HKD" => "$".to_string(),
        "EUR" => "€".to_string(),
        "GBP" => "£".to_string(),
        "JPY" | "CNY" => "¥".to_string(),
        "INR" => "₹".to_string(),
        _ => format!("{currency} "),
    }
}

/// Money with three significant digits and a k, M, B or T suffix (beyond
/// that, in scientific notation: `"$3.12e15"`).
pub fn money(x: f64, currency: &str) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}{}{}", currency_prefix(currency), magnitude(x.abs()))
}

/// A change in money, with its sign either way: `"+$938k"`, `"-$203k"`, `"$0"`.
///
/// ```
/// use roicast::format::signed_money;
/// assert_eq!(signed_money(938_000.0, "USD"), "+$938k");
/// assert_eq!(signed_money(-203_000.0, "USD"), "-$203k");
/// ```
pub fn signed_money(x: f64, currency: &str) -> String {
    if x > 0.0 { format!("+{}", money(x, currency)) } else { money(x, currency) }
}

/// `text` cut to at most `chars` characters, ending in "…" when cut.
///
/// ```
/// use roicast::format::shorten;
/// assert_eq!(shorten("Invoice approval", 30), "Invoice approval");
/// assert_eq!(shorten("Invoice approval", 9), "Invoice…");
/// ```
pub fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    format!("{}…", text.chars().take(chars.saturating_sub(1)).collect::<String>().trim_end())
}

/// A non-negative amount with three significant digits and a k/M/B/T
/// suffix, the next suffix once the digits would round up to 1000.
fn magnitude(a: f64) -> String {
    if a < 999.5 {
        return format!("{a:.0}");
    }
    for (scale, suffix) in [(1e3, "k"), (1e6, "M"), (1e9, "B"), (1e12, "T")] {
        let value = a / scale;
        if value < 999.5 {
            return format!("{}{suffix}", three_significant(value));
        }
    }
    format!("{a:.2e}")
}

/// A name's possessive: `Lead-to-cash's`, and `Compliance checks'` for a
/// name ending in s.
///
/// ```
/// use roicast::format::possessive;
/// assert_eq!(possessive("Lead-to-cash"), "Lead-to-cash's");
/// assert_eq!(possessive("Compliance checks"), "Compliance checks'");
/// ```
pub fn possessive(name: &str) -> String {
    if name.ends_with(['s', 'S']) { format!("{name}'") } else { format!("{name}'s") }
}

/// A number from 1 to 999.5 with three significant digits (more above 999.5).
fn three_significant(value: f64) -> String {
    let digits = if value >= 99.95 {
        0
    } else if value >= 9.995 {
        1
    } else {
        2
    };
    format!("{value:.digits$}")
}

/// A share as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A size in bytes with binary units, as memory is counted: `"512 B"`,
/// `"10.0 MiB"`, `"1.25 GiB"` (three significant digits from KiB on).
///
/// ```
/// assert_eq!(roicast::format::bytes(10 * 1024 * 1024), "10.0 MiB");
/// assert_eq!(roicast::format::bytes(3 << 30), "3.00 GiB");
/// ```
pub fn bytes(n: u64) -> String {
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    for unit in ["KiB", "MiB", "GiB", "TiB"] {
        if value < 999.5 || unit == "TiB" {
            return format!("{} {unit}", three_significant(value));
        }
        value /= 1024.0;
    }
    unreachable!("TiB ends the loop")
}

/// A month figure, or "never" when absent.
pub fn month(m: Option<f64>) -> String {
    match m {
        Some(m) if m.fract() == 0.0 => format!("{m:.0}"),
        Some(m) => format!("{m:.1}"),
        None => "never".to_string(),
    }
}

/// A month figure with, given a calendar, the calendar month it falls in:
/// "14 (Feb 2028)". A fractional month (a median between two months) is
/// dated by the month it ends in, 14.5 by month 15; a month before month 1
/// gets no date; "never" when absent.
pub fn dated_month(m: Option<f64>, calendar: Option<&Calendar>) -> String {
    match (m, calendar) {
        (Some(m), Some(calendar)) if m >= 1.0 => {
            format!("{} ({})", month(Some(m)), calendar.date(m.ceil() as u32).short_label())
        }
        _ => month(m),
    }
}

/// A moment's calendar date in UTC, `YYYY-MM-DD` (a moment before 1970 gives 1970-01-01).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use roicast::format::iso_date;
/// assert_eq!(iso_date(UNIX_EPOCH + Duration::from_secs(1_709_164_800)), "2024-02-29");
/// ```
pub fn iso_date(moment: std::time::SystemTime) -> String {
    let seconds = moment.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), from 0000-03-01.
    let z = (seconds / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_switch_at_thresholds() {
        assert_eq!(money(999.0, "USD"), "$999");
        assert_eq!(money(1000.0, "USD"), "$1.00k");
        assert_eq!(money(123_456.0, "GBP"), "£123k");
        assert_eq!(money(2.5e9, "USD"), "$2.50B");
        assert_eq!(money(4.2e12, "USD"), "$4.20T");
        assert_eq!(money(-3.1159e27, "EUR"), "-€3.12e27");
        // Digits that round up take the next suffix: never "1000k" or "10.00k".
        assert_eq!(money(999_600.0, "USD"), "$1.00M");
        assert_eq!(money(9_996.0, "USD"), "$10.0k");
        assert_eq!(money(999.6, "USD"), "$1.00k");
        assert_eq!(month(Some(14.0)), "14");
        assert_eq!(month(Some(14.5)), "14.5");
        assert_eq!(month(None), "never");
        let calendar = Calendar::new(crate::calendar::YearMonth::parse("2027-01").unwrap(), 4);
        assert_eq!(dated_month(Some(14.0), Some(&calendar)), "14 (Feb 2028)");
        assert_eq!(dated_month(Some(14.5), Some(&calendar)), "14.5 (Mar 2028)");
        assert_eq!(dated_month(Some(0.0), Some(&calendar)), "0");
        assert_eq!(dated_month(None, Some(&calendar)), "never");
        assert_eq!(dated_month(Some(14.0), None), "14");
    }

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.00 KiB");
        assert_eq!(bytes(1_000_000), "977 KiB");
        assert_eq!(bytes(1_048_064), "1.00 MiB");
        assert_eq!(bytes(1_048_576), "1.00 MiB");
        assert_eq!(bytes(12 << 30), "12.0 GiB");
        assert_eq!(bytes(5000 << 30), "4.88 TiB");
    }

    #[test]
    fn dates_count_leap_years_and_month_ends() {
        use std::time::{Duration, UNIX_EPOCH};
        let day = |d: u64| iso_date(UNIX_EPOCH + Duration::from_secs(d * 86_400 + 3_600));
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(59), "1970-03-01");
        assert_eq!(day(11_016), "2000-02-29");
        assert_eq!(day(11_017), "2000-03-01");
        assert_eq!(day(20_088), "2024-12-31");
        assert_eq!(day(20_089), "2025-01-01");
    }
}
