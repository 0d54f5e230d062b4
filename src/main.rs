use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use kensa::diag::Diagnostics;
use kensa::pipeline::{self, BuildOptions};

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
    /// facility's return (its own form and its vendors' forms). Exit status 1 when anything fails.
    Inspect {
        /// Answer files (.json) exported from the checklist pages.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format: text for one facility, json or csv for many. csv is for Excel (UTF-8
        /// with a BOM, CRLF, formulas defused); csv-plain is plain UTF-8 for DuckDB and scripts.
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
        /// The day the inspection is made (YYYY-MM-DD): 確認日 after it are errors. Default:
        /// today, in local time.
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

#[derive(Clone, Copy, clap::ValueEnum)]
enum InspectFormat {
    Text,
    Json,
    Csv,
    CsvPlain,
}

fn parse_day(s: &str) -> Result<kensa::inspect::Day, String> {
    kensa::inspect::Day::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date of the form YYYY-MM-DD between 2000 and 2099"))
}

type AnswerInput = Result<Vec<u8>, String>;

/// One answer file's bytes, or why it was not read: a special file (a FIFO would block for
/// ever), one over the size limit, or a read error. One bad path never stops the others.
fn read_answer_file(path: &std::path::Path) -> AnswerInput {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| format!("読めません（{e}）。"))?;
    if !meta.is_file() {
        return Err("通常のファイルではないため、読み飛ばしました（フォルダ・名前付きパイプ・デバイスなど）。".into());
    }
    let limit = kensa::answers::MAX_FILE_BYTES as u64;
    if meta.len() > limit {
        return Err(kensa::answers::too_large_message(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("読めません（{e}）。"))?;
    Ok(bytes)
}

fn inspect(
    root: &std::path::Path,
    files: &[PathBuf],
    format: InspectFormat,
    today: kensa::inspect::Day,
    color: bool,
) -> ExitCode {
    let site = match pipeline::load_site(root) {
        Ok((site, _)) => site,
        Err(diags) => {
            pipeline::print_diagnostics(diags, color, false);
            return ExitCode::FAILURE;
        }
    };
    // Files in one folder belong to one facility.
    let mut groups: std::collections::BTreeMap<String, Vec<(String, AnswerInput)>> =
        Default::default();
    for f in files {
        let facility = f
            .parent()
            .map(|p| p.display().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into());
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| f.display().to_string());
        groups
            .entry(facility)
            .or_default()
            .push((name, read_answer_file(f)));
    }
    let reports: Vec<(String, kensa::inspect::Report)> = groups
        .into_iter()
        .map(|(facility, inputs)| {
            let mut problems = Vec::new();
            let mut files = Vec::new();
            for (name, input) in inputs {
                match input {
                    Ok(bytes) => files.push((name, bytes)),
                    Err(message) => problems.push(kensa::inspect::unreadable_file(&name, message)),
                }
            }
            let mut report = kensa::inspect::inspect(&site, &files, today);
            problems.append(&mut report.findings);
            report.findings = problems;
            (facility, report)
        })
        .collect();
    match format {
        InspectFormat::Text => {
            for (facility, report) in &reports {
                print!("{}", kensa::inspect::to_text(facility, report));
            }
        }
        InspectFormat::Json => {
            let value: Vec<_> = reports
                .iter()
                .map(|(facility, r)| serde_json::json!({"facility": facility, "failed": r.failed(), "findings": r.findings}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        }
        InspectFormat::Csv => print!(
            "{}",
            kensa::inspect::to_csv(&reports, kensa::inspect::CsvFlavour::Excel)
        ),
        InspectFormat::CsvPlain => print!(
            "{}",
            kensa::inspect::to_csv(&reports, kensa::inspect::CsvFlavour::Plain)
        ),
    }
    if reports.iter().any(|(_, r)| r.failed()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
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
            bytes: read_answer_file(path),
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
    match cli.command {
        Command::Build { root, out } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            match pipeline::build(&BuildOptions {
                root,
                out: out.clone(),
                live_reload: false,
            }) {
                Ok(report) => {
                    let warnings = report.warnings.len();
                    pipeline::print_diagnostics(
                        Diagnostics {
                            items: report.warnings,
                        },
                        color,
                        cli.quiet,
                    );
                    if !cli.quiet {
                        println!(
                            "built {} pages ({} files) into {} in {:.2} s{}",
                            report.pages,
                            report.files,
                            out.display(),
                            report.elapsed.as_secs_f64(),
                            if warnings > 0 {
                                format!(", {warnings} warning(s)")
                            } else {
                                String::new()
                            }
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    pipeline::print_diagnostics(diags, color, cli.quiet);
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { root } => match pipeline::check(&root) {
            Ok((site, warnings)) => {
                let n = warnings.len();
                pipeline::print_diagnostics(Diagnostics { items: warnings }, color, cli.quiet);
                if !cli.quiet {
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
                pipeline::print_diagnostics(diags, color, cli.quiet);
                ExitCode::FAILURE
            }
        },
        Command::Serve { root, out, port } => {
            // A private folder by default, so public/ never carries the live-reload script.
            let temporary = out.is_none();
            let out = out.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("kensa-serve-{}", std::process::id()))
            });
            match kensa::serve::serve(root, out, port, cli.quiet, temporary) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Inspect {
            files,
            root,
            format,
            today,
        } => {
            let today = today.unwrap_or_else(kensa::inspect::Day::today);
            inspect(&root, &files, format, today, color)
        }
        Command::Migrate {
            files,
            to,
            out,
            root,
        } => migrate(&root, &files, &to, out.as_deref(), color, cli.quiet),
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
            cli.quiet,
        ),
        Command::Init { dir } => match kensa::init::init(&dir) {
            Ok(()) => {
                if !cli.quiet {
                    println!(
                        "created a new site in {}; build it with: kensa build --root {}",
                        dir.display(),
                        dir.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
