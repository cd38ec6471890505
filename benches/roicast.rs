//! Criterion benchmarks: the costs issue 6 tracks (see docs/performance.md),
//! and the documents every run writes.
//!
//! `cargo bench` runs them all; `cargo bench -- draws` one group.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use roicast::dist::{Distribution, PercentileLevel, QuantileTable, Shape};
use roicast::engine::{self, BlockVisitor, RunSettings, Simulator};
use roicast::model::{Model, SetMetrics, SetMonths, SetSpec, TileFlows, reported_sets};
use roicast::sampling::InputBlock;
use roicast::scenario::Scenario;
use roicast::sketch::{HistogramRange, RangeHistogram};
use roicast::stats::Summary;

fn default_scenario() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/it-vs-bpa.toml");
    Scenario::parse(&std::fs::read_to_string(path).expect("default scenario"), path).expect("valid scenario")
}

/// Computes the portfolio's metrics for each trial and adds up its NPV.
struct PortfolioNpv {
    portfolio: SetSpec,
}

impl BlockVisitor for PortfolioNpv {
    type State = (f64, SetMonths);
    type Output = f64;
    fn start(&self, _block: u64) -> Self::State {
        (0.0, SetMonths::default())
    }
    fn visit(&self, state: &mut Self::State, model: &Model, _: u64, _: &InputBlock, _: usize, flows: &TileFlows) {
        let metrics = SetMetrics::compute(model, flows, &self.portfolio, &mut state.1);
        state.0 += metrics[..flows.trials].iter().map(|m| m.npv).sum::<f64>();
    }
    fn finish(&self, state: Self::State) -> f64 {
        state.0
    }
}

fn trials(c: &mut Criterion) {
    let scenario = default_scenario();
    let simulator = Simulator::new(&scenario, 7);
    let visitor = PortfolioNpv { portfolio: reported_sets(&scenario).swap_remove(0) };
    c.bench_function("one trial of it-vs-bpa (draw, simulate, portfolio metrics)", |b| {
        b.iter(|| black_box(simulator.blocks(1, 0..1, &visitor, &|_| {})))
    });
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("100,000 trials of it-vs-bpa (engine::run)", |b| {
        b.iter(|| black_box(engine::run(&scenario, RunSettings { trials: 100_000, seed: 7 }, &|_| {})))
    });
    group.finish();
}

fn draws(c: &mut Criterion) {
    let shapes = [
        ("uniform", Shape::Uniform { lo: 2.0, hi: 6.0 }),
        ("triangular", Shape::Triangular { min: 1500.0, mode: 2500.0, max: 4000.0 }),
        ("pert", Shape::Pert { min: 60_000.0, mode: 90_000.0, max: 180_000.0 }),
        ("normal", Shape::Normal { mean: 110_000.0, sd: 30_000.0 }),
        ("lognormal", Shape::LogNormal { low: 9000.0, high: 30_000.0, level: PercentileLevel::P10P90 }),
    ];
    let uniforms: Vec<f64> = (0..10_000).map(|i| ((i as f64) * 0.618_033_988_749_895).fract()).collect();
    let mut group = c.benchmark_group("draws");
    group.throughput(Throughput::Elements(uniforms.len() as u64));
    for (name, shape) in shapes {
        let distribution = Distribution::new(shape, Some(0.0), None).expect("valid distribution");
        let table = QuantileTable::new(&distribution);
        group.bench_with_input(BenchmarkId::new("prepared", name), &table, |b, t| {
            b.iter(|| uniforms.iter().map(|&u| t.quantile(u)).sum::<f64>())
        });
        group.bench_with_input(BenchmarkId::new("exact", name), &distribution, |b, d| {
            b.iter(|| uniforms.iter().map(|&u| d.quantile(u)).sum::<f64>())
        });
    }
    group.finish();
}

fn percentiles(c: &mut Criterion) {
    let values: Vec<f32> = (0..100_000).map(|i| (((i as f64) * 0.618_033_988_749_895).fract() * 1e6) as f32).collect();
    let range = HistogramRange::around(&values[..2048]);
    let mut group = c.benchmark_group("percentiles");
    group.throughput(Throughput::Elements(values.len() as u64));
    group.bench_function("monthly histogram: count 100,000 values", |b| {
        b.iter(|| {
            let mut histogram = RangeHistogram::new(range);
            histogram.insert_all(&values);
            black_box(histogram.count())
        })
    });
    let mut histogram = RangeHistogram::new(range);
    histogram.insert_all(&values);
    group.bench_function("monthly histogram: five percentiles", |b| {
        b.iter(|| [0.05, 0.25, 0.5, 0.75, 0.95].map(|p| histogram.quantile(p)))
    });
    let exact: Vec<f64> = values.iter().map(|&x| f64::from(x)).collect();
    group.bench_function("exact summary of 100,000 values (selection + type 7)", |b| b.iter(|| Summary::of(&exact)));
    group.finish();
}

/// The documents of a run: summary-level, so the same cost at any number of trials.
fn documents(c: &mut Criterion) {
    use roicast::export::Documents;
    use roicast::export::documents::RunDocuments;
    let scenario = default_scenario();
    let results = engine::run(&scenario, RunSettings { trials: 20_000, seed: 7 }, &|_| {});
    let report = roicast::report::Report::new(&scenario, &results, "scenarios/it-vs-bpa.toml");
    let documents = RunDocuments { report: &report, date: "2027-01-01".into() };
    let mut group = c.benchmark_group("documents");
    group.sample_size(10);
    group.bench_function("report.xlsx of it-vs-bpa", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            documents.write_workbook(&mut out).expect("workbook");
            out.len()
        })
    });
    group.bench_function("board-pack.pdf of it-vs-bpa", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            documents.write_board_pack(&mut out).expect("board pack");
            out.len()
        })
    });
    group.finish();
}

criterion_group!(benches, trials, draws, percentiles, documents);
criterion_main!(benches);
