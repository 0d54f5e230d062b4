//! The one place that talks to the YAML library. serde_yaml is archived upstream; keeping every
//! call here means a maintained fork can replace it by changing this file and Cargo.toml.

use crate::kit::edit_distance;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, SourceFile};

/// Parses `text` (a part of `file` starting at byte `base_offset`, e.g. front matter) into `T`.
/// Errors carry the file, line and column, and a hint for the common mistakes.
pub fn from_str<T: DeserializeOwned>(
    file: &SourceFile,
    text: &str,
    base_offset: usize,
) -> Result<T, Diagnostic> {
    check_alias_expansion(text).map_err(|(at, message)| {
        Diagnostic::error(message)
            .at_offset(file, base_offset + at, 1)
            .with_help("write the text out where it is needed, or use the alias fewer times")
    })?;
    serde_yaml::from_str::<T>(text).map_err(|err| to_diagnostic(file, base_offset, &err))
}

/// How big a file may grow once its aliases (`*name`) are replaced by what their anchors
/// (`&name`) hold. One anchor used 300 times made a 317 MB page and took 1.9 GB of memory; an
/// anchor holding aliases of another grows exponentially.
pub const MAX_EXPANDED_BYTES: usize = 4 * 1024 * 1024;

/// An anchor or alias in YAML text: its offset, name, and for an anchor the byte range of the
/// node it names.
struct Mark<'a> {
    at: usize,
    name: &'a str,
    alias: bool,
    end: usize,
}

/// Finds anchors and aliases outside quotes and comments. An anchor's node runs to the end of
/// its line when a value follows it there, else over the lines indented deeper than its own.
fn marks(text: &str) -> Vec<Mark<'_>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let bytes = line.as_bytes();
        let mut quote: Option<u8> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'#' && (i == 0 || bytes[i - 1] == b' ') => break,
                None if (b == b'&' || b == b'*')
                    && (i == 0 || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',')) =>
                {
                    let name_end = line[i + 1..]
                        .find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
                        .map_or(line.len(), |n| i + 1 + n);
                    let rest = line[name_end..].trim();
                    let end = if b == b'*' || !rest.is_empty() {
                        line_start + line.trim_end().len()
                    } else {
                        block_end(text, line_start + line.len(), indent)
                    };
                    if name_end > i + 1 {
                        out.push(Mark {
                            at: line_start + i,
                            name: &line[i + 1..name_end],
                            alias: b == b'*',
                            end,
                        });
                    }
                    i = name_end;
                    continue;
                }
                None => {}
            }
            i += 1;
        }
        line_start += line.len();
    }
    out
}

/// The end of the block that starts at `from`: the first non-blank line indented `indent` or less.
fn block_end(text: &str, from: usize, indent: usize) -> usize {
    let mut at = from;
    for line in text[from..].split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        if !trimmed.trim().is_empty() && line.len() - trimmed.len() <= indent {
            return at;
        }
        at += line.len();
    }
    text.len()
}

/// Refuses text whose aliases would expand past [`MAX_EXPANDED_BYTES`], at the alias where it
/// happens. Each anchor's size counts the aliases inside it, so nested aliases are caught too.
fn check_alias_expansion(text: &str) -> Result<(), (usize, String)> {
    let marks = marks(text);
    if !marks.iter().any(|m| m.alias) {
        return Ok(());
    }
    let mut sizes: std::collections::HashMap<&str, usize> = Default::default();
    let mut total = text.len();
    for (k, m) in marks.iter().enumerate() {
        if m.alias {
            let size = sizes.get(m.name).copied().unwrap_or(0);
            total = total.saturating_add(size);
            if total > MAX_EXPANDED_BYTES {
                return Err((
                    m.at,
                    format!(
                        "the YAML alias `*{}` makes this file more than {} MB once aliases are expanded",
                        m.name,
                        MAX_EXPANDED_BYTES >> 20
                    ),
                ));
            }
            continue;
        }
        // An anchor: its own text plus what the aliases inside it add.
        let inner: usize = marks[k + 1..]
            .iter()
            .take_while(|x| x.at < m.end)
            .filter(|x| x.alias)
            .map(|x| sizes.get(x.name).copied().unwrap_or(0))
            .fold(0usize, usize::saturating_add);
        sizes.insert(m.name, (m.end - m.at).saturating_add(inner));
    }
    Ok(())
}

fn to_diagnostic(file: &SourceFile, base_offset: usize, err: &serde_yaml::Error) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line X column Y"; we show the position in our own header.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let help = help_for(&message);
    let mut d = Diagnostic::error(describe(&message));
    if let Some(help) = help {
        d = d.with_help(help);
    }
    match err.location() {
        Some(loc) => {
            let offset = base_offset + loc.index();
            let len = file.text[offset.min(file.text.len())..]
                .find('\n')
                .unwrap_or(0)
                .max(1);
            d.at_offset(file, offset, len)
        }
        None => d.at_offset(file, base_offset, 1),
    }
}

fn describe(message: &str) -> String {
    if message.contains("unknown field") {
        format!("unknown key: {message}")
    } else if message.contains("missing field") {
        format!("required key is missing: {message}")
    } else if message.contains("invalid type")
        || message.contains("unknown variant")
        || message.contains("invalid value")
    {
        format!("wrong value: {message}")
    } else {
        format!("YAML syntax error: {message}")
    }
}

fn help_for(message: &str) -> Option<String> {
    if let Some((_, rest)) = message.split_once("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map(|s| {
                s.split(['`', ','])
                    .map(str::trim)
                    .filter(|w| !w.is_empty() && *w != "one of" && *w != "or")
                    .collect()
            })
            .unwrap_or_default();
        let suggestion = expected
            .iter()
            .map(|e| (edit_distance(unknown, e), *e))
            .filter(|(d, e)| *d <= e.len().max(2) / 2 + 1)
            .min();
        return Some(match suggestion {
            Some((_, e)) => {
                format!("did you mean `{e}`? Keys are checked so that a typo cannot pass silently.")
            }
            None => {
                "remove the key or fix its spelling; docs/content-format.md lists every key.".into()
            }
        });
    }
    if message.contains("missing field") {
        return Some("add the key; docs/content-format.md lists every key and its type.".into());
    }
    if message.contains("mapping values are not allowed") {
        return Some("a value containing `: ` must be quoted, e.g. title: \"a: b\".".into());
    }
    if message.contains("found character that cannot start any token") {
        return Some(
            "quote the value: strings starting with `*`, `@`, `` ` `` or `%` need quotes.".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_expansion_is_bounded() {
        let big = "あ".repeat(100_000);
        let many: String = (0..300)
            .map(|i| format!("  - id: n{i}\n    text: *big\n"))
            .collect();
        let text = format!("notes:\n  - id: a\n    text: &big \"{big}\"\n{many}");
        let (at, message) = check_alias_expansion(&text).unwrap_err();
        assert!(message.contains("`*big`"), "{message}");
        assert_eq!(&text[at..at + 4], "*big");
        // A few uses of a small anchor are fine.
        assert!(check_alias_expansion("a: &x hello\nb: *x\nc: *x\n").is_ok());
        // Billion laughs: each anchor holds ten aliases of the one before.
        let mut laughs = String::from("a0: &a0 \"lol\"\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        assert!(check_alias_expansion(&laughs).is_err());
        // Quotes and comments are not marks.
        assert!(check_alias_expansion("a: \"*x &y\"\n# *z\nb: 'it''s *w'\n").is_ok());
    }
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_points_at_the_key_and_suggests_the_right_one() {
        let text = "title: a\ntitel: b\n";
        let file = SourceFile::new("x.yaml", text);
        let d = from_str::<Doc>(&file, text, 0).unwrap_err();
        let loc = d.location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 1));
        assert!(d.message.contains("unknown key"), "{}", d.message);
        assert!(d.help.unwrap().contains("`title`"));
    }

    #[test]
    fn syntax_error_has_position_offset_by_front_matter_start() {
        let full = "---\nweight: 1\ntitle: a: b\n---\n";
        let file = SourceFile::new("x.md", full);
        let d = from_str::<Doc>(&file, &full[4..26], 4).unwrap_err();
        assert!(d.message.starts_with("YAML syntax error"), "{}", d.message);
        assert_eq!(d.location.unwrap().line, 3);
        assert!(d.help.unwrap().contains("quoted"));
    }

    #[test]
    fn wrong_type_is_reported() {
        let text = "title: a\nweight: heavy\n";
        let file = SourceFile::new("x.yaml", text);
        let d = from_str::<Doc>(&file, text, 0).unwrap_err();
        assert!(d.message.starts_with("wrong value"), "{}", d.message);
        assert_eq!(d.location.unwrap().line, 2);
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("titel", "title"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
