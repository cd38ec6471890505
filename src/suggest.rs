//! "Did you mean …?": the known name closest to a misspelled one.
//!
//! Every error about an unknown name (a scenario key, an initiative, an
//! input, a risk, a set, a figure, a command-line name) offers the closest
//! known name when one is close enough to be a plausible typo, and nothing
//! otherwise: a far-fetched suggestion misleads more than none.
//!
//! Closeness is the optimal-string-alignment distance (Levenshtein with
//! transposed neighbours, so `intiative` is one edit from `initiative`),
//! counted in characters and ignoring case. A name is close enough when the
//! distance is at most a third of the longer name (at least 1), or when one
//! name holds the other whole (`Invoice` for `Invoice approval`). Ties go to
//! the candidate listed first.
//!
//! ```
//! use roicast::suggest::{closest, did_you_mean};
//! let keys = ["build_cost", "build_months", "benefit_per_month"];
//! assert_eq!(closest("biuld_cost", keys), Some("build_cost"));
//! assert_eq!(did_you_mean("benefit_per_mnth", keys), " (did you mean \"benefit_per_month\"?)");
//! assert_eq!(did_you_mean("colour", keys), "");
//! ```

/// The candidate closest to `wanted`, when one is close enough to be a typo of it.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower: Vec<char> = wanted.to_lowercase().chars().collect();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let lower: Vec<char> = candidate.to_lowercase().chars().collect();
        let longer = wanted_lower.len().max(lower.len());
        let limit = (longer / 3).max(1);
        let contains = !wanted_lower.is_empty()
            && !lower.is_empty()
            && (contains_run(&lower, &wanted_lower) || contains_run(&wanted_lower, &lower));
        // Names whose lengths differ by more than the limit cannot be close
        // by edits; skipping them keeps long lists of long names cheap.
        let distance = if wanted_lower.len().abs_diff(lower.len()) <= limit {
            edit_distance(&wanted_lower, &lower)
        } else {
            usize::MAX
        };
        let score = if distance <= limit {
            distance
        } else if contains {
            limit + 1
        } else {
            continue;
        };
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// `" (did you mean \"name\"?)"` for the closest candidate, or `""` when none is close.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, candidates).map_or_else(String::new, |name| format!(" (did you mean \"{name}\"?)"))
}

/// Whether `needle` occurs in `haystack` as a run of consecutive characters.
fn contains_run(haystack: &[char], needle: &[char]) -> bool {
    needle.len() <= haystack.len() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and swaps of two neighbouring characters, each one edit.
///
/// ```
/// use roicast::suggest::edit_distance;
/// let chars = |s: &str| s.chars().collect::<Vec<char>>();
/// assert_eq!(edit_distance(&chars("kitten"), &chars("sitting")), 3);
/// assert_eq!(edit_distance(&chars("ab"), &chars("ba")), 1);
/// ```
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    // Three rows of the dynamic-programming table: two before this one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> usize {
        edit_distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>())
    }

    #[test]
    fn distance_counts_each_kind_of_edit_once() {
        assert_eq!(distance("", ""), 0);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("initiative", "initiatives"), 1);
        assert_eq!(distance("intiative", "initiative"), 1);
        assert_eq!(distance("build_cots", "build_cost"), 1);
        assert_eq!(distance("Café", "Cafe"), 1);
        assert_eq!(distance("flaw", "lawn"), 2);
    }

    #[test]
    fn suggests_only_plausible_typos() {
        let initiatives = ["Invoice approval", "Lead-to-cash", "Server provisioning"];
        assert_eq!(closest("invoice aproval", initiatives), Some("Invoice approval"));
        assert_eq!(closest("Lead to cash", initiatives), Some("Lead-to-cash"));
        assert_eq!(closest("Invoice", initiatives), Some("Invoice approval"));
        assert_eq!(closest("Payroll", initiatives), None);
        assert_eq!(closest("", initiatives), None);
        assert_eq!(closest("x", Vec::<&str>::new()), None);
        // The closer of two candidates wins; a tie goes to the first listed.
        assert_eq!(closest("it", ["bpa", "it"]), Some("it"));
        assert_eq!(closest("ab", ["ax", "xb"]), Some("ax"));
    }
}
