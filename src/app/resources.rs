//! The machine's resources, checked before any work: the memory a command
//! may use and the disk space its per-trial table needs.
//!
//! The memory a command may use is `--max-memory`, or else what is
//! available now: the smaller of `MemAvailable` in `/proc/meminfo` and the
//! headroom of the process's control group (cgroup v2 `memory.max`, or v1
//! `memory.limit_in_bytes`, less what the group uses beyond its reclaimable
//! file cache). Where neither can be read, nothing is refused.
//! [`MemoryBudget::check`] refuses a command whose estimate
//! ([`crate::footprint`]) exceeds it, with the estimate and how to fit;
//! [`GrowthLimit`] tells how far a `--precision` run may grow, in memory and
//! on the disk (its `trials.parquet` grows with it); [`check_disk`] refuses
//! a run whose `trials.parquet` the disk has no room for.

use std::fs;
use std::path::{Path, PathBuf};

use crate::charts::style::grouped;
use crate::convergence::PrecisionOutcome;
use crate::error::Error;
use crate::footprint::most_trials;
use crate::format::bytes;

/// Limits of a cgroup at or above this are "no limit" (v1 writes 2^63 rounded to pages).
const UNLIMITED: u64 = 1 << 60;

/// How much memory a command may use, and where that figure came from.
#[derive(Debug, Clone, Copy)]
pub struct MemoryBudget {
    /// Bytes the command may use; `None` when it could not be learnt.
    bytes: Option<u64>,
    /// True when `--max-memory` set it.
    from_flag: bool,
}

impl MemoryBudget {
    /// `--max-memory` when given, else the memory available now.
    pub fn new(max_memory: Option<u64>) -> MemoryBudget {
        match max_memory {
            Some(bytes) => MemoryBudget { bytes: Some(bytes), from_flag: true },
            None => MemoryBudget { bytes: available_memory(), from_flag: false },
        }
    }

    /// Refuses `trials` trials of a command that would need `needs(trials)`
    /// bytes, more than the budget; `what` names the work ("this run").
    pub fn check(&self, what: &str, trials: u64, needs: &dyn Fn(u64) -> u64) -> Result<(), Error> {
        let Some(budget) = self.bytes else { return Ok(()) };
        let needed = needs(trials);
        if needed <= budget {
            return Ok(());
        }
        let fit = most_trials(budget, trials, needs);
        let how = if fit == 0 {
            "Not even one trial fits: simplify the scenario (fewer initiatives or months)".to_string()
        } else {
            format!("At most about {} trials fit: run fewer (--trials {fit})", grouped(fit))
        };
        Err(Error::Input(format!(
            "{what} needs about {} of memory for {} trials, more than {}; nothing was started. {how}, or set \
             --max-memory if more memory will be free",
            bytes(needed),
            grouped(trials),
            self.describe(budget),
        )))
    }

    /// The most trials, at most `limit`, whose `needs` fit in the budget.
    pub fn most_trials(&self, limit: u64, needs: &dyn Fn(u64) -> u64) -> u64 {
        self.bytes.map_or(limit, |budget| most_trials(budget, limit, needs))
    }

    /// "the 7.10 GiB available" or "--max-memory 4.00 GiB".
    pub fn describe(&self, budget: u64) -> String {
        if self.from_flag {
            format!("--max-memory {}", bytes(budget))
        } else {
            format!("the {} available", bytes(budget))
        }
    }

    /// The budget in bytes, when known.
    pub fn bytes(&self) -> Option<u64> {
        self.bytes
    }
}

/// The memory this process can use now: the smaller of `MemAvailable` and
/// its cgroup's headroom; `None` when neither can be read.
pub fn available_memory() -> Option<u64> {
    let meminfo = fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    });
    match (meminfo, cgroup_headroom()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The memory the process's cgroup lets it add: its limit less what the
/// group uses beyond its inactive file cache (which the kernel reclaims
/// first). `None` without a limit.
fn cgroup_headroom() -> Option<u64> {
    let groups = fs::read_to_string("/proc/self/cgroup").ok()?;
    for line in groups.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let path = path.trim_start_matches('/');
        let (root, limit, usage, inactive) = if id == "0" && controllers.is_empty() {
            ("/sys/fs/cgroup", "memory.max", "memory.current", "inactive_file")
        } else if controllers.split(',').any(|c| c == "memory") {
            ("/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")
        } else {
            continue;
        };
        // Inside a container the group's own folder is usually the mount's root.
        for folder in [Path::new(root).join(path), PathBuf::from(root)] {
            let read = |file: &str| fs::read_to_string(folder.join(file)).ok();
            let Some(limit) = read(limit).and_then(|l| l.trim().parse::<u64>().ok()) else { continue };
            if limit >= UNLIMITED {
                break;
            }
            let usage = read(usage).and_then(|u| u.trim().parse::<u64>().ok()).unwrap_or(0);
            let reclaimable = read("memory.stat")
                .and_then(|stat| {
                    let line = stat.lines().find(|l| l.split_whitespace().next() == Some(inactive))?;
                    line.split_whitespace().nth(1)?.parse::<u64>().ok()
                })
                .unwrap_or(0);
            return Some(limit.saturating_sub(usage.saturating_sub(reclaimable)));
        }
    }
    None
}

/// Free space for this process on the file system that holds `path`.
pub fn free_disk(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        // SAFETY: `statvfs` holds plain integers, for which zero is a valid value.
        let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: `path` is a valid NUL-terminated string; only `stat` is written.
        let ok = unsafe { libc::statvfs(path.as_ptr(), &mut stat) } == 0;
        // Their types differ between platforms (`u32` on some).
        #[allow(clippy::useless_conversion)]
        ok.then(|| u64::from(stat.f_bavail).saturating_mul(u64::from(stat.f_frsize)))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Refuses a `trials.parquet` of `size` bytes for `trials` trials that the
/// disk holding `folder` has no room for.
pub fn check_disk(folder: &Path, trials: u64, size: u64) -> Result<(), Error> {
    match free_disk(folder) {
        Some(free) if size > free => Err(Error::Input(format!(
            "trials.parquet of {} trials would take about {}, more than the {} free on the disk of {}; nothing \
             was written. Run fewer trials (--trials)",
            grouped(trials),
            bytes(size),
            bytes(free),
            folder.parent().unwrap_or(folder).display()
        ))),
        _ => Ok(()),
    }
}

/// How far a `--precision` run may grow: `--max-trials`, or fewer when the
/// memory budget or the disk holds fewer.
#[derive(Debug, Clone)]
pub struct GrowthLimit {
    /// The most trials the run may reach.
    pub trials: u64,
    /// `--max-trials`.
    max_trials: u64,
    /// What set the limit, when it is below `--max-trials`.
    reason: Option<String>,
}

impl GrowthLimit {
    /// The limit under `max_trials` for a run needing `needs(trials)` bytes
    /// of memory and writing `parquet(trials)` bytes into `folder`.
    pub fn new(
        max_trials: u64,
        budget: &MemoryBudget,
        needs: &dyn Fn(u64) -> u64,
        folder: &Path,
        parquet: &dyn Fn(u64) -> u64,
    ) -> GrowthLimit {
        let memory = budget.most_trials(max_trials, needs);
        let disk = free_disk(folder).map_or(max_trials, |free| most_trials(free, max_trials, parquet));
        let reason = if memory < max_trials && memory <= disk {
            budget.bytes().map(|b| format!("the most that fit in {}", budget.describe(b)))
        } else if disk < max_trials {
            Some("the most whose trials.parquet fits on the disk".to_string())
        } else {
            None
        };
        GrowthLimit { trials: memory.min(disk), max_trials, reason }
    }

    /// A line saying why a run that stopped at this limit, short of its
    /// target, stopped there; `None` when it did not.
    pub fn note(&self, outcome: &PrecisionOutcome) -> Option<String> {
        let reason = self.reason.as_ref().filter(|_| !outcome.met && outcome.trials >= self.trials)?;
        Some(format!(
            "note: the run stopped at {} trials, {reason}, short of --max-trials {}\n",
            grouped(self.trials),
            grouped(self.max_trials)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_gives_the_estimate_and_the_trials_that_fit() {
        let budget = MemoryBudget { bytes: Some(1 << 30), from_flag: true };
        let needs = |trials: u64| (10 << 20) + 1000 * trials;
        assert!(budget.check("this run", 1_000_000, &needs).is_ok());
        let message = budget.check("this run", 100_000_000, &needs).unwrap_err().to_string();
        let fit = ((1u64 << 30) - (10 << 20)) / 1000;
        assert!(message.contains("about 93.1 GiB of memory for 100,000,000 trials"), "{message}");
        assert!(message.contains("more than --max-memory 1.00 GiB"), "{message}");
        assert!(message.contains(&format!("--trials {fit}")), "{message}");
        assert_eq!(budget.most_trials(1 << 40, &needs), fit);
        let unknown = MemoryBudget { bytes: None, from_flag: false };
        assert!(unknown.check("this run", 1 << 40, &needs).is_ok());
    }

    #[test]
    fn the_memory_available_is_known_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(available_memory().is_some_and(|bytes| bytes > 0));
        }
    }
}
