//! The one place that talks to the YAML library. serde_yaml is archived upstream; keeping every
//! call here means a maintained fork can replace it by changing this file and Cargo.toml.

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, SourceFile};

/// Parses `text` (a part of `file` starting at byte `base_offset`, e.g. front matter) into `T`.
/// Errors carry the file, line and column, and a hint for the common mistakes.
pub fn from_str<T: DeserializeOwned>(
    file: &SourceFile,
    text: &str,
    base_offset: usize,
) -> Result<T, Diagnostic> {
    serde_yaml::from_str::<T>(text).map_err(|err| to_diagnostic(file, base_offset, &err))
}

/// Serializes for output files (JSON is produced with serde_json; this is for `kensa init`).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
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

/// Levenshtein distance on characters, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
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
