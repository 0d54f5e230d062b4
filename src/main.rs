use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use kensa::diag::Diagnostics;
use kensa::pipeline::{self, BuildOptions};

mod inspect_cli;

/// Builds the website of MHLW's cybersecurity checklists, manuals and inspectors' guides.
#[derive(Parser)]
#[command(name = "kensa", version, about, long_about = None)]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from content/ and themes/ into public/.
    Build {
        /// The site's root folder (holding content/ and themes/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/public).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Load and validate the site, writing nothing. Exit status 1 lists every problem.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload open pages.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the served site (default: a temporary folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Port to listen on (127.0.0.1 only).
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Check filled answer files against the 立入検査の手引き. Files in one folder are one
    /// facility's return (its own form and its vendors' forms); folders are walked. Exit status:
    /// 0 when nothing fails, 1 when a finding is 不足 or a file cannot be read, 2 when the run
    /// cannot start or its output cannot be written.
    Inspect {
        /// Answer files (.json) exported from the checklist pages, or folders of them (walked:
        /// each folder holding files is one facility).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        source: DefinitionSource,
        /// Output format: text for one facility; json, jsonl or csv for many. csv is for Excel
        /// (UTF-8 with a BOM, CRLF, formulas defused); csv-plain is plain UTF-8 for DuckDB and
        /// scripts; jsonl is one finding per line.
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
        /// Also write every answer (one row per facility, file, item and round) to FILE as CSV,
        /// for DuckDB, Spark or BigQuery: Excel's flavour with --format csv, plain otherwise.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// The day the inspection is made (YYYY-MM-DD): 確認日 after it are errors. Default:
        /// today, in local time.
        #[arg(long, value_parser = parse_day)]
        today: Option<kensa::inspect::Day>,
    },
    /// Write one page (HTML, no script, prints on A4) of how a collection of returns stands:
    /// answers per item as bar charts with their tables, findings by rule, open items.
    Report {
        /// Answer files or folders of them, as for inspect.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        source: DefinitionSource,
        /// The page to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The day the report is made (YYYY-MM-DD): 目標日 before it have passed. Default: today.
        #[arg(long, value_parser = parse_day)]
        today: Option<kensa::inspect::Day>,
    },
    /// Carry answer files of an earlier edition over to edition TO, with the rules the form's
    /// import applies. Prints what each file's carry-over does; never overwrites a file.
    Migrate {
        /// Answer files (.json) of an earlier edition.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The edition to carry them over to (e.g. r6).
        #[arg(long)]
        to: String,
        /// Where to write the carried files (default: beside each file).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Editions of the checklists (令和5年度版, 令和6年度版, …).
    Edition {
        #[command(subcommand)]
        command: EditionCommand,
    },
    /// Create a new site skeleton in DIR that builds at once.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
    },
}

/// Where the checklist definitions come from: a published site, or the sources.
#[derive(clap::Args)]
struct DefinitionSource {
    /// The published site: its public/ folder, an unzipped copy, or kensa-site.zip itself.
    #[arg(long, value_name = "PATH", conflicts_with = "root")]
    site: Option<PathBuf>,
    /// The site's sources (the folder holding content/), when there is no --site.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

impl DefinitionSource {
    fn load(&self, color: bool) -> Option<(Box<dyn kensa::model::Definitions>, Option<String>)> {
        if let Some(site) = &self.site {
            return match kensa::published::load(site) {
                Ok(p) => {
                    let css = p.site_css.clone();
                    Some((Box::new(p), css))
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    None
                }
            };
        }
        match pipeline::load_site(&self.root) {
            Ok((site, _)) => Some((Box::new(site), None)),
            Err(diags) => {
                pipeline::print_diagnostics(diags, color, false);
                eprintln!("help: to inspect without the sources, give the published site with --site PATH");
                None
            }
        }
    }
}

#[derive(Subcommand)]
enum EditionCommand {
    /// Start next year's edition: copy every checklist of edition FROM into
    /// content/checklists/NEW/ and add NEW to content/site.yaml. Without --name and
    /// --fiscal-year, placeholders are written that `kensa check` refuses until filled in.
    New {
        /// Id of the new edition (e.g. r6); also its folder under content/checklists/.
        id: String,
        /// The edition to copy (e.g. r5).
        #[arg(long)]
        from: String,
        /// The edition's name as the ministry gives it (e.g. 令和6年度版).
        #[arg(long)]
        name: Option<String>,
        /// The Western year its 年度 begins in (令和6年度: 2024).
        #[arg(long, value_parser = clap::value_parser!(u32).range(2000..=2099))]
        fiscal_year: Option<u32>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InspectFormat {
    Text,
    Json,
    Jsonl,
    Csv,
    CsvPlain,
}

fn parse_day(s: &str) -> Result<kensa::inspect::Day, String> {
    kensa::inspect::Day::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date of the form YYYY-MM-DD between 2000 and 2099"))
}

fn report_cli(
    paths: &[PathBuf],
    defs: &dyn kensa::model::Definitions,
    site_css: Option<String>,
    out: &std::path::Path,
    today: kensa::inspect::Day,
    quiet: bool,
) -> ExitCode {
    match kensa::report::write(paths, defs, site_css.as_deref(), out, today) {
        Ok(summary) if summary.facilities == 0 => {
            eprintln!(
                "error: no files found under {}: give the answer files (.json) or the folders that hold them",
                inspect_cli::shown(paths)
            );
            ExitCode::from(2)
        }
        Ok(summary) => {
            if !quiet {
                eprintln!("{}", summary.line());
                eprintln!("wrote {}", out.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn migrate(
    root: &std::path::Path,
    files: &[PathBuf],
    to: &str,
    out: Option<&std::path::Path>,
    color: bool,
    quiet: bool,
) -> ExitCode {
    let site = match pipeline::load_site(root) {
        Ok((site, _)) => site,
        Err(diags) => {
            pipeline::print_diagnostics(diags, color, false);
            return ExitCode::FAILURE;
        }
    };
    if site.edition(to).is_none() {
        let known: Vec<_> = site.config.editions.iter().map(|e| e.id.as_str()).collect();
        eprintln!(
            "error: there is no edition `{to}` (editions: {})",
            known.join(", ")
        );
        return ExitCode::FAILURE;
    }
    let inputs: Vec<kensa::migrate::Input> = files
        .iter()
        .map(|path| kensa::migrate::Input {
            path: path.clone(),
            bytes: kensa::returns::read_answer_file(path),
        })
        .collect();
    let mut failed = false;
    for (input, outcome) in inputs
        .iter()
        .zip(kensa::migrate::run(&site, &inputs, to, out))
    {
        match outcome {
            Ok((path, summary)) => {
                if !quiet {
                    println!("{} → {}", input.path.display(), path.display());
                    for line in summary.lines() {
                        println!("  {line}");
                    }
                }
            }
            Err(message) => {
                failed = true;
                eprintln!("error: {}: {message}", input.path.display());
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn edition_new(opts: kensa::edition::NewEdition, color: bool, quiet: bool) -> ExitCode {
    match kensa::edition::new_edition(&opts) {
        Ok(created) => {
            if !quiet {
                println!(
                    "created edition {} from {}: {} checklist(s) in {}, and the edition in content/site.yaml",
                    opts.id,
                    opts.from,
                    created.files.len(),
                    opts.root.join("content/checklists").join(&opts.id).display()
                );
                if created.placeholders {
                    println!("fill in the edition's name and fiscal_year in content/site.yaml: `kensa check` refuses the placeholders until then");
                }
                println!("next: edit the new checklists (name merged, split or renumbered items in `replaces:`, mark new wording `reworded: true`), then run kensa check");
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            pipeline::print_diagnostics(diags, color, quiet);
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    let quiet = cli.quiet;
    match cli.command {
        Command::Build { root, out } => build(root, out, color, quiet),
        Command::Check { root } => check(&root, color, quiet),
        Command::Serve { root, out, port } => {
            // A private folder by default, so public/ never carries the live-reload script.
            let temporary = out.is_none();
            let out = out.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("kensa-serve-{}", std::process::id()))
            });
            done(kensa::serve::serve(root, out, port, quiet, temporary))
        }
        Command::Inspect {
            paths,
            source,
            format,
            answers,
            today,
        } => {
            let Some((defs, _)) = source.load(color) else {
                return ExitCode::from(2);
            };
            let run = inspect_cli::Run {
                paths: &paths,
                defs: defs.as_ref(),
                today: today.unwrap_or_else(kensa::inspect::Day::today),
                format,
                answers: answers.as_deref(),
                quiet,
            };
            run.exit_code(run.start())
        }
        Command::Report {
            paths,
            source,
            out,
            today,
        } => {
            let today = today.unwrap_or_else(kensa::inspect::Day::today);
            let Some((defs, css)) = source.load(color) else {
                return ExitCode::from(2);
            };
            report_cli(&paths, defs.as_ref(), css, &out, today, quiet)
        }
        Command::Migrate {
            files,
            to,
            out,
            root,
        } => migrate(&root, &files, &to, out.as_deref(), color, quiet),
        Command::Edition {
            command:
                EditionCommand::New {
                    id,
                    from,
                    name,
                    fiscal_year,
                    root,
                },
        } => edition_new(
            kensa::edition::NewEdition {
                root,
                id,
                from,
                name,
                fiscal_year,
            },
            color,
            quiet,
        ),
        Command::Init { dir } => {
            let made = kensa::init::init(&dir);
            if made.is_ok() && !quiet {
                println!(
                    "created a new site in {}; build it with: kensa build --root {}",
                    dir.display(),
                    dir.display()
                );
            }
            done(made)
        }
    }
}

/// Exit status of a command whose only output on failure is its error.
fn done<E: std::fmt::Display>(result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn build(root: PathBuf, out: Option<PathBuf>, color: bool, quiet: bool) -> ExitCode {
    let out = out.unwrap_or_else(|| root.join("public"));
    let options = BuildOptions {
        root,
        out: out.clone(),
        live_reload: false,
    };
    match pipeline::build(&options) {
        Ok(report) => {
            let warnings = report.warnings.len();
            let items = report.warnings;
            pipeline::print_diagnostics(Diagnostics { items }, color, quiet);
            if !quiet {
                let counted = if warnings > 0 {
                    format!(", {warnings} warning(s)")
                } else {
                    String::new()
                };
                println!(
                    "built {} pages ({} files) into {} in {:.2} s{counted}",
                    report.pages,
                    report.files,
                    out.display(),
                    report.elapsed.as_secs_f64(),
                );
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            pipeline::print_diagnostics(diags, color, quiet);
            ExitCode::FAILURE
        }
    }
}

fn check(root: &std::path::Path, color: bool, quiet: bool) -> ExitCode {
    match pipeline::check(root) {
        Ok((site, warnings)) => {
            let n = warnings.len();
            pipeline::print_diagnostics(Diagnostics { items: warnings }, color, quiet);
            if !quiet {
                println!(
                    "ok: {} pages, {} checklists, {} manuals, {n} warning(s)",
                    site.pages.len(),
                    site.checklists.len(),
                    site.manuals.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            pipeline::print_diagnostics(diags, color, quiet);
            ExitCode::FAILURE
        }
    }
}
