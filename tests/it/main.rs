//! Integration tests: each builds a small fixture site (tests/fixtures/NAME)
//! in a temporary folder with the real `rolebook` binary and asserts on the
//! files it writes, the messages it prints and its exit status.

mod build;
mod data;
mod errors;
mod facts;
mod handbook;
mod live;
mod live_prop;
mod migrate;
mod serve;
mod support;
mod upkeep;
