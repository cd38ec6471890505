//! Integration tests of the roicast library, as one test binary.
//!
//! Every test uses fixed seeds. Statistical tolerances come from Monte Carlo
//! error computed inside the test (a few standard errors, or the
//! Kolmogorov-Smirnov critical value at alpha = 0.001), never from numbers
//! copied out of an earlier run.

mod util;

mod actuals;
mod bad_scenarios;
mod budget;
mod calendar;
mod charts;
mod cli;
mod decisions;
mod dependencies;
mod distributions;
mod mistakes;
mod model;
mod mutations;
mod output_folders;
mod outputs;
mod reports;
mod reproducibility;
mod resources;
mod sampling;
mod sensitivity;
