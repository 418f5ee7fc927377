//! `rolebook serve`: build, serve from memory, watch, rebuild, reload.

use crate::cli::Printer;
use crate::error::{Diagnostic, Diagnostics, Kind};
use crate::site::Project;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub port: u16,
    pub bind: String,
    pub open: bool,
    pub drafts: bool,
    pub poll: bool,
}

pub fn run(_project: &Project, _opts: ServeOptions, _printer: Printer) -> Result<(), Diagnostics> {
    Err(Diagnostic::error(Kind::Io, "serve is not built yet").into())
}
