use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Create a new site skeleton in DIR that builds at once.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
    },
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
                    for w in report.warnings {
                        eprint!("{}", w.render(color));
                    }
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
                    pipeline::print_diagnostics(diags, color);
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { root } => match pipeline::check(&root) {
            Ok((site, warnings)) => {
                let n = warnings.len();
                for w in warnings {
                    eprint!("{}", w.render(color));
                }
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
                pipeline::print_diagnostics(diags, color);
                ExitCode::FAILURE
            }
        },
        Command::Serve { root, out, port } => {
            // A private folder by default, so public/ never carries the live-reload script.
            let out = out.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("kensa-serve-{}", std::process::id()))
            });
            match kensa::serve::serve(root, out, port, cli.quiet) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
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
