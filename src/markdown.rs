//! Markdown with YAML front matter → HTML, heading ids, table of contents, and the list of
//! internal links and guideline references for the validate stage. Internal links stay as
//! `@/…` in the HTML; the render stage turns them into relative URLs once every page's place
//! is known, so each page is parsed exactly once.

use std::collections::HashMap;

use crate::kit::{apply_tag, escape_attr, tags, MAX_NESTING};

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// Where the front matter and the body lie in a Markdown file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Byte offset where the YAML begins (after the opening `---` line).
    pub yaml_start: usize,
    /// Byte offset where the YAML ends (where the closing `---` line starts).
    pub yaml_end: usize,
    /// Byte offset where the Markdown body begins (after the closing `---` line).
    pub body_start: usize,
}

/// Finds the `---` fenced YAML block at the top of a Markdown file.
pub fn split_front_matter(text: &str) -> Option<Split> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_len = if rest.starts_with("---\n") {
        4
    } else if rest.starts_with("---\r\n") {
        5
    } else {
        return None;
    };
    let yaml_start = start + first_len;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(Split {
                yaml_start,
                yaml_end: offset,
                body_start: offset + line.len(),
            });
        }
        offset += line.len();
    }
    None
}

/// A heading of a page, as anchors and the table of contents need it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, up to 6.
    pub level: u8,
    /// The anchor: `{#id}` as written, else made from the text (`slugify`), unique in the page.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
}

/// A link written in the page, with its byte offset in the body (for diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    /// As written: a link's destination (`@/manuals/a.md#item-2-1`, `#id`, `https://…`), or a
    /// reference's `GL6 企画管理編 9.1`.
    pub target: String,
    /// Byte offset in the body, for diagnostics.
    pub offset: usize,
}

/// A Markdown body rendered, with what the checks need to know about it.
#[derive(Debug, Clone, Default)]
pub struct MarkdownOutput {
    /// The body as HTML; `@/` links and `[[GL6 …]]` references are left for the render stage.
    pub html: String,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Every link destination (internal `@/`, same-page `#`, and external).
    pub links: Vec<LinkUse>,
    /// Guideline references written as `[[GL6 …]]`.
    pub refs: Vec<LinkUse>,
    /// Raw HTML written in the page: its offset and its first tag (e.g. `<script>`).
    pub raw_html: Vec<RawHtml>,
    /// Where the page nests deeper than [`MAX_NESTING`]; its HTML is then left empty.
    pub too_deep: Option<usize>,
}

/// Raw HTML written in a page, for the check that refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHtml {
    /// Byte offset in the body, for diagnostics.
    pub offset: usize,
    /// The tag (`<script>`), or a heading attribute as `{attr=…}`.
    pub tag: String,
    /// What an official page must never publish, even where raw HTML is allowed: scripts,
    /// redirects, frames, event handlers, `javascript:` addresses.
    pub dangerous: bool,
}

/// The tag up to its first `>` outside quotes (`title=">" onclick=…` is one tag).
fn tag_body(text: &str) -> &str {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return &text[..i],
            _ => {}
        }
    }
    text
}

/// Character references decoded as a browser would in an attribute (`jav&#x61;script:`,
/// `javascript&colon;`), so that spelling cannot hide a scheme or a handler.
fn decode_refs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        let name = &after[..end];
        let decoded = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
        {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = name.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match name.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" | "newline" => Some(' '),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after[end..].strip_prefix(';').unwrap_or(&after[end..]);
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_dangerous(name: &str, body: &str) -> bool {
    let decoded = decode_refs(body).to_ascii_lowercase();
    // For handlers, whitespace and control characters separate attributes (`x onclick`); for
    // schemes a browser skips them (`java\tscript:`).
    let spaced: String = decoded
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let flat: String = spaced.chars().filter(|c| *c != ' ').collect();
    let handler = spaced.match_indices("on").any(|(i, _)| {
        let boundary = spaced[..i]
            .chars()
            .next_back()
            .is_none_or(|p| !(p.is_ascii_alphanumeric() || p == '_' || p == '-' || p == ':'));
        let letters = spaced[i + 2..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .count();
        boundary && letters > 0 && spaced[i + 2 + letters..].trim_start().starts_with('=')
    });
    matches!(
        name,
        "script"
            | "iframe"
            | "object"
            | "embed"
            | "applet"
            | "base"
            | "frame"
            | "frameset"
            | "meta"
            | "link"
            | "style"
            | "svg"
            | "math"
            | "form"
    ) || handler
        || ["javascript:", "vbscript:", "data:text/html"]
            .iter()
            .any(|s| flat.contains(s))
}

/// Notes raw HTML and tracks how deep the page nests, in document order (HTML elements as
/// [`apply_tag`] counts them).
#[derive(Default)]
struct Nesting {
    markdown: usize,
    open: Vec<String>,
}

impl Nesting {
    /// Returns false once the page nests deeper than allowed.
    fn see(&mut self, event: &Event, offset: usize, out: &mut MarkdownOutput) -> bool {
        match event {
            // `{key=value}` on a heading is an HTML attribute in the output: raw HTML too.
            Event::Start(Tag::Heading { attrs, .. }) => {
                self.markdown += 1;
                for (key, value) in attrs {
                    let attr = format!("{key}={}", value.as_deref().unwrap_or(""));
                    out.raw_html.push(RawHtml {
                        offset,
                        tag: format!("{{{key}=…}}"),
                        dangerous: is_dangerous("h", &format!(" {attr}")),
                    });
                }
            }
            Event::Start(_) => self.markdown += 1,
            Event::End(_) => self.markdown = self.markdown.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => {
                for (closing, name, rest) in tags(h) {
                    let name = name.to_ascii_lowercase();
                    if !closing && out.raw_html.len() < 1000 {
                        out.raw_html.push(RawHtml {
                            offset,
                            tag: format!("<{name}>"),
                            dangerous: is_dangerous(&name, tag_body(rest)),
                        });
                    }
                    apply_tag(&mut self.open, closing, name);
                    if self.markdown + self.open.len() > MAX_NESTING {
                        return false;
                    }
                }
            }
            _ => {}
        }
        self.markdown + self.open.len() <= MAX_NESTING
    }
}

impl MarkdownOutput {
    /// Whether a heading of the page has anchor `id`.
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a Markdown body. Offsets in the result are relative to `body`.
pub fn render(body: &str) -> MarkdownOutput {
    let events = merge_text(Parser::new_ext(body, options()).into_offset_iter());

    let mut out = MarkdownOutput::default();
    let mut nesting = Nesting::default();
    for (event, range) in &events {
        if !nesting.see(event, range.start, &mut out) {
            out.too_deep = Some(range.start);
            return out;
        }
    }
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut result: Vec<Event> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                // Gather the heading's inline events to compute its text and id.
                let mut j = i + 1;
                let mut text = String::new();
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                        text.push_str(t);
                    }
                    j += 1;
                }
                let text = text.trim().to_string();
                let base = match id {
                    Some(explicit) => explicit.to_string(),
                    None => slugify(&text),
                };
                let id = unique_id(&mut used_ids, base);
                out.headings.push(Heading {
                    level: heading_number(*level),
                    id: id.clone(),
                    text: text.clone(),
                });
                result.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                for (e, r) in &events[i + 1..j] {
                    push_inline(e.clone(), r.start, &mut result, &mut out);
                }
                // Self-link so a reader can copy the address of a section.
                if let Some((Event::End(end), _)) = events.get(j) {
                    result.push(Event::End(*end));
                }
                i = j + 1;
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                out.links.push(LinkUse {
                    target: dest_url.to_string(),
                    offset: range.start,
                });
                result.push(event.clone());
            }
            Event::Start(Tag::Table(_)) => {
                result.push(Event::Html(CowStr::from(format!(
                    "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                    escape_attr(&table_label(&events, i))
                ))));
                result.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                result.push(event.clone());
                result.push(Event::Html(CowStr::from("</div>")));
            }
            other => push_inline(other.clone(), range.start, &mut result, &mut out),
        }
        i += 1;
    }
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, result.into_iter());
    out.html = html_out;
    out
}

/// A table scrolls sideways in a region of its own, which a keyboard can reach and a screen
/// reader names (a phone is narrower than the manuals' 台帳 examples): 「表：」 and the short
/// paragraph just before the table that says what it is (●機器台帳の例), when there is one.
fn table_label(events: &[(Event, std::ops::Range<usize>)], at: usize) -> String {
    let mut text = String::new();
    if let Some((Event::End(TagEnd::Paragraph), _)) = at.checked_sub(1).and_then(|k| events.get(k))
    {
        for (e, _) in events[..at - 1].iter().rev() {
            match e {
                Event::Start(Tag::Paragraph) => break,
                Event::Text(t) | Event::Code(t) => text.insert_str(0, t),
                _ => {}
            }
        }
    }
    let text = text
        .trim()
        .trim_start_matches(['●', '○', '■', '◆', '・'])
        .trim();
    if text.is_empty() || text.chars().count() > 40 {
        "表".into()
    } else {
        format!("表：{text}")
    }
}

/// Text events may arrive in pieces (pulldown-cmark splits at `[`); join neighbours so that a
/// `[[GL6 …]]` reference is seen whole.
/// Collected straight from the parser: no second list of events.
fn merge_text<'a>(
    events: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
) -> Vec<(Event<'a>, std::ops::Range<usize>)> {
    let mut merged: Vec<(Event, std::ops::Range<usize>)> = Vec::new();
    for (event, range) in events {
        if let Event::Text(t) = &event {
            if let Some((Event::Text(prev), prev_range)) = merged.last_mut() {
                let mut joined = std::mem::replace(prev, CowStr::Borrowed("")).into_string();
                joined.push_str(t);
                *prev = CowStr::from(joined);
                prev_range.end = range.end;
                continue;
            }
        }
        merged.push((event, range));
    }
    merged
}

/// Pushes an inline event, turning `[[GL6 …]]` references in text into marked-up spans.
fn push_inline<'a>(
    event: Event<'a>,
    offset: usize,
    result: &mut Vec<Event<'a>>,
    out: &mut MarkdownOutput,
) {
    let Event::Text(text) = &event else {
        result.push(event);
        return;
    };
    if !text.contains("[[") {
        result.push(event);
        return;
    }
    let mut rest: &str = text;
    let mut consumed = 0;
    while let Some(start) = rest.find("[[") {
        let Some(len) = rest[start..].find("]]") else {
            break;
        };
        let inner = &rest[start + 2..start + len];
        if start > 0 {
            result.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        out.refs.push(LinkUse {
            target: inner.trim().to_string(),
            offset: offset + consumed + start,
        });
        result.push(Event::InlineHtml(CowStr::from(ref_placeholder(
            inner.trim(),
        ))));
        consumed += start + len + 2;
        rest = &rest[start + len + 2..];
    }
    if !rest.is_empty() {
        result.push(Event::Text(CowStr::from(rest.to_string())));
    }
}

/// The HTML a guideline reference becomes before the render stage resolves it.
pub fn ref_placeholder(reference: &str) -> String {
    let shown = reference
        .strip_prefix("GL6")
        .map(str::trim)
        .unwrap_or(reference);
    format!(
        "<span class=\"gl-ref\" data-ref=\"{}\">{}</span>",
        escape_attr(reference),
        escape_attr(shown)
    )
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    let count = used.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        base
    } else {
        format!("{base}-{}", *count - 1)
    }
}

/// Heading slug rule. pulldown-cmark makes no ids, and ASCII-only slug rules drop Japanese
/// entirely, so: letters and digits of every script are kept (full-width ASCII folded to
/// half-width, Latin lower-cased), every run of anything else becomes one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        let c = fold_width(c);
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Full-width ASCII (Ａ, ２, （) → half-width.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let text = "---\ntitle: a\n---\n# body\n";
        let s = split_front_matter(text).unwrap();
        assert_eq!(&text[s.yaml_start..s.yaml_end], "title: a\n");
        assert_eq!(&text[s.body_start..], "# body\n");
        assert!(split_front_matter("# no front matter").is_none());
        assert!(split_front_matter("---\ntitle: a\n").is_none());
    }

    #[test]
    fn japanese_heading_slugs() {
        assert_eq!(
            slugify("Ⅰ チェックリストの使い方"),
            "ⅰ-チェックリストの使い方"
        );
        assert_eq!(slugify("（１）ＭＤＳ／SDS とは"), "1-mds-sds-とは");
        assert_eq!(slugify("!!!"), "section");
    }

    #[test]
    fn headings_get_unique_ids_and_explicit_ids_win() {
        let out = render("## 補足\n\ntext\n\n## 補足\n\n## 台帳 {#item-2-1}\n");
        let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["補足", "補足-1", "item-2-1"]);
        assert!(
            out.html.contains("<h2 id=\"item-2-1\">台帳</h2>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn tables_and_footnotes_render() {
        let out = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 脚注\n");
        assert!(out.html.contains("<table>"));
        assert!(out.html.contains("footnote"));
    }

    #[test]
    fn a_table_scrolls_in_a_focusable_region_named_after_its_caption_line() {
        let out =
            render("●機器台帳の例\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n| c |\n|---|\n| 3 |\n");
        assert!(
            out.html.contains("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"表：機器台帳の例\"><table>"),
            "{}",
            out.html
        );
        // A table after another has no line of its own: it is just 「表」.
        assert!(
            out.html.contains("aria-label=\"表\"><table>"),
            "{}",
            out.html
        );
        assert_eq!(
            out.html.matches("</table>\n</div>").count(),
            2,
            "{}",
            out.html
        );
    }

    #[test]
    fn collects_links_and_guideline_refs_with_offsets() {
        let body = "見る[台帳](@/manuals/a.md#item-2-1)。\n\n▶ [[GL6 企画管理編 9.1]] [[GL6 経営管理編 3.2]]\n";
        let out = render(body);
        assert_eq!(out.links[0].target, "@/manuals/a.md#item-2-1");
        assert_eq!(out.refs.len(), 2);
        assert_eq!(out.refs[0].target, "GL6 企画管理編 9.1");
        assert_eq!(&body[out.refs[0].offset..out.refs[0].offset + 2], "[[");
        assert_eq!(&body[out.refs[1].offset..out.refs[1].offset + 6], "[[GL6 ");
        assert!(
            out.html.contains("data-ref=\"GL6 企画管理編 9.1\""),
            "{}",
            out.html
        );
        assert!(!out.html.contains("[["));
    }
}
