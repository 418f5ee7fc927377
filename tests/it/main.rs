//! Integration tests: each builds a small fixture site (tests/fixtures/NAME)
//! in a temporary folder with the real `rolebook` binary and asserts on the
//! files it writes, the messages it prints and its exit status.

mod assets;
mod build;
mod data;
mod errors;
mod facts;
mod github;
mod handbook;
mod hostile;
#[cfg(target_os = "linux")]
mod hostile_fs;
mod hostile_serve;
mod import;
mod live;
mod live_prop;
mod migrate;
mod serve;
mod support;
mod upkeep;
mod weight;
