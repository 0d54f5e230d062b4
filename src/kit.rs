//! Small helpers every stage and feature shares: the output file type, the pages' security
//! policy, relative links, HTML escaping, minifying and its depth guard, and "did you mean".
//! This module imports nothing of kensa's, so that any module may use it without a circle.

/// One output file before it is written.
pub struct Output {
    /// Relative to the site root, `/`-separated (`checklists/r5/yakkyoku.html`).
    pub path: String,
    /// The file's content, ready to write.
    pub bytes: Vec<u8>,
}

/// Relative prefix from a page to the site root: `a/b/c.html` → `../../`.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// Every page forbids inline script and any origin but its own: answers typed into a form
/// must never be sent anywhere, and nothing may be loaded from a CDN.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'";

/// Minifies a page. Opening `<html>`/`<head>` tags are kept (some hosts and the CSP meta
/// rely on a normal document head); inline JS is never rewritten (there is none, by CSP).
pub fn minify_html(html: &str) -> Vec<u8> {
    // minify-html recurses once per element: a page nested deeper than this (only theme
    // markup could still make one; Markdown is refused past MAX_NESTING) is written as it is
    // rather than overflowing the stack.
    if html_depth_exceeds(html, 4 * MAX_NESTING) {
        return html.as_bytes().to_vec();
    }
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.minify_css = false;
    cfg.minify_js = false;
    cfg.keep_input_type_text_attr = true;
    let mut bytes = minify_html::minify(html.as_bytes(), &cfg);
    // Every page stays in memory until the write stage: without the spare capacity.
    bytes.shrink_to_fit();
    bytes
}

/// Lists, quotes and HTML elements inside each other. No real page comes near it; thousands of
/// levels overflow the stack of the HTML minifier, so such a page is refused with its place.
pub const MAX_NESTING: usize = 100;

/// Void elements close themselves (`<br>`): they add no level.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The tags of a piece of HTML: (is closing, the name as written, the text from the name on).
/// Borrowed, no allocation: the minifier's depth check runs it on every page.
pub fn tags(html: &str) -> impl Iterator<Item = (bool, &str, &str)> {
    html.split('<').skip(1).filter_map(|part| {
        let (closing, rest) = match part.strip_prefix('/') {
            Some(r) => (true, r),
            None => (false, part),
        };
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        name.starts_with(|c: char| c.is_ascii_alphabetic())
            .then_some((closing, name, rest))
    })
}

/// One tag's effect on the elements open at that point, as an HTML parser (and the minifier)
/// sees it: a closing tag closes the nearest open element of its name and those inside it, and
/// nothing when none is open (`</p>` after `<div>`); any other tag but a void one opens an
/// element (`<div/>` too).
pub fn apply_tag<S: AsRef<str>>(open: &mut Vec<S>, closing: bool, name: S) {
    let name_str = name.as_ref();
    if closing {
        if let Some(at) = open
            .iter()
            .rposition(|n| n.as_ref().eq_ignore_ascii_case(name_str))
        {
            open.truncate(at);
        }
    } else if !VOID.iter().any(|v| v.eq_ignore_ascii_case(name_str)) {
        open.push(name);
    }
}

/// Whether the elements of an HTML document nest deeper than `limit`, counted as in
/// `markdown::Nesting`.
pub fn html_depth_exceeds(html: &str, limit: usize) -> bool {
    let mut open: Vec<&str> = Vec::new();
    for (closing, name, _) in tags(html) {
        apply_tag(&mut open, closing, name);
        if open.len() > limit {
            return true;
        }
    }
    false
}

/// Text made safe inside an HTML attribute or element.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
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

/// The candidate closest to `wanted`, when one is close enough to be a slip of the keyboard
/// (at most half its characters differ).
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(wanted, c), c))
        .filter(|(d, c)| *d <= wanted.chars().count().max(c.chars().count()) / 2)
        .min()
        .map(|(_, c)| c)
}

/// ", did you mean `x`?" for the closest candidate, or nothing when none is close.
pub fn nearest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::kit::closest(wanted, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_head_and_scripts() {
        let html = "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><script src=\"a.js\"></script></head><body>  <p>本文</p>  </body></html>";
        let out = String::from_utf8(minify_html(html)).unwrap();
        assert!(
            out.contains("<html lang=ja>") || out.contains("<html lang=\"ja\">"),
            "{out}"
        );
        assert!(out.contains("<head>"), "{out}");
        assert!(
            out.contains("<script src=a.js></script>")
                || out.contains("<script src=\"a.js\"></script>"),
            "{out}"
        );
        assert!(out.contains("本文"));
    }

    #[test]
    fn closest_is_a_slip_of_the_keyboard_or_nothing() {
        let names = ["current", "reference"];
        assert_eq!(closest("curent", names.iter().copied()), Some("current"));
        assert_eq!(closest("xyz", names.iter().copied()), None);
    }
}
