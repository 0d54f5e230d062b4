//! Build diagnostics: every problem names its file, line and column, says what is wrong and what
//! would fix it. Stages collect diagnostics instead of stopping at the first one, so a maintainer
//! sees every mistake in one run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use serde::Serialize;

/// Whether a problem stops the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build fails; nothing is written.
    Error,
    /// Printed, and the build goes on.
    Warning,
}

/// A place in a source file. Lines and columns are 1-based, as editors show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// As shown to the user: relative to the site root for content files.
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, counted in characters, not bytes.
    pub column: usize,
    /// Byte range in the file, for the source snippet.
    #[serde(skip)]
    pub span: Option<(usize, usize)>,
}

/// One problem: what is wrong, where, and what would fix it.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where; `None` when the problem lies in no one file.
    pub location: Option<Location>,
    /// What would fix it.
    pub help: Option<String>,
    /// The file's text, for the snippet under the message.
    #[serde(skip)]
    pub source_text: Option<Arc<str>>,
}

impl Diagnostic {
    /// An error with no location yet; add one with `at_offset`, `at_line_col` or `in_file`.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            help: None,
            source_text: None,
        }
    }

    /// A warning with no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Adds what would fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points at a byte offset of a source file; line and column are derived from the text.
    pub fn at_offset(mut self, file: &SourceFile, offset: usize, len: usize) -> Self {
        let offset = offset.min(file.text.len());
        let (line, column) = line_col(&file.text, offset);
        self.location = Some(Location {
            file: file.rel_path.clone(),
            line,
            column,
            span: Some((offset, len.min(file.text.len() - offset))),
        });
        self.source_text = Some(file.text.clone());
        self
    }

    /// Points at a 1-based line and column of a source file.
    pub fn at_line_col(self, file: &SourceFile, line: usize, column: usize) -> Self {
        let offset = offset_of(&file.text, line, column);
        let len = file.text[offset..]
            .find('\n')
            .unwrap_or(file.text.len() - offset);
        self.at_offset(file, offset, len)
    }

    /// Points at a file as a whole (no useful position is known).
    pub fn in_file(mut self, path: &Path) -> Self {
        self.location = Some(Location {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            span: None,
        });
        self
    }

    /// Whether the diagnostic stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, the form editors and CI logs turn into links.
    pub fn position(&self) -> Option<String> {
        self.location.as_ref().map(|l| {
            format!(
                "{}:{}:{}",
                l.file.to_string_lossy().replace('\\', "/"),
                l.line,
                l.column
            )
        })
    }

    /// Plain text rendering: a header line with the position, then a source snippet.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = shorten(&self.message);
        match self.position() {
            Some(pos) => {
                let _ = writeln!(out, "{label}: {pos}: {message}");
            }
            None => {
                let _ = writeln!(out, "{label}: {message}");
            }
        }
        if let (Some(loc), Some(text)) = (&self.location, &self.source_text) {
            if let Some((start, len)) = loc.span {
                // The message and position are in our header line; miette draws the snippet.
                let (shown, start, len) = excerpt(text, start, len);
                let mut md = MietteDiagnostic::new("");
                md = md.with_label(LabeledSpan::at(start..start + len.max(1), "here"));
                let file_name = loc.file.to_string_lossy().replace('\\', "/");
                let source = NamedSource::new(file_name.clone(), shown);
                let report = miette::Report::new(md).with_source_code(source);
                let theme = if color {
                    GraphicalTheme::unicode()
                } else {
                    GraphicalTheme::unicode_nocolor()
                };
                let handler = GraphicalReportHandler::new_themed(theme)
                    .with_context_lines(1)
                    .with_width(100);
                let mut snippet = String::new();
                if handler.render_report(&mut snippet, report.as_ref()).is_ok() {
                    let mut in_snippet = false;
                    for l in snippet.lines() {
                        if let Some(i) = l.find("╭─[") {
                            in_snippet = true;
                            // miette counts columns in bytes; our header already has the position.
                            out.push_str(&format!("{}╭─[{file_name}]\n", &l[..i]));
                            continue;
                        }
                        if in_snippet && !l.trim().is_empty() {
                            out.push_str(l);
                            out.push('\n');
                        }
                    }
                }
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  help: {}", shorten(help));
        }
        out
    }
}

/// A message quoting a huge value (serde_yaml quotes a wrongly typed value whole) is cut: the
/// position and the snippet say where the value is.
fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 600;
    match text.char_indices().nth(MAX) {
        None => text.into(),
        Some((at, _)) => format!("{}… ({} more bytes)", &text[..at], text.len() - at).into(),
    }
}

/// Characters of a line shown around a span; a longer line is cut, so that a message about a
/// 50,000-character line (or a huge expanded YAML value) stays a few lines long.
const SHOWN_CHARS: usize = 120;

/// The text the snippet is drawn from: blank lines standing for the lines above (so that line
/// numbers stay right), then the line before, the span's line and the line after, each cut to
/// [`SHOWN_CHARS`] around the span. Returns the text and the span within it.
fn excerpt(text: &str, start: usize, len: usize) -> (String, usize, usize) {
    let start = start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_index = text[..line_start].matches('\n').count();
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let before = text[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .filter(|_| line_index > 0);
    let after = text.get(line_end + 1..).and_then(|t| t.split('\n').next());
    let cut = |line: &str| line.chars().take(SHOWN_CHARS).collect::<String>();
    // On the span's line: from a little before the span, as many characters as fit.
    let col = text[line_start..start].chars().count();
    let from_char = col.saturating_sub(SHOWN_CHARS / 4);
    let line = &text[line_start..line_end];
    let from = line
        .char_indices()
        .nth(from_char)
        .map_or(line.len(), |(i, _)| i);
    let shown_line: String = line[from..].chars().take(SHOWN_CHARS).collect();
    let mut out = "\n".repeat(line_index.saturating_sub(1));
    if let Some(b) = before {
        out.push_str(&cut(b));
        out.push('\n');
    }
    let span_start = out.len() + (start - line_start - from);
    out.push_str(&shown_line);
    let span_len = len.min(out.len() - span_start.min(out.len()));
    if let Some(a) = after {
        out.push('\n');
        out.push_str(&cut(a));
        out.push('\n');
    }
    let span_start = span_start.min(out.len());
    (out, span_start, span_len)
}

/// A loaded content file. Text is shared so diagnostics can quote it without copying.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/checklists/r5/yakkyoku.yaml`.
    pub rel_path: PathBuf,
    /// The whole file, shared by every diagnostic that quotes it.
    pub text: Arc<str>,
}

impl SourceFile {
    /// The path below `content/`, `/`-separated: what links and URLs are made from.
    pub fn content_rel(&self) -> String {
        let p = self
            .rel_path
            .strip_prefix("content")
            .unwrap_or(&self.rel_path);
        p.to_string_lossy().replace('\\', "/")
    }

    /// A file at `rel_path` (relative to the site root) holding `text`.
    pub fn new(rel_path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            rel_path: rel_path.into(),
            text: text.into(),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Byte offset of a 1-based line and column (in characters); the end of `text` when past it.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + col_bytes;
        }
        offset += l.len();
    }
    text.len()
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Finds where `key: value` is written in a YAML file, for diagnostics about values that
/// serde has already turned into plain structs (serde_yaml keeps no spans).
/// `nth` picks among repeated occurrences (0-based).
pub fn locate_key_value(text: &str, key: &str, value: &str, nth: usize) -> Option<usize> {
    let mut seen = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start().trim_start_matches("- ");
        if let Some(rest) = trimmed.strip_prefix(key) {
            if let Some(rest) = rest.strip_prefix(':') {
                let v = rest.trim().trim_matches(|c| c == '"' || c == '\'');
                if v == value {
                    if seen == nth {
                        let col = line.len() - trimmed.len();
                        return Some(offset + col);
                    }
                    seen += 1;
                }
            }
        }
        offset += line.len();
    }
    None
}

/// Finds the first occurrence of a literal string (for values inside lists and Markdown).
pub fn locate_text(text: &str, needle: &str, nth: usize) -> Option<usize> {
    text.match_indices(needle).nth(nth).map(|(i, _)| i)
}

/// A growing list of problems found by one stage.
#[derive(Debug, Default)]
pub struct Diagnostics {
    /// In the order found; `sorted` orders them for printing.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    /// Adds every problem of another stage.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    /// How many problems are errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    /// How many problems are warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    /// Sorted by file and position so the output is stable between runs.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line, l.column))
            };
            key(a).cmp(&key(b))
        });
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a: 1\nタイトル: x\n";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (2, 7));
        assert_eq!(offset_of(text, 2, 7), off);
    }

    #[test]
    fn locate_key_value_finds_nth_occurrence() {
        let text = "items:\n  - id: a\n  - id: b\n  - id: a\n";
        let first = locate_key_value(text, "id", "a", 0).unwrap();
        let second = locate_key_value(text, "id", "a", 1).unwrap();
        assert_eq!(line_col(text, first), (2, 5));
        assert_eq!(line_col(text, second), (4, 5));
        assert!(locate_key_value(text, "id", "c", 0).is_none());
    }

    #[test]
    fn huge_messages_are_cut() {
        let d = Diagnostic::error(format!(
            "invalid type: string \"{}\"",
            "x".repeat(1_000_000)
        ));
        let shown = d.render(false);
        assert!(shown.len() < 1_000, "{} bytes", shown.len());
        assert!(shown.contains("more bytes)"), "{shown}");
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = format!("{}ここ{}", "あ".repeat(20_000), "い".repeat(20_000));
        let text = format!("title: x\n{line}\nnext: y\n");
        let file = SourceFile::new("content/x.md", text.clone());
        let at = text.find("ここ").unwrap();
        let shown = Diagnostic::error("bad")
            .at_offset(&file, at, 6)
            .render(false);
        assert!(
            shown.starts_with("error: content/x.md:2:20001: bad"),
            "{shown}"
        );
        assert!(shown.contains("ここ") && shown.contains(" 2 │"), "{shown}");
        assert!(shown.len() < 2_000, "{} bytes", shown.len());
        let (ex, start, len) = excerpt(&text, at, 6);
        assert_eq!(&ex[start..start + len], "ここ");
    }

    #[test]
    fn render_names_file_line_and_column() {
        let file = SourceFile::new("content/x.yaml", "title: a\nbad: 1\n");
        let d = Diagnostic::error("unknown key `bad`")
            .at_line_col(&file, 2, 1)
            .with_help("remove it");
        let text = d.render(false);
        assert!(
            text.starts_with("error: content/x.yaml:2:1: unknown key `bad`"),
            "{text}"
        );
        assert!(text.contains("bad: 1"), "{text}");
        assert!(text.contains("help: remove it"), "{text}");
    }
}
