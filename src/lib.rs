//! rolebook: a static site generator for role guides, product handbooks and
//! the team data behind them.
//!
//! The build is a list of stages (see [`site::build`]); the binary in
//! `main.rs` only parses arguments and maps results to an exit status.

pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod error;
pub mod init;
pub mod markdown;
pub mod migrate;
pub mod output;
pub mod search;
pub mod serve;
pub mod site;
pub mod sources;
pub mod templates;
pub mod text;
pub mod upkeep;

#[cfg(test)]
mod properties;
