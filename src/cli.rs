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
        /// Treat every warning as an error (exit 1, nothing written), for CI.
        #[arg(long)]
        strict: bool,
    },
    /// Check everything a build checks, writing nothing.
    Check {
        #[arg(long)]
        drafts: bool,
        /// Treat every warning as an error (exit 1), for CI.
        #[arg(long)]
        strict: bool,
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
    /// Create a new site that builds at once; in a folder that already
    /// holds Markdown, write only rolebook.toml.
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
    /// Where to write the backlog, a .toml file (default: content/team/backlog.toml);
    /// sprints.toml is written beside it.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The team name written into the file.
    #[arg(long)]
    pub team: Option<String>,
    /// Replace the output files (backlog and sprints) if they exist.
    #[arg(long)]
    pub force: bool,
    /// Map tracker statuses (or resolutions): "Won't Do=dropped,Waiting for customer=blocked".
    /// Targets: backlog, ready, in-progress, review, done, blocked, dropped.
    #[arg(long, value_name = "MAP")]
    pub status_map: Vec<String>,
    /// Import the readable rows of a malformed CSV, listing each row skipped.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Do not write the sprints file beside the backlog.
    #[arg(long)]
    pub no_sprints: bool,
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
            strict,
        } => {
            let opts = BuildOptions {
                drafts,
                base_url,
                relative_links: relative_links.then_some(true),
                target: crate::site::Target::Folder(output),
                ..BuildOptions::default()
            };
            let mut built = crate::site::build(&project, &opts).map_err(|d| strictly(d, strict))?;
            if strict && !built.warnings.is_empty() {
                return Err(std::mem::take(&mut built.warnings).strict());
            }
            printer.diagnostics(&built.warnings);
            printer.notes(&built.notes);
            let dest = built
                .dest
                .clone()
                .unwrap_or_else(|| project.output_dir(&built.config));
            let kept = built
                .output
                .write_atomic(&dest)
                .map_err(Diagnostics::from)?;
            printer.diagnostics(&kept);
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
        Command::Check { drafts, strict } => {
            let opts = BuildOptions {
                drafts,
                target: crate::site::Target::Discard,
                review_warnings: true,
                ..BuildOptions::default()
            };
            let built = crate::site::build(&project, &opts).map_err(|d| strictly(d, strict))?;
            if strict && !built.warnings.is_empty() {
                return Err(built.warnings.strict());
            }
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
            match crate::init::create(&dir).map_err(Diagnostics::from)? {
                crate::init::Created::Site(written) => printer.info(&format!(
                    "Created a site in {} ({} files). Next: cd {} && rolebook serve",
                    dir.display(),
                    written,
                    dir.display()
                )),
                crate::init::Created::ConfigFor { content_dir, pages } => printer.info(&format!(
                    "Found {pages} Markdown file{} in {}: wrote only {} with content_dir = {content_dir:?}, and no starter pages. Next: cd {} && rolebook serve",
                    if pages == 1 { "" } else { "s" },
                    if content_dir == "." { dir.display().to_string() } else { dir.join(&content_dir).display().to_string() },
                    dir.join(crate::config::FILE_NAME).display(),
                    dir.display()
                )),
            }
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
    use crate::data::import::{self, ImportOptions};
    use crate::migrate::Source;
    type ImportCsv = fn(&str, &ImportOptions) -> Result<import::ImportResult, Vec<Diagnostic>>;
    let (import_csv, args): (ImportCsv, _) = match source {
        ImportSource::Jira(a) => (import::import_jira_csv, a),
        ImportSource::Linear(a) => (import::import_linear_csv, a),
        ImportSource::Jekyll(a) => return import_site(Source::Jekyll, a, printer),
        ImportSource::Mdbook(a) => return import_site(Source::Mdbook, a, printer),
        ImportSource::Hugo(a) => return import_site(Source::Hugo, a, printer),
        ImportSource::Docusaurus(a) => return import_site(Source::Docusaurus, a, printer),
    };
    let located = |ds: Vec<Diagnostic>| -> Diagnostics {
        ds.into_iter().map(|d| locate(d, &args.file)).collect()
    };
    let options = ImportOptions {
        team: args.team.clone(),
        status_map: ImportOptions::parse_status_map(&args.status_map)?,
        skip_bad_rows: args.skip_bad_rows,
    };
    let bytes = std::fs::read(&args.file)
        .map_err(|e| Diagnostics::from(crate::error::io_error(&args.file, &e)))?;
    let text = import::decode(&bytes).map_err(|d| located(vec![d]))?;
    let result = import_csv(&text, &options).map_err(located)?;
    let config = crate::site::load_config(project, &BuildOptions::default()).unwrap_or_default();
    let content_dir = project.content_dir(&config);
    let out = args
        .output
        .unwrap_or_else(|| content_dir.join("team").join("backlog.toml"));
    if out.extension().and_then(|e| e.to_str()) != Some("toml") {
        return Err(Diagnostic::error(
            Kind::Data,
            format!(
                "the backlog is written as TOML, so -o must name a .toml file, not {}",
                out.display()
            ),
        )
        .with_help("e.g. -o content/team/backlog.toml")
        .into());
    }
    let sprints_out = out.with_file_name("sprints.toml");
    let mut files = vec![(out.clone(), result.toml.as_str())];
    let sprints = result.sprints_toml.as_deref().filter(|_| !args.no_sprints);
    if let Some(text) = sprints {
        if sprints_out == out {
            return Err(Diagnostic::error(
                Kind::Data,
                "the backlog cannot be written to sprints.toml: the sprints file goes there",
            )
            .in_file(&out)
            .with_help("name the backlog file otherwise, or pass --no-sprints")
            .into());
        }
        files.push((sprints_out.clone(), text));
    }
    let mut targets = vec![(out.clone(), "backlog")];
    if sprints.is_some() {
        targets.push((sprints_out.clone(), "sprints"));
    }
    let clashes = import::write::clashes(&targets);
    if !clashes.is_empty() {
        return Err(Diagnostics::from_iter(clashes));
    }
    let errors = import::write::site_errors(&content_dir, &files);
    if !errors.is_empty() {
        return Err(Diagnostics::from_iter(errors));
    }
    import::write::write_all(&files, args.force).map_err(Diagnostics::from_iter)?;
    for (line, message) in result
        .skipped
        .iter()
        .map(|(l, r)| (l, format!("row skipped: {r}")))
    {
        warn(&args.file, *line, message, printer);
    }
    for (line, note) in &result.notes {
        warn(&args.file, *line, note.clone(), printer);
    }
    let check = if args.no_sprints && result.sprints > 0 {
        vec![format!(
            "items name {} sprints and no sprints file was written (--no-sprints): \
             the site's sprints files must hold those numbers, or the build fails",
            result.sprints
        )]
    } else {
        result.check_by_hand.clone()
    };
    let sprints = sprints.map(|_| sprints_out.as_path());
    printer.info(&import_report(&result, &check, &out, sprints));
    Ok(())
}

fn warn(file: &std::path::Path, line: usize, message: String, printer: Printer) {
    let d = Diagnostic::warning(Kind::Data, message);
    let d = if line == 0 {
        d
    } else {
        d.at(crate::error::Location::new(file, line, 0))
    };
    eprintln!("{}", d.render(printer.color));
}

/// What an import did, row by row and column by column.
fn import_report(
    r: &crate::data::import::ImportResult,
    check: &[String],
    out: &std::path::Path,
    sprints: Option<&std::path::Path>,
) -> String {
    let mut text = format!("Imported {} items into {}", r.items, out.display());
    if let Some(s) = sprints {
        text.push_str(&format!(" and {} sprints into {}", r.sprints, s.display()));
    }
    text.push_str(&format!(
        "\nRead {} rows (lines {}-{}): {} imported, {} dropped, {} skipped; {} done points\n",
        r.rows,
        r.first_line,
        r.last_line,
        r.items,
        r.dropped.len(),
        r.skipped.len(),
        r.done_points
    ));
    if !r.dropped.is_empty() {
        text.push_str("Dropped (not in the backlog):\n");
        for d in &r.dropped {
            text.push_str(&format!("  line {}: {}: {}\n", d.line, d.key, d.reason));
        }
    }
    if !check.is_empty() {
        text.push_str("Check by hand:\n");
        for c in check {
            text.push_str(&format!("  - {c}\n"));
        }
    }
    text.push_str(&format!("Columns used: {}\n", r.columns_used.join(", ")));
    let ignored = crate::data::import::column_list(&r.columns_ignored);
    let ignored = if ignored.is_empty() {
        "none".to_owned()
    } else {
        ignored
    };
    text.push_str(&format!("Columns ignored: {ignored}"));
    text
}

/// With `--strict`, the warnings of a failed build are errors too.
fn strictly(diags: Diagnostics, strict: bool) -> Diagnostics {
    if strict { diags.strict() } else { diags }
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
