//! The command line: commands, their options, and how results are shown.
//!
//! Diagnostics go to stderr, coloured on a terminal and plain when piped or
//! when NO_COLOR is set; the one-line summary goes to stdout. Exit status is
//! 0 on success, 1 when there are errors, 2 for bad arguments (clap).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::{Diagnostic, Diagnostics, Kind};
use crate::site::{BuildOptions, Project};

#[derive(Debug, Parser)]
#[command(
    name = "rolebook",
    version,
    about = "Build role guides and product handbooks from Markdown and your team's data"
)]
pub struct Cli {
    /// The site folder (the one with rolebook.toml).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Print errors only.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the whole site once.
    Build {
        /// Output folder (default: `output_dir` from rolebook.toml, `public`).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Override `base_url`, e.g. for a preview deploy.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Make every link relative and end in index.html, so the site
        /// works when opened from disk (file://).
        #[arg(long)]
        relative_links: bool,
    },
    /// Check everything a build checks, writing nothing.
    Check {
        #[arg(long)]
        drafts: bool,
    },
    /// Build, serve, watch and reload the browser on changes.
    Serve {
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 exposes the site.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        #[arg(long)]
        drafts: bool,
        /// Poll for changes instead of native file events (network drives, containers).
        #[arg(long)]
        poll: bool,
    },
    /// List the pages due or overdue for review, grouped by owner.
    Review {
        /// `table` for people, `csv` or `json` for tools.
        #[arg(long, value_enum, default_value = "table")]
        format: crate::upkeep::report::Format,
        /// Every page, not only those due within 30 days or overdue.
        #[arg(long)]
        all: bool,
    },
    /// Create a new site that builds at once.
    Init {
        /// Folder to create (default: the current folder).
        dir: Option<PathBuf>,
    },
    /// Import a tracker export into a backlog data file.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// A Jira CSV export (Issues > Export > CSV).
    Jira(ImportArgs),
    /// A Linear CSV export.
    Linear(ImportArgs),
    /// A Jekyll site (the folder with _config.yml) made into a rolebook site.
    Jekyll(SiteImportArgs),
    /// An mdBook (the folder with book.toml) made into a rolebook site.
    Mdbook(SiteImportArgs),
    /// A Hugo site (the folder with hugo.toml or config.toml) made into a rolebook site.
    Hugo(SiteImportArgs),
    /// A Docusaurus site (the folder with docusaurus.config.js) made into a rolebook site.
    Docusaurus(SiteImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct SiteImportArgs {
    /// The site to import; it is only read.
    pub src: PathBuf,
    /// The new site's folder (default: a folder named SRC-rolebook beside
    /// SRC); it must not exist or be empty.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// Where to write the backlog (default: content/team/backlog.toml).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The team name written into the file.
    #[arg(long)]
    pub team: Option<String>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// How to show things to the person at the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub color: bool,
    pub quiet: bool,
}

impl Printer {
    pub fn new(quiet: bool) -> Self {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Printer { color, quiet }
    }

    pub fn diagnostics(&self, diags: &Diagnostics) {
        for d in diags.iter() {
            if self.quiet && !d.is_error() {
                continue;
            }
            eprintln!("{}\n", d.render(self.color));
        }
        let errors = diags.errors().count();
        if errors > 0 {
            let word = if errors == 1 { "error" } else { "errors" };
            let label = if self.color {
                "\x1b[1;31merror\x1b[0m".to_string()
            } else {
                "error".to_string()
            };
            eprintln!("{label}: {errors} {word}; nothing was written");
        }
    }

    /// Notes: worth knowing, not problems (stderr, hidden by --quiet).
    pub fn notes(&self, notes: &[String]) {
        if self.quiet {
            return;
        }
        for note in notes {
            let label = if self.color {
                "\x1b[1;36mnote\x1b[0m"
            } else {
                "note"
            };
            eprintln!("{label}: {note}");
        }
    }

    pub fn info(&self, text: &str) {
        if !self.quiet {
            println!("{text}");
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let printer = Printer::new(cli.quiet);
    match run(cli, printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            printer.diagnostics(&diags);
            ExitCode::from(1)
        }
    }
}

pub fn run(cli: Cli, printer: Printer) -> Result<(), Diagnostics> {
    let project = Project::new(cli.root.clone());
    match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            relative_links,
        } => {
            let opts = BuildOptions {
                drafts,
                base_url,
                live_reload: false,
                relative_links: relative_links.then_some(true),
                target: crate::site::Target::Folder(output),
                cache: None,
                review_warnings: false,
            };
            let mut built = crate::site::build(&project, &opts)?;
            printer.diagnostics(&built.warnings);
            printer.notes(&built.notes);
            let dest = built
                .dest
                .clone()
                .unwrap_or_else(|| project.output_dir(&built.config));
            built
                .output
                .write_atomic(&dest)
                .map_err(Diagnostics::from)?;
            let s = built.stats;
            printer.info(&format!(
                "Built {} pages, {} sections, {} data files ({} files) into {} in {} ms",
                s.pages,
                s.sections,
                s.data_files,
                s.files,
                dest.display(),
                s.millis
            ));
            Ok(())
        }
        Command::Check { drafts } => {
            let opts = BuildOptions {
                drafts,
                target: crate::site::Target::Discard,
                review_warnings: true,
                ..BuildOptions::default()
            };
            let built = crate::site::build(&project, &opts)?;
            printer.diagnostics(&built.warnings);
            printer.notes(&built.notes);
            let s = built.stats;
            let warnings = built.warnings.len();
            printer.info(&format!(
                "Checked {} pages, {} sections, {} data files: no errors, {} warning{} ({} ms)",
                s.pages,
                s.sections,
                s.data_files,
                warnings,
                if warnings == 1 { "" } else { "s" },
                s.millis
            ));
            Ok(())
        }
        Command::Serve {
            port,
            bind,
            open,
            drafts,
            poll,
        } => crate::serve::run(
            &project,
            crate::serve::ServeOptions {
                port,
                bind,
                open,
                drafts,
                poll,
            },
            printer,
        ),
        Command::Init { dir } => {
            let dir = dir.unwrap_or_else(|| cli.root.clone());
            let written = crate::init::create(&dir).map_err(Diagnostics::from)?;
            printer.info(&format!(
                "Created a site in {} ({} files). Next: cd {} && rolebook serve",
                dir.display(),
                written,
                dir.display()
            ));
            Ok(())
        }
        Command::Import { source } => import(&project, source, printer),
        Command::Review { format, all } => {
            let report = crate::upkeep::report::review(&project, format, all)?;
            print!("{report}");
            Ok(())
        }
    }
}

fn import(project: &Project, source: ImportSource, printer: Printer) -> Result<(), Diagnostics> {
    use crate::migrate::Source;
    let (kind, args) = match source {
        ImportSource::Jira(a) => ("jira", a),
        ImportSource::Linear(a) => ("linear", a),
        ImportSource::Jekyll(a) => return import_site(Source::Jekyll, a, printer),
        ImportSource::Mdbook(a) => return import_site(Source::Mdbook, a, printer),
        ImportSource::Hugo(a) => return import_site(Source::Hugo, a, printer),
        ImportSource::Docusaurus(a) => return import_site(Source::Docusaurus, a, printer),
    };
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Diagnostics::from(crate::error::io_error(&args.file, &e)))?;
    let text = crate::content::decode(&args.file, bytes)?;
    let result = match kind {
        "linear" => crate::data::import::import_linear_csv(&text, args.team.as_deref()),
        _ => crate::data::import::import_jira_csv(&text, args.team.as_deref()),
    }
    .map_err(|d| Diagnostics::from(locate(d, &args.file)))?;
    let out = args
        .output
        .unwrap_or_else(|| project.content_dir().join("team").join("backlog.toml"));
    if out.exists() && !args.force {
        return Err(
            Diagnostic::error(Kind::Data, "the output file exists; nothing was written")
                .in_file(&out)
                .with_help("pass --force to replace it, or -o to write elsewhere")
                .into(),
        );
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostics::from(crate::error::io_error(parent, &e)))?;
    }
    std::fs::write(&out, &result.toml)
        .map_err(|e| Diagnostics::from(crate::error::io_error(&out, &e)))?;
    let skipped = result
        .skipped
        .iter()
        .map(|(line, reason)| (line, format!("row skipped: {reason}")));
    let notes = result.notes.iter().map(|(line, note)| (line, note.clone()));
    for (line, message) in skipped.chain(notes) {
        eprintln!(
            "{}",
            Diagnostic::warning(Kind::Data, message)
                .at(crate::error::Location::new(&args.file, *line, 0))
                .render(printer.color)
        );
    }
    printer.info(&format!(
        "Imported {} items into {} ({} rows skipped)",
        result.items,
        out.display(),
        result.skipped.len()
    ));
    Ok(())
}

/// `rolebook import jekyll|mdbook|hugo|docusaurus`: the report goes to
/// stdout; errors (a source of another kind, an output that exists) stop it
/// before anything is written.
fn import_site(
    source: crate::migrate::Source,
    args: SiteImportArgs,
    printer: Printer,
) -> Result<(), Diagnostics> {
    let report = crate::migrate::run(&crate::migrate::Options {
        source,
        src: args.src,
        out: args.output,
    })?;
    printer.info(report.render().trim_end());
    Ok(())
}

/// An import error without a file gets the CSV's path.
fn locate(mut d: Diagnostic, file: &std::path::Path) -> Diagnostic {
    match &mut d.location {
        Some(loc) if loc.path.as_os_str().is_empty() => loc.path = file.to_path_buf(),
        None => d.location = Some(crate::error::Location::new(file, 0, 0)),
        _ => {}
    }
    d
}
