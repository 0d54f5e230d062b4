//! `kensa inspect` on the command line (part of the binary, not the library): walks the returns,
//! streams findings to stdout and answers to `--answers FILE` as facilities are judged, draws
//! a progress bar on a terminal, and ends with a summary line on stderr.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kensa::inspect::{Day, Report};
use kensa::model::Definitions;
use kensa::returns::{self, Summary};
use kensa::tables::{self, CsvFlavour};

use crate::InspectFormat;

pub struct Run<'a> {
    pub paths: &'a [PathBuf],
    pub defs: &'a dyn Definitions,
    pub today: Day,
    pub format: InspectFormat,
    pub answers: Option<&'a Path>,
    pub quiet: bool,
}

/// What one facility adds to each output, formatted in parallel.
struct Chunk {
    findings: String,
    answers: String,
}

impl Run<'_> {
    /// Runs the inspection; the summary, or what stopped the run.
    pub fn start(&self) -> Result<Summary, String> {
        let stdout = std::io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let mut answers = match self.answers {
            Some(path) => Some(AnswersFile::create(path, self.flavour())?),
            None => None,
        };
        let progress = self.progress();
        out.write_all(self.start_text().as_bytes())
            .map_err(stdout_error)?;
        let mut first = true;
        let summary = returns::run(
            self.paths,
            self.defs,
            self.today,
            answers.is_some(),
            |facility, report| self.chunk(facility, report),
            |chunk, files| {
                if self.format == InspectFormat::Json && !chunk.findings.is_empty() {
                    out.write_all(if first { b"\n" } else { b",\n" })?;
                    first = false;
                }
                out.write_all(chunk.findings.as_bytes())?;
                if let Some(a) = answers.as_mut() {
                    a.write(&chunk.answers)?;
                }
                progress.inc(files as u64);
                Ok(())
            },
        )
        .map_err(stdout_error)?;
        progress.finish_and_clear();
        if self.format == InspectFormat::Json {
            out.write_all(b"\n]\n").map_err(stdout_error)?;
        }
        out.flush().map_err(stdout_error)?;
        if let Some(a) = answers {
            a.finish()?;
        }
        Ok(summary)
    }

    pub fn exit_code(&self, result: Result<Summary, String>) -> ExitCode {
        match result {
            Ok(summary) if summary.facilities == 0 => {
                eprintln!("error: no files found under {}: give the answer files (.json) or the folders that hold them", shown(self.paths));
                ExitCode::from(2)
            }
            Ok(summary) => {
                if !self.quiet {
                    eprintln!("{}", summary.line());
                }
                ExitCode::from(u8::from(summary.failed()))
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        }
    }

    fn flavour(&self) -> CsvFlavour {
        if self.format == InspectFormat::Csv {
            CsvFlavour::Excel
        } else {
            CsvFlavour::Plain
        }
    }

    /// What stdout starts with: the CSV header, the JSON array's bracket.
    fn start_text(&self) -> String {
        match self.format {
            InspectFormat::Csv | InspectFormat::CsvPlain => {
                self.flavour().header(&tables::FINDING_COLUMNS)
            }
            InspectFormat::Json => "[".into(),
            InspectFormat::Text | InspectFormat::Jsonl => String::new(),
        }
    }

    fn chunk(&self, facility: &str, report: &Report) -> Chunk {
        let mut findings = String::new();
        match self.format {
            InspectFormat::Text => findings = kensa::inspect::to_text(facility, report),
            InspectFormat::Json => {
                let value = serde_json::json!({
                    "facility": facility,
                    "failed": report.failed(),
                    "findings": report.findings,
                });
                findings = serde_json::to_string_pretty(&value).unwrap_or_default();
            }
            InspectFormat::Jsonl => tables::jsonl_findings(facility, report, &mut findings),
            InspectFormat::Csv | InspectFormat::CsvPlain => {
                tables::csv_findings(facility, report, self.flavour(), &mut findings)
            }
        }
        let mut answers = String::new();
        if self.answers.is_some() {
            tables::csv_answers(facility, report, self.flavour(), &mut answers);
        }
        Chunk { findings, answers }
    }

    /// A spinner with the count and rate of files, on a terminal only (a file or a pipe gets
    /// nothing but the results), redrawn a few times a second at most.
    fn progress(&self) -> ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(5));
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {human_pos} ファイル（{per_sec}）{elapsed}")
        {
            bar.set_style(style);
        }
        bar
    }
}

/// The paths a run was given, for a message.
pub fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn stdout_error(e: std::io::Error) -> String {
    format!("cannot write the results ({e})")
}

/// `--answers FILE`, written beside its final name and renamed into place once whole, so a
/// failed or interrupted run never leaves a table that looks complete but is not. A device or a
/// FIFO (`/dev/stdout`, a pipe to a loader) is written straight.
struct AnswersFile {
    path: PathBuf,
    /// The hidden file being written and where it goes, unless written straight.
    partial: Option<(PathBuf, PathBuf)>,
    out: Option<BufWriter<File>>,
}

impl AnswersFile {
    fn create(path: &Path, flavour: CsvFlavour) -> Result<Self, String> {
        let fail = |e: std::io::Error| format!("--answers {}: cannot write ({e})", path.display());
        let partial = match kensa::output::rename_target(path).map_err(fail)? {
            Some(target) => Some((kensa::output::partial_path(&target).map_err(fail)?, target)),
            None => None,
        };
        let file = match &partial {
            Some((hidden, _)) => File::create(hidden),
            None => std::fs::OpenOptions::new().write(true).open(path),
        }
        .map_err(fail)?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        out.write_all(flavour.header(&tables::ANSWER_COLUMNS).as_bytes())
            .map_err(fail)?;
        Ok(AnswersFile {
            path: path.to_path_buf(),
            partial,
            out: Some(out),
        })
    }

    fn write(&mut self, text: &str) -> std::io::Result<()> {
        match self.out.as_mut() {
            Some(out) => out.write_all(text.as_bytes()),
            None => Ok(()),
        }
    }

    fn finish(mut self) -> Result<(), String> {
        let path = self.path.display().to_string();
        let fail = |e: std::io::Error| format!("--answers {path}: cannot write ({e})");
        let Some(out) = self.out.take() else {
            return Ok(());
        };
        let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
        if let Some((hidden, target)) = self.partial.take() {
            file.sync_all().map_err(fail)?;
            if let Err(e) = std::fs::rename(&hidden, target) {
                let _ = std::fs::remove_file(&hidden);
                return Err(fail(e));
            }
        }
        Ok(())
    }
}

impl Drop for AnswersFile {
    fn drop(&mut self) {
        // Only a run that failed gets here with a hidden file still to remove.
        if let Some((hidden, _)) = &self.partial {
            let _ = std::fs::remove_file(hidden);
        }
    }
}
