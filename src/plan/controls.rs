//! What a plan may and must fund: dependencies, `--include`, `--exclude` and
//! the scenario's `[[alternatives]]`.
//!
//! A portfolio is a set of initiatives that
//!
//! - holds everything its members depend on, directly or not;
//! - holds every `--include`d initiative (and so its dependencies);
//! - holds no `--exclude`d initiative (and so nothing that depends on one);
//! - holds at most one member of each `[[alternatives]]` group;
//! - is not empty.
//!
//! [`Space`] splits the initiatives into those every portfolio holds
//! (`required`: the includes with their dependencies), those none may hold
//! (excluded, depending on an excluded one, or clashing with an alternative
//! the required ones already take) and the `free` rest, over which the
//! search runs: an exhaustive search enumerates subsets of the free
//! initiatives only, so includes and excludes make it smaller.

use crate::scenario::Scenario;
use crate::suggest::did_you_mean;

/// The initiatives a plan must fund and must not fund, as named on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Controls {
    /// Names given to `--include`.
    pub include: Vec<String>,
    /// Names given to `--exclude`.
    pub exclude: Vec<String>,
}

/// The portfolios a plan may choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    /// Each initiative with everything it depends on, transitively (ascending indices).
    pub closure: Vec<Vec<usize>>,
    /// In every portfolio: the included initiatives and their dependencies (ascending).
    pub required: Vec<usize>,
    /// The initiatives named by `--include` (scenario indices, as given).
    pub included: Vec<usize>,
    /// The initiatives named by `--exclude` (scenario indices, as given).
    pub excluded: Vec<usize>,
    /// In no portfolio: excluded, depending on an excluded one, or ruled
    /// out by an alternative (ascending).
    pub forbidden: Vec<usize>,
    /// The initiatives a portfolio may or may not hold (ascending).
    pub free: Vec<usize>,
    /// The `[[alternatives]]` groups: at most one member of each.
    pub groups: Vec<Vec<usize>>,
}

impl Space {
    /// The portfolios of a scenario under `controls`; an unknown name, an
    /// initiative both included and excluded, an include that needs an
    /// excluded initiative or two alternatives, or nothing left to fund is
    /// an error in a sentence.
    pub fn new(scenario: &Scenario, controls: &Controls) -> Result<Space, String> {
        let n = scenario.initiatives.len();
        let closure = dependency_closure(scenario);
        let names = |list: &[String], flag: &str| -> Result<Vec<usize>, String> {
            let mut indices: Vec<usize> = Vec::with_capacity(list.len());
            for name in list {
                let index = scenario.initiative_index(name.trim()).ok_or_else(|| {
                    format!(
                        "{flag} \"{name}\": no initiative has that name{}",
                        did_you_mean(name.trim(), scenario.initiatives.iter().map(|i| i.name.as_str()))
                    )
                })?;
                if !indices.contains(&index) {
                    indices.push(index);
                }
            }
            Ok(indices)
        };
        let included = names(&controls.include, "--include")?;
        let excluded = names(&controls.exclude, "--exclude")?;
        let name = |i: usize| scenario.initiatives[i].name.as_str();
        if let Some(&both) = included.iter().find(|i| excluded.contains(i)) {
            return Err(format!("\"{}\" is both --include'd and --exclude'd", name(both)));
        }
        let groups: Vec<Vec<usize>> = scenario.alternatives.iter().map(|a| a.members.clone()).collect();
        let mut required = vec![false; n];
        for &i in &included {
            for &d in &closure[i] {
                if let Some(&x) = excluded.iter().find(|&&x| x == d) {
                    return Err(format!("--include \"{}\" needs \"{}\", which is --exclude'd", name(i), name(x)));
                }
                required[d] = true;
            }
        }
        let required: Vec<usize> = (0..n).filter(|&i| required[i]).collect();
        if let Some((a, b)) = clash(&groups, &required) {
            return Err(format!(
                "the initiatives to --include fund both \"{}\" and \"{}\", which are [[alternatives]]: a plan funds at \
                 most one of them",
                name(a),
                name(b)
            ));
        }
        let forbidden: Vec<usize> = (0..n)
            .filter(|&i| !required.contains(&i))
            .filter(|&i| {
                closure[i].iter().any(|d| excluded.contains(d)) || {
                    let mut with: Vec<usize> = required.iter().chain(&closure[i]).copied().collect();
                    with.sort_unstable();
                    with.dedup();
                    clash(&groups, &with).is_some()
                }
            })
            .collect();
        let free: Vec<usize> = (0..n).filter(|i| !required.contains(i) && !forbidden.contains(i)).collect();
        if required.is_empty() && free.is_empty() {
            return Err("--exclude rules out every initiative: there is nothing left to fund".into());
        }
        Ok(Space { closure, required, included, excluded, forbidden, free, groups })
    }

    /// Whether `members` (ascending) is a portfolio of this space.
    pub fn allows(&self, members: &[usize]) -> bool {
        !members.is_empty()
            && self.required.iter().all(|r| members.contains(r))
            && members.iter().all(|m| !self.forbidden.contains(m))
            && members.iter().all(|&m| self.closure[m].iter().all(|d| members.contains(d)))
            && clash(&self.groups, members).is_none()
    }

    /// The portfolio holding the required initiatives and the free ones at
    /// the set bits of `mask` (bit `p` is `free[p]`), ascending.
    pub fn members(&self, mask: u32) -> Vec<usize> {
        let mut members: Vec<usize> = self.required.clone();
        members.extend((0..self.free.len()).filter(|&p| mask & (1 << p) != 0).map(|p| self.free[p]));
        members.sort_unstable();
        members
    }
}

/// Two members of one alternatives group that `members` both holds, if any.
fn clash(groups: &[Vec<usize>], members: &[usize]) -> Option<(usize, usize)> {
    groups.iter().find_map(|group| {
        let mut held = group.iter().filter(|m| members.contains(m));
        Some((*held.next()?, *held.next()?))
    })
}

/// Each initiative with everything it depends on, transitively (ascending indices).
pub fn dependency_closure(scenario: &Scenario) -> Vec<Vec<usize>> {
    let n = scenario.initiatives.len();
    let mut closure: Vec<Vec<bool>> = vec![vec![false; n]; n];
    for i in scenario.dependency_order() {
        closure[i][i] = true;
        for &d in &scenario.initiatives[i].depends_on {
            let inherited = closure[d].clone();
            for (c, inherit) in closure[i].iter_mut().zip(inherited) {
                *c |= inherit;
            }
        }
    }
    closure.into_iter().map(|row| (0..n).filter(|&j| row[j]).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A <- B <- C (C depends on B, B on A), D alone, E alone; D and E are alternatives.
    fn scenario() -> Scenario {
        let mut text = String::from("[simulation]\nhorizon_months = 12\ndiscount_rate = 0.1\n");
        for (name, depends) in [("A", ""), ("B", "A"), ("C", "B"), ("D", ""), ("E", "")] {
            let depends = if depends.is_empty() { String::new() } else { format!("depends_on = [\"{depends}\"]\n") };
            text += &format!(
                "[[initiatives]]\nname = \"{name}\"\nkind = \"it\"\n{depends}build_cost = 1\nbuild_months = 1\n\
                 benefit_per_month = 1\n"
            );
        }
        text += "[[alternatives]]\nmembers = [\"D\", \"E\"]\n";
        Scenario::parse(&text, "t.toml").unwrap()
    }

    fn controls(include: &[&str], exclude: &[&str]) -> Controls {
        Controls {
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn includes_bring_their_dependencies_and_excludes_their_dependents() {
        let s = scenario();
        let space = Space::new(&s, &controls(&["C"], &[])).unwrap();
        assert_eq!((space.required.as_slice(), space.free.as_slice()), (&[0, 1, 2][..], &[3, 4][..]));
        let space = Space::new(&s, &controls(&[], &["B"])).unwrap();
        assert_eq!((space.forbidden.as_slice(), space.free.as_slice()), (&[1, 2][..], &[0, 3, 4][..]));
        // Including one alternative rules out the other.
        let space = Space::new(&s, &controls(&["E"], &[])).unwrap();
        assert_eq!((space.required.as_slice(), space.forbidden.as_slice()), (&[4][..], &[3][..]));
        assert!(space.allows(&[0, 4]) && !space.allows(&[0]) && !space.allows(&[3, 4]) && !space.allows(&[1, 4]));
        assert_eq!(space.members(0b101), vec![0, 2, 4]);
    }

    #[test]
    fn impossible_controls_are_explained() {
        let s = scenario();
        let err = Space::new(&s, &controls(&["Cc"], &[])).unwrap_err();
        assert!(err.contains("--include \"Cc\"") && err.contains("did you mean \"C\""), "{err}");
        assert!(Space::new(&s, &controls(&[], &["Q"])).unwrap_err().contains("--exclude \"Q\""));
        assert!(Space::new(&s, &controls(&["C"], &["C"])).unwrap_err().contains("both"));
        let err = Space::new(&s, &controls(&["C"], &["A"])).unwrap_err();
        assert_eq!(err, "--include \"C\" needs \"A\", which is --exclude'd");
        let err = Space::new(&s, &controls(&["D", "E"], &[])).unwrap_err();
        assert!(err.contains("\"D\" and \"E\"") && err.contains("alternatives"), "{err}");
        let err = Space::new(&s, &controls(&[], &["A", "D", "E"])).unwrap_err();
        assert!(err.contains("nothing left to fund"), "{err}");
    }

    #[test]
    fn dependency_closure_is_transitive() {
        assert_eq!(dependency_closure(&scenario()), vec![vec![0], vec![0, 1], vec![0, 1, 2], vec![3], vec![4]]);
    }
}
