//! roicast: Monte Carlo forecasts of the return on automation spending.
//!
//! The crate follows the data: [`scenario`] parses and validates a scenario
//! file; [`dist`] and [`sampling`] draw its uncertain inputs (random streams,
//! Latin hypercube, rank correlation); [`model`] turns one trial's inputs into
//! monthly cash flows; [`engine`] runs many trials in parallel and keeps their
//! results; [`stats`] and [`sketch`] summarise them; [`export`] and [`report`]
//! turn them into files and tables. Only [`app`] touches files and the
//! terminal.

pub mod app;
pub mod cli;
pub mod dist;
pub mod engine;
pub mod error;
pub mod export;
pub mod format;
pub mod model;
pub mod report;
pub mod sampling;
pub mod scenario;
pub mod sketch;
pub mod stats;
