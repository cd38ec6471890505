//! roicast: Monte Carlo forecasts of the return on automation spending.
//!
//! The crate follows the data: [`units`] reads numbers as people write them
//! (`9%`, `$250k`), [`suggest`] finds the name a typo meant and
//! [`calendar`] turns month numbers into dates and fiscal periods, for
//! [`scenario`], which parses and validates a scenario file; [`dist`] and [`sampling`] draw its uncertain inputs (random streams,
//! Latin hypercube, rank correlation); [`model`] turns one trial's inputs into
//! monthly cash flows; [`engine`] runs many trials in parallel and keeps their
//! results; [`stats`] and [`sketch`] summarise them; [`sensitivity`] finds
//! which inputs drive NPV and [`convergence`] how precise the figures are
//! (and runs until a precision is met); [`reforecast`] sets a run with
//! actuals against its plan; [`compare`] pairs two runs under
//! common random numbers, [`plan`] chooses a portfolio under budgets,
//! [`voi`] values what learning more before funding is worth and
//! [`gates`] checks a run's figures against conditions; [`footprint`]
//! estimates the memory a command will need before it starts; [`export`],
//! [`report`] and [`charts`] turn them into files, tables and pictures. Only
//! [`app`] decides where files go and touches the terminal.

pub mod app;
pub mod calendar;
pub mod charts;
pub mod cli;
pub mod compare;
pub mod convergence;
pub mod dist;
pub mod engine;
pub mod error;
pub mod export;
pub mod footprint;
pub mod format;
pub mod gates;
pub mod model;
pub mod plan;
pub mod pool;
/// Exact sorting, ranking and order statistics of large samples, for the summaries and the sensitivity analysis.
pub mod rank;
pub mod reforecast;
pub mod report;
pub mod sampling;
pub mod scenario;
pub mod sensitivity;
pub mod sketch;
pub mod stats;
pub mod suggest;
pub mod units;
pub mod voi;
