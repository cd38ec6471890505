#!/usr/bin/env python3
"""Measures wall time and peak memory (max RSS) of `roicast run` against
trials, months and initiatives: the table in docs/performance.md.

Usage (after `cargo build --release`):
    python3 benches/scaling.py [--repeat 3]

Each point runs `roicast run SCENARIO --trials N --no-charts --no-reports --quiet` under
/usr/bin/time -v and reports the median wall time of the repeats and the
largest max RSS. Scenarios are generated like scenarios/stress-12x60.toml:
half IT, half BPA initiatives, two risks each, Latin hypercube.
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "roicast")


def scenario(initiatives: int, months: int) -> str:
    out = [f'name = "Scaling {initiatives}x{months}"\n[simulation]\nhorizon_months = {months}\n'
           'seed = 12\ndiscount_rate = 0.10\nsampling = "latin-hypercube"\n']
    for k in range(initiatives):
        if k % 2 == 0:
            out.append(f'''
[[initiatives]]
name = "IT {k}"
kind = "it"
start_month = {k % 3}
build_cost = {{ pert = [6000, 12000, 30000] }}
build_months = {{ pert = [0.5, 1, 2] }}
run_cost_per_month = {{ triangular = [200, 400, 900] }}
benefit_per_month = {{ lognormal = {{ p10 = 3000, p90 = 9000 }} }}
ramp_months = {{ uniform = [0, 2] }}
pnl_visibility = {{ uniform = [0.1, 0.3] }}
[[initiatives.risks]]
name = "Outage from a faulty change"
events_per_year = {{ pert = [0.05, 0.3, 1.0] }}
cost_per_event = {{ lognormal = {{ p10 = 10000, p90 = 150000 }} }}
benefit_pause_months = 1
[[initiatives.risks]]
name = "Automation drift"
events_per_year = 1.5
cost_per_event = {{ triangular = [500, 2000, 8000] }}
''')
        else:
            out.append(f'''
[[initiatives]]
name = "BPA {k}"
kind = "bpa"
start_month = {k % 4}
build_cost = {{ pert = [60000, 100000, 220000] }}
build_months = {{ pert = [3, 5, 9] }}
run_cost_per_month = {{ triangular = [1500, 2500, 4500] }}
benefit_per_month = {{ lognormal = {{ p10 = 10000, p90 = 32000 }} }}
ramp_months = {{ uniform = [2, 6] }}
pnl_visibility = {{ pert = [0.7, 0.85, 0.95] }}
[[initiatives.risks]]
name = "Mass archiving of customer records"
events_per_year = {{ pert = [0.02, 0.1, 0.3] }}
cost_per_event = {{ lognormal = {{ p10 = 75000, p90 = 1500000 }} }}
benefit_pause_months = 2
abandon_probability = 0.3
[[initiatives.risks]]
name = "Bot breaks after an upstream change"
events_per_year = {{ pert = [0.5, 1.5, 4] }}
cost_per_event = {{ lognormal = {{ p10 = 2000, p90 = 20000 }} }}
benefit_pause_months = 1
abandon_probability = 0.05
''')
    return "".join(out)


def measure(path: str, trials: int, repeat: int, outdir: str):
    walls, rss = [], 0
    for _ in range(repeat):
        cmd = ["/usr/bin/time", "-v", BINARY, "run", path, "--trials", str(trials), "--no-charts", "--no-reports", "--quiet",
               "--out", outdir]
        err = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True).stderr
        m, s = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\d+):([\d.]+)", err).groups()
        walls.append(int(m) * 60 + float(s))
        rss = max(rss, int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)))
    return statistics.median(walls), rss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    points = [("trials", t, 12, 60) for t in (10_000, 100_000, 1_000_000)]
    points += [("months", 100_000, 12, h) for h in (12, 36, 120)]
    points += [("initiatives", 100_000, i, 60) for i in (3, 12, 48)]
    print("| varied | trials | initiatives | months | wall (s, median) | max RSS (MiB) | µs per trial |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for varied, trials, initiatives, months in points:
            path = os.path.join(tmp, f"s{initiatives}x{months}.toml")
            with open(path, "w") as f:
                f.write(scenario(initiatives, months))
            wall, rss = measure(path, trials, args.repeat, os.path.join(tmp, "out"))
            print(f"| {varied} | {trials:,} | {initiatives} | {months} | {wall:.2f} | {rss:.0f} | "
                  f"{wall / trials * 1e6:.1f} |", flush=True)


if __name__ == "__main__":
    main()
