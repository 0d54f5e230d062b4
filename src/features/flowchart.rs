//! Flowcharts (content/flowcharts/*.yaml, format in docs/flowchart-format.md): the typed model,
//! the build's checks, and a page per flowchart. The diagram is an SVG drawn at build time from
//! the same YAML as the step list below it, so the picture and its text equivalent cannot drift.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{json, Value};
use tera::Context;

use crate::diag::{locate_key_value, Diagnostic, Diagnostics};
use crate::features::search::join;
use crate::kit::escape_attr;
use crate::kit::{root_prefix, Output};
use crate::model::flowchart::*;
use crate::model::search::{Doc, DocKind};
use crate::model::{Provenance, Site};
use crate::plugin::{Build, Feature};
use crate::theme::Theme;

// ---------------------------------------------------------------- validation

/// Checks every flowchart against the rules serde cannot express (see `check`).
pub fn validate(site: &Site, diags: &mut Diagnostics) {
    for fc in &site.flowcharts {
        diags.extend(check(fc));
    }
}

/// Every rule of docs/flowchart-format.md that serde cannot express, each error pointing at
/// the place in the YAML that breaks it.
pub fn check(fc: &Flowchart) -> Diagnostics {
    let mut c = Checker {
        fc,
        text: &fc.file.text,
        diags: Diagnostics::default(),
        id_seen: HashMap::from([(fc.def.id.clone(), 1)]),
    };
    c.file_id();
    let roles = c.roles();
    c.phases();
    let numbers: Vec<&str> = fc.steps().map(|(_, s)| s.number.as_str()).collect();
    let mut firsts = StepFirsts::default();
    let mut number_seen: HashMap<&str, usize> = HashMap::new();
    for (phase, step) in fc.steps() {
        let nth = number_seen.entry(step.number.as_str()).or_insert(0);
        let (step_at, step_len) = c.at_key("number", &step.number, *nth);
        *nth += 1;
        c.step_number(&mut firsts, &phase.id, step, (step_at, step_len));
        // Offsets below are searched from the step's own `number:` line, so an error lands in
        // the step it belongs to.
        let from = step_at;
        c.step_roles(step, &roles, from);
        c.step_next(step, &numbers, from);
        c.step_contacts(step, from);
    }
    c.parallel();
    c.diags
}

/// The first phase and anchor of each step number seen so far.
#[derive(Default)]
struct StepFirsts<'a> {
    phase: HashMap<&'a str, &'a str>,
    anchors: HashMap<String, &'a str>,
}

struct Checker<'a> {
    fc: &'a Flowchart,
    text: &'a str,
    diags: Diagnostics,
    /// Role and phase ids share the key `id` with the top level, so occurrences are counted as
    /// locate_key_value sees them: top-level id first, then roles, then phases.
    id_seen: HashMap<String, usize>,
}

impl<'a> Checker<'a> {
    /// Offset and length of `key: value` (the nth time), or the file's start when not found.
    fn at_key(&self, key: &str, value: &str, nth: usize) -> (usize, usize) {
        match locate_key_value(self.text, key, value, nth) {
            Some(o) => (o, key.len() + 2 + value.len()),
            None => (0, 1),
        }
    }

    fn next_id_at(&mut self, id: &str) -> (usize, usize) {
        let n = *self.id_seen.entry(id.to_string()).or_insert(0);
        self.id_seen.insert(id.to_string(), n + 1);
        self.at_key("id", id, n)
    }

    fn error(&mut self, message: String, (offset, len): (usize, usize), help: impl Into<String>) {
        self.diags.push(
            Diagnostic::error(message)
                .at_offset(&self.fc.file, offset, len)
                .with_help(help.into()),
        );
    }

    fn file_id(&mut self) {
        let def = &self.fc.def;
        let slug = self.fc.slug();
        if def.id != slug {
            let at = self.at_key("id", &def.id, 0);
            self.error(
                format!(
                    "flowchart id `{}` differs from its file name `{slug}.yaml`",
                    def.id
                ),
                at,
                format!("set `id: {slug}` or rename the file"),
            );
        }
    }

    fn roles(&mut self) -> HashSet<&'a str> {
        let def = &self.fc.def;
        let mut roles: HashSet<&str> = HashSet::new();
        for r in &def.roles {
            let at = self.next_id_at(&r.id);
            if !valid_id(&r.id, false) {
                self.error(
                    format!("role id `{}` is not of the form [a-z0-9_]+", r.id),
                    at,
                    "use lower-case ASCII letters, digits and `_`, e.g. `anzen_kanri`",
                );
            }
            if !roles.insert(r.id.as_str()) {
                self.error(
                    format!("role id `{}` is used twice", r.id),
                    at,
                    "each role needs its own id; remove or rename one",
                );
            }
        }
        if def.roles.is_empty() {
            let at = (locate_line(self.text, "roles:").unwrap_or(0), 6);
            self.error(
                "the flowchart has no roles".into(),
                at,
                "list every role a step can name under `roles:` (id and label)",
            );
        }
        roles
    }

    fn phases(&mut self) {
        let mut phase_ids: HashSet<&str> = HashSet::new();
        for p in &self.fc.def.phases {
            let at = self.next_id_at(&p.id);
            if !valid_id(&p.id, true) {
                self.error(
                    format!("phase id `{}` is not of the form [a-z0-9_-]+", p.id),
                    at,
                    "use lower-case ASCII letters, digits, `_` and `-`",
                );
            }
            if !phase_ids.insert(p.id.as_str()) {
                self.error(
                    format!("phase id `{}` is used twice", p.id),
                    at,
                    "each phase needs its own id",
                );
            }
        }
    }

    /// A parallel run names two or more steps of its phase, one after the other as printed, and
    /// a step is in one run at most.
    fn parallel(&mut self) {
        let mut seen: HashSet<&str> = HashSet::new();
        for phase in &self.fc.def.phases {
            let numbers: Vec<&str> = phase.steps.iter().map(|s| s.number.as_str()).collect();
            for run in &phase.parallel {
                // Located at the run's first step in the phase's `parallel:` list.
                let phase_at = find_from(self.text, 0, &format!("id: {}\n", phase.id)).unwrap_or(0);
                let list_at = find_from(self.text, phase_at, "parallel:").unwrap_or(phase_at);
                let at = run
                    .first()
                    .and_then(|n| find_from(self.text, list_at, n))
                    .map_or((list_at, 9), |o| (o, run[0].len()));
                let places: Vec<Option<usize>> = run
                    .iter()
                    .map(|n| numbers.iter().position(|m| m == n))
                    .collect();
                let problem = if run.len() < 2 {
                    Some("a parallel run needs two or more steps".to_string())
                } else if let Some(n) = run
                    .iter()
                    .zip(&places)
                    .find(|(_, p)| p.is_none())
                    .map(|(n, _)| n)
                {
                    Some(format!(
                        "phase {}: parallel names `{n}`, which is not a step of this phase",
                        phase.number
                    ))
                } else if places.windows(2).any(|w| w[1] != w[0].map(|p| p + 1)) {
                    Some(format!("phase {}: the steps of a parallel run must follow each other as printed ({})", phase.number, run.join(", ")))
                } else {
                    run.iter()
                        .find(|n| !seen.insert(n.as_str()))
                        .map(|n| format!("step {n} is in two parallel runs"))
                };
                if let Some(message) = problem {
                    self.error(message, at, "list, in printed order, the steps that read as parallel lines of work, e.g. parallel: [[\"2-2\", \"2-3\", \"2-4\"]]");
                }
            }
        }
    }

    /// A step number is used once and makes an anchor of its own.
    fn step_number(
        &mut self,
        firsts: &mut StepFirsts<'a>,
        phase: &'a str,
        step: &'a Step,
        at: (usize, usize),
    ) {
        if let Some(first) = firsts.phase.get(step.number.as_str()) {
            let message = format!(
                "step number `{}` is used twice (first in phase `{first}`)",
                step.number
            );
            self.error(
                message,
                at,
                "every step needs its own number, as printed; fix the duplicate",
            );
            return;
        }
        firsts.phase.insert(step.number.as_str(), phase);
        let anchor = step_anchor(&step.number);
        if anchor == "step" {
            self.error(
                format!(
                    "step number `{}` has no ASCII letter or digit to make its anchor from",
                    step.number
                ),
                at,
                "write step numbers with ASCII digits, e.g. \"2-10\"",
            );
        } else if let Some(other) = firsts.anchors.insert(anchor.clone(), step.number.as_str()) {
            self.error(
                format!(
                    "steps `{other}` and `{}` would share the anchor `#{anchor}`",
                    step.number
                ),
                at,
                "step numbers must differ in their letters and digits, not only in punctuation",
            );
        }
    }

    fn unknown_role_help(&self, id: &str) -> String {
        let known: Vec<&str> = self.fc.def.roles.iter().map(|r| r.id.as_str()).collect();
        format!(
            "{}add the role under `roles:` or use one of: {}",
            nearest(id, known.iter().copied()),
            known.join(", ")
        )
    }

    /// Every role a step names is declared, and `roles` is exactly what its parts name.
    fn step_roles(&mut self, step: &Step, roles: &HashSet<&str>, from: usize) {
        let text = self.text;
        let roles_line = find_from(text, from, "roles:").unwrap_or(from);
        for r in &step.roles {
            if !roles.contains(r.as_str()) {
                let o = find_from(text, roles_line, r).unwrap_or(roles_line);
                let help = self.unknown_role_help(r);
                self.error(
                    format!("step {}: unknown role `{r}`", step.number),
                    (o, r.len()),
                    help,
                );
            }
        }
        let mut union: Vec<&str> = Vec::new();
        for part in &step.parts {
            let part_at = find_from(text, from, &part.label).unwrap_or(from);
            for r in part.roles.iter().chain(&part.optional_roles) {
                if !union.contains(&r.as_str()) {
                    union.push(r);
                }
                if !roles.contains(r.as_str()) {
                    let o = find_from(text, part_at, r).unwrap_or(part_at);
                    let help = self.unknown_role_help(r);
                    self.error(
                        format!(
                            "step {}, part {}: unknown role `{r}`",
                            step.number, part.label
                        ),
                        (o, r.len()),
                        help,
                    );
                }
            }
        }
        let declared: BTreeSet<&str> = step.roles.iter().map(String::as_str).collect();
        let named: BTreeSet<&str> = union.iter().copied().collect();
        if declared != named {
            let missing: Vec<&str> = named.difference(&declared).copied().collect();
            let extra: Vec<&str> = declared.difference(&named).copied().collect();
            let mut what = Vec::new();
            if !missing.is_empty() {
                what.push(format!("missing {}", missing.join(", ")));
            }
            if !extra.is_empty() {
                what.push(format!("named by no part: {}", extra.join(", ")));
            }
            self.error(
                format!(
                    "step {}: `roles` must be exactly the roles its parts name ({})",
                    step.number,
                    what.join("; ")
                ),
                (roles_line, 6),
                format!("set `roles: [{}]`", union.join(", ")),
            );
        }
    }

    /// `next` names existing steps, and not the step itself.
    fn step_next(&mut self, step: &Step, numbers: &[&str], from: usize) {
        let next_line = find_from(self.text, from, "next:").unwrap_or(from);
        for n in &step.next {
            let o = find_from(self.text, next_line, n).unwrap_or(next_line);
            if !numbers.contains(&n.as_str()) {
                self.error(
                    format!(
                        "step {}: `next` names step `{n}`, which does not exist",
                        step.number
                    ),
                    (o, n.len()),
                    format!(
                        "{}every `next` entry must be the number of a step in this file",
                        nearest(n, numbers.iter().copied())
                    ),
                );
            } else if n == &step.number {
                self.diags.push(
                    Diagnostic::warning(format!(
                        "step {}: `next` names the step itself; the arrow is not drawn",
                        step.number
                    ))
                    .at_offset(&self.fc.file, o, n.len())
                    .with_help("remove it, or name the step the source's arrow points to"),
                );
            }
        }
    }

    fn step_contacts(&mut self, step: &Step, from: usize) {
        for c in &step.contacts {
            if !c.phone.chars().any(|ch| ch.is_ascii_digit()) {
                let o = find_from(self.text, from, &c.phone).unwrap_or(from);
                self.error(
                    format!(
                        "step {}: contact `{}` has no digits in its phone number",
                        step.number, c.name
                    ),
                    (o, c.phone.len().max(1)),
                    "write the number as printed, quoted: phone: \"03-5978-7509\"",
                );
            }
        }
    }
}

fn valid_id(id: &str, allow_dash: bool) -> bool {
    !id.is_empty()
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || (allow_dash && c == '-')
        })
}

fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.get(from..)?.find(needle).map(|i| from + i)
}

fn locate_line(text: &str, prefix: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(prefix) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// "did you mean `x`? " for the closest candidate, or nothing.
fn nearest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::kit::closest(wanted, candidates)
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default()
}

// ---------------------------------------------------------------- SVG

const PAD: i32 = 8;
const LANE_W: i32 = 180;
/// Space between a box and its lane's edge; two of them make the gutter arrows run in.
const BOX_INSET: i32 = 10;
const TEXT_PAD: i32 = 8;
const FONT: i32 = 12;
const LINE: i32 = 16;
const ROW_GAP: i32 = 26;
const PHASE_BAR: i32 = 30;
const LABEL_FONT: i32 = 11;
const LABEL_LINE: i32 = 14;
/// Room between a parallel run's frame and its boxes (less than half of ROW_GAP).
const FRAME_PAD: i32 = 8;

/// One step laid out: its row and the lanes (role indexes) it has a box in.
struct Placed<'a> {
    step: &'a Step,
    top: i32,
    height: i32,
    /// (lane index, the role is only 「必要に応じて」)
    lanes: Vec<(usize, bool)>,
    lines: Vec<String>,
}

impl Placed<'_> {
    fn bottom(&self) -> i32 {
        self.top + self.height
    }
    fn has_lane(&self, lane: usize) -> bool {
        self.lanes.iter().any(|(l, _)| *l == lane)
    }
}

fn lane_x(lane: usize) -> i32 {
    PAD + LANE_W * lane as i32
}
fn lane_center(lane: usize) -> i32 {
    lane_x(lane) + LANE_W / 2
}

/// Estimated advance of a character in ems: SVG text does not wrap, so lines are broken here.
fn char_width(c: char) -> f32 {
    if c.is_ascii() || ('\u{ff61}'..='\u{ff9f}').contains(&c) {
        0.6
    } else {
        1.0
    }
}

/// Characters a line must not start with, and ones it must not end with (JIS X 4051 kinsoku,
/// the common subset).
const NO_START: &str = "、。，．・：；？！ー－～…‥）〕］｝〉》」』】)]}>,.:;?!ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ";
const NO_END: &str = "（〔［｛〈《「『【([{<";

/// Breaks `text` into lines of at most `width` ems; the first line has `first_indent` ems less.
/// Runs of ASCII letters and digits stay whole.
pub fn wrap(text: &str, width: f32, first_indent: f32) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for c in text.chars() {
        let joins = c.is_ascii_alphanumeric()
            && tokens
                .last()
                .and_then(|t| t.chars().last())
                .is_some_and(|p| p.is_ascii_alphanumeric());
        match tokens.last_mut() {
            Some(t) if joins => t.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = first_indent;
    for tok in tokens {
        let w: f32 = tok.chars().map(char_width).sum();
        if used + w > width && !line.is_empty() {
            // Push characters over to the next line rather than let one hang past the box:
            // the one before a closing mark, and an opening bracket with what it opens.
            let mut carry = String::new();
            let mut next_start = tok.chars().next();
            while next_start.is_some_and(|c| NO_START.contains(c)) && line.chars().count() > 1 {
                let Some(c) = line.pop() else { break };
                carry.insert(0, c);
                next_start = Some(c);
            }
            while line.chars().last().is_some_and(|c| NO_END.contains(c)) {
                let Some(c) = line.pop() else { break };
                carry.insert(0, c);
            }
            if line.is_empty() {
                line = carry;
            } else {
                lines.push(std::mem::take(&mut line));
                line = carry;
            }
            used = text_width(&line);
        }
        line.push_str(&tok);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Like `wrap`, but with lines of even length: a label of 15 characters in a 14-character box
/// becomes 8 + 7, not 14 + 1.
pub fn wrap_balanced(text: &str, width: f32, first_indent: f32) -> Vec<String> {
    let lines = wrap(text, width, first_indent);
    if lines.len() < 2 {
        return lines;
    }
    let total = text_width(text) + first_indent;
    let mut trial = (total / lines.len() as f32).ceil();
    while trial < width {
        let attempt = wrap(text, trial, first_indent);
        if attempt.len() == lines.len() {
            return attempt;
        }
        trial += 0.5;
    }
    lines
}

fn text_width(s: &str) -> f32 {
    s.chars().map(char_width).sum()
}

/// The diagram of one phase. The phases' SVGs share one coordinate system (each shows its
/// band through its viewBox), so stacked they read as one chart; being separate images, each
/// prints whole on a page instead of being sliced through a box.
#[derive(Debug, Clone)]
pub struct PhaseSvg {
    /// Id of the phase drawn.
    pub phase: String,
    /// The `<svg>` element, ready to put in the page.
    pub svg: String,
}

/// The flow: one lane per role, a band per phase, a row per step with a box in the lane of
/// every role it names, and arrows from `next`. Every box links to the step's text.
pub fn svgs(fc: &Flowchart) -> Vec<PhaseSvg> {
    let layout = Layout::of(&fc.def);
    fc.def
        .phases
        .iter()
        .enumerate()
        .map(|(pi, phase)| PhaseSvg {
            phase: phase.id.clone(),
            svg: layout.phase_svg(pi),
        })
        .collect()
}

/// Where every box goes: phases stacked top to bottom, each step in its own row, each role in
/// its own lane. Computed once for the whole chart, then cut into one band per phase.
struct Layout<'a> {
    def: &'a FlowchartDef,
    width: i32,
    box_w: i32,
    label_lines: Vec<Vec<String>>,
    label_h: i32,
    bar_tops: Vec<i32>,
    total: i32,
    placed: Vec<Placed<'a>>,
    phase_of: Vec<usize>,
    index: HashMap<&'a str, usize>,
    /// The frame of each parallel run (phase, frame as a box around its steps' boxes), and the
    /// run each placed step is in.
    frames: Vec<(usize, Placed<'a>)>,
    run_of: HashMap<usize, usize>,
}

impl<'a> Layout<'a> {
    fn of(def: &'a FlowchartDef) -> Self {
        let lane_of: HashMap<&str, usize> = def
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let lanes = def.roles.len().max(1);
        let box_w = LANE_W - 2 * BOX_INSET;
        // Estimated widths are not exact: keep half an em in reserve.
        let text_ems = (box_w - 2 * TEXT_PAD) as f32 / FONT as f32 - 0.5;
        let label_lines: Vec<Vec<String>> = def
            .roles
            .iter()
            .map(|r| wrap_balanced(&r.label, (box_w as f32) / LABEL_FONT as f32, 0.0))
            .collect();
        let label_h = label_lines.iter().map(Vec::len).max().unwrap_or(1) as i32 * LABEL_LINE + 10;
        let mut y = PAD;
        let mut bar_tops: Vec<i32> = Vec::new();
        let mut placed: Vec<Placed> = Vec::new();
        let mut phase_of: Vec<usize> = Vec::new();
        for (pi, phase) in def.phases.iter().enumerate() {
            bar_tops.push(y);
            y += PHASE_BAR + label_h + 12;
            for step in &phase.steps {
                let p = place(step, &lane_of, text_ems, y);
                y += p.height + ROW_GAP;
                placed.push(p);
                phase_of.push(pi);
            }
            y += 6;
        }
        let index: HashMap<&str, usize> = placed
            .iter()
            .enumerate()
            .map(|(i, p)| (p.step.number.as_str(), i))
            .collect();
        let (frames, run_of) = frames(def, &placed, &index);
        Layout {
            def,
            width: PAD * 2 + LANE_W * lanes as i32,
            box_w,
            label_lines,
            label_h,
            bar_tops,
            total: y - ROW_GAP + PAD,
            placed,
            phase_of,
            index,
            frames,
            run_of,
        }
    }

    /// Band `pi` runs from just above its bar to just above the next one.
    fn band(&self, pi: usize) -> (i32, i32) {
        let start = if pi == 0 { 0 } else { self.bar_tops[pi] - 6 };
        let end = self
            .bar_tops
            .get(pi + 1)
            .map(|t| t - 6)
            .unwrap_or(self.total);
        (start, end.max(start + 1))
    }

    fn phase_svg(&self, pi: usize) -> String {
        let def = self.def;
        let phase = &def.phases[pi];
        let (start, end) = self.band(pi);
        let (width, height) = (self.width, end - start);
        let pid = format!("fc-{}-{}", escape_attr(&def.id), escape_attr(&phase.id));
        let mine: Vec<&Placed> = (0..self.placed.len())
            .filter(|&i| self.phase_of[i] == pi)
            .map(|i| &self.placed[i])
            .collect();
        let numbers: Vec<&str> = mine.iter().map(|p| p.step.number.as_str()).collect();
        let role_list: Vec<&str> = def.roles.iter().map(|r| r.label.as_str()).collect();
        let mut out = String::with_capacity(16 * 1024);
        // The drawing is an image (role="img", named by its title and description); the box
        // links lie over it in a layer of their own, because an image's content is
        // presentational and may hold no link. The layer is hidden from assistive technology
        // and out of the tab order: the step list below is the same links, as text.
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"fc-svg\" data-phase=\"{phase_id}\" viewBox=\"0 {start} {width} {height}\" width=\"{width}\" height=\"{height}\" font-size=\"{FONT}\"><svg class=\"fc-drawing\" x=\"0\" y=\"{start}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 {start} {width} {height}\" role=\"img\" aria-labelledby=\"{pid}-title {pid}-desc\">",
            phase_id = escape_attr(&phase.id),
        );
        // What the image says in words: with arrows of this site's reading, that they are, and
        // which steps it reads as parallel.
        let mut reading = String::new();
        if def.arrows_provenance == Provenance::Editorial {
            reading.push_str("矢印は出典資料にはなく、本サイトが読み取った順序です。");
        }
        for run in &phase.parallel {
            reading.push_str(&format!(
                "{}は並行して進めると読んだステップで、灰色の枠で囲んでいます。",
                run.join("、")
            ));
        }
        let _ = write!(
            out,
            "<title id=\"{pid}-title\">フロー図 {} {}</title><desc id=\"{pid}-desc\">{}の「{} {}」の{}のステップ（{}）を、担当する役割（{}）の列に並べ、矢印で順序を示した図です。{}同じ内容を、図の下の「ステップ一覧」に文章で掲載しています。</desc>",
            escape_attr(&phase.number),
            escape_attr(&phase.title),
            escape_attr(&def.title),
            escape_attr(&phase.number),
            escape_attr(&phase.title),
            mine.len(),
            escape_attr(&numbers.join("、")),
            escape_attr(&role_list.join("、")),
            escape_attr(&reading),
        );
        let _ = write!(
            out,
            "<defs><marker id=\"{pid}-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path class=\"fc-arrowhead\" d=\"M0,0 L10,5 L0,10 z\" fill=\"#1a1a1c\"/></marker></defs>"
        );
        self.lanes(&mut out, pi, (start, end));
        self.phase_bar(&mut out, pi);
        joins(&mut out, &mine);
        for (_, f) in self.frames.iter().filter(|(fp, _)| *fp == pi) {
            parallel_frame(&mut out, f);
        }
        self.arrows(&mut out, pi, end, &pid);
        out.push_str("<g class=\"fc-steps\">");
        for p in &mine {
            boxes(&mut out, def, p, self.box_w);
        }
        out.push_str("</g></svg>");
        // Each box a link to its step's text.
        out.push_str("<g class=\"fc-links\" aria-hidden=\"true\">");
        for p in &mine {
            box_links(&mut out, def, p, self.box_w);
        }
        out.push_str("</g></svg>");
        out
    }

    /// The lanes, behind everything.
    fn lanes(&self, out: &mut String, pi: usize, (start, end): (i32, i32)) {
        let def = self.def;
        let top = if pi == 0 { PAD } else { start };
        let bottom = if pi + 1 == def.phases.len() {
            end - PAD
        } else {
            end
        };
        out.push_str("<g class=\"fc-lanes\">");
        for (i, r) in def.roles.iter().enumerate() {
            let _ = write!(
                out,
                "<rect class=\"fc-lane fc-lane-{}\" data-lane=\"{}\" x=\"{}\" y=\"{top}\" width=\"{LANE_W}\" height=\"{}\" fill=\"{}\"/>",
                if i % 2 == 0 { "even" } else { "odd" },
                escape_attr(&r.id),
                lane_x(i),
                bottom - top,
                if i % 2 == 0 { "#f6f6f8" } else { "#ffffff" },
            );
        }
        out.push_str("</g>");
    }

    /// The phase's title bar, then the lane labels: every band (and printed page) has them.
    fn phase_bar(&self, out: &mut String, pi: usize) {
        let def = self.def;
        let phase = &def.phases[pi];
        let top = self.bar_tops[pi];
        let _ = write!(
            out,
            "<g class=\"fc-phase\"><rect class=\"fc-phase-bar\" x=\"{PAD}\" y=\"{top}\" width=\"{}\" height=\"{PHASE_BAR}\" fill=\"#0031d8\"/><text class=\"fc-phase-title\" x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"700\" fill=\"#ffffff\">{} {}</text>",
            self.width - 2 * PAD,
            PAD + 10,
            top + 21,
            escape_attr(&phase.number),
            escape_attr(&phase.title),
        );
        for (i, r) in def.roles.iter().enumerate() {
            let _ = write!(
                out,
                "<text class=\"fc-lane-label\" data-lane=\"{}\" text-anchor=\"middle\" font-size=\"{LABEL_FONT}\" font-weight=\"700\" fill=\"#4d4d52\">",
                escape_attr(&r.id)
            );
            let lines = self.label_lines.get(i).map(Vec::as_slice).unwrap_or(&[]);
            for (n, l) in lines.iter().enumerate() {
                let _ = write!(
                    out,
                    "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                    lane_center(i),
                    top + PHASE_BAR + 6 + LABEL_FONT + n as i32 * LABEL_LINE,
                    escape_attr(l)
                );
            }
            out.push_str("</text>");
        }
        out.push_str("</g>");
    }

    /// Arrows, under the boxes. One that leaves the band ends at its edge with the number it
    /// leads to; one that enters starts below the lane labels with where it comes from.
    fn arrows(&self, out: &mut String, pi: usize, end: i32, pid: &str) {
        out.push_str("<g class=\"fc-arrows\">");
        // The ends of the arrows drawn: a step (its index) or a parallel run's frame.
        let mut drawn: HashSet<(Result<usize, usize>, Result<usize, usize>)> = HashSet::new();
        for (si, src) in self.placed.iter().enumerate() {
            for n in &src.step.next {
                let Some(&ti) = self.index.get(n.as_str()) else {
                    continue;
                };
                if ti == si || (self.phase_of[si] != pi && self.phase_of[ti] != pi) {
                    continue;
                }
                let (sr, tr) = (self.run_of.get(&si), self.run_of.get(&ti));
                if sr.is_some() && sr == tr {
                    continue; // the steps of a run are not ordered
                }
                let path =
                    if self.phase_of[si] == self.phase_of[ti] && (sr.is_some() || tr.is_some()) {
                        // Into and out of a run, one arrow each, from or to its frame.
                        let ends = (
                            sr.map_or(Ok(si), |&r| Err(r)),
                            tr.map_or(Ok(ti), |&r| Err(r)),
                        );
                        if !drawn.insert(ends) {
                            continue;
                        }
                        let from = sr.map_or(src, |&r| &self.frames[r].1);
                        let to = tr.map_or(&self.placed[ti], |&r| &self.frames[r].1);
                        route(from, to, &self.placed).map(|d| (d, None))
                    } else {
                        self.arrow_path(si, ti, pi, end)
                    };
                let Some((d, label)) = path else {
                    continue;
                };
                let run_numbers = |r: Option<&usize>, one: &str| {
                    r.map_or(one.to_string(), |&r| self.run_numbers(r))
                };
                let _ = write!(
                    out,
                    "<path class=\"fc-arrow\" data-from=\"{}\" data-to=\"{}\" d=\"{d}\" stroke=\"#1a1a1c\" stroke-width=\"1.5\" fill=\"none\" marker-end=\"url(#{pid}-arrow)\"/>",
                    escape_attr(&run_numbers(sr, &src.step.number)),
                    escape_attr(&run_numbers(tr, n)),
                );
                if let Some((x, y, anchor, text)) = label {
                    let _ = write!(
                        out,
                        "<text class=\"fc-arrow-label\" x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#1a1a1c\">{}</text>",
                        escape_attr(&text)
                    );
                }
            }
        }
        out.push_str("</g>");
    }

    /// The step numbers of run `r`, as a data attribute lists them.
    fn run_numbers(&self, r: usize) -> String {
        self.run_of
            .iter()
            .filter(|(_, &x)| x == r)
            .map(|(&i, _)| i)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|i| self.placed[i].step.number.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The path of the arrow from step `si` to step `ti` in band `pi`, with a label where it
    /// crosses the band's edge; None when it cannot be drawn.
    #[allow(clippy::type_complexity)]
    fn arrow_path(
        &self,
        si: usize,
        ti: usize,
        pi: usize,
        end: i32,
    ) -> Option<(String, Option<(i32, i32, &'static str, String)>)> {
        let (src, dst) = (&self.placed[si], &self.placed[ti]);
        if self.phase_of[si] == self.phase_of[ti] {
            return route(src, dst, &self.placed).map(|d| (d, None));
        }
        if self.phase_of[si] == pi {
            let &(lane, _) = src.lanes.last()?;
            let gx = lane_x(lane) + LANE_W;
            let sy = src.top + src.height / 2;
            return Some((
                format!("M{},{sy} H{gx} V{}", gx - BOX_INSET, end - 4),
                Some((gx - 4, end - 10, "end", format!("{} へ", dst.step.number))),
            ));
        }
        let &(lane, _) = dst.lanes.first()?;
        let gx = lane_x(lane) + BOX_INSET / 2;
        let from_y = self.bar_tops[pi] + PHASE_BAR + self.label_h + 2;
        let cx = lane_center(lane);
        Some((
            format!(
                "M{gx},{from_y} V{} H{cx} V{}",
                dst.top - ROW_GAP / 2,
                dst.top
            ),
            Some((
                gx + 4,
                from_y + 9,
                "start",
                format!("{} から", src.step.number),
            )),
        ))
    }
}

/// One step's row: its lanes (one per role it names) and its wrapped title.
fn place<'a>(
    step: &'a Step,
    lane_of: &HashMap<&str, usize>,
    text_ems: f32,
    top: i32,
) -> Placed<'a> {
    let optional = step.optional_only_roles();
    let mut lanes: Vec<(usize, bool)> = step
        .roles
        .iter()
        .filter_map(|r| {
            lane_of
                .get(r.as_str())
                .map(|&l| (l, optional.contains(r.as_str())))
        })
        .collect();
    lanes.sort_unstable();
    lanes.dedup_by_key(|(l, _)| *l);
    let indent = text_width(&step.number) + 0.4;
    let lines = wrap(&step.title, text_ems, indent);
    let extra = i32::from(lanes.iter().any(|(_, o)| *o));
    Placed {
        step,
        top,
        height: TEXT_PAD * 2 + (lines.len() as i32 + extra) * LINE,
        lanes,
        lines,
    }
}

/// The frame of each parallel run: a box around its steps' boxes (in all their lanes), and the
/// run each step is in.
fn frames<'a>(
    def: &'a FlowchartDef,
    placed: &[Placed<'a>],
    index: &HashMap<&str, usize>,
) -> (Vec<(usize, Placed<'a>)>, HashMap<usize, usize>) {
    let mut frames = Vec::new();
    let mut run_of = HashMap::new();
    for (pi, phase) in def.phases.iter().enumerate() {
        for run in &phase.parallel {
            let members: Vec<usize> = run
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect();
            let (Some(&first), Some(&last)) = (members.first(), members.last()) else {
                continue;
            };
            let mut lanes: Vec<(usize, bool)> = members
                .iter()
                .flat_map(|&m| placed[m].lanes.iter().map(|&(l, _)| (l, false)))
                .collect();
            lanes.sort_unstable();
            lanes.dedup();
            let top = placed[first].top - FRAME_PAD;
            for &m in &members {
                run_of.insert(m, frames.len());
            }
            frames.push((
                pi,
                Placed {
                    step: placed[first].step,
                    top,
                    height: placed[last].bottom() + FRAME_PAD - top,
                    lanes,
                    lines: Vec::new(),
                },
            ));
        }
    }
    (frames, run_of)
}

/// A parallel run's frame, shaded grey, with its label beside it: the steps inside have no order.
fn parallel_frame(out: &mut String, f: &Placed) {
    let (Some(&(first, _)), Some(&(last, _))) = (f.lanes.first(), f.lanes.last()) else {
        return;
    };
    let x = lane_x(first) + BOX_INSET / 2;
    let right = lane_x(last) + LANE_W - BOX_INSET / 2;
    let _ = write!(
        out,
        "<g class=\"fc-parallel\"><rect x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"#e4e4ea\" stroke=\"#4d4d52\" stroke-width=\"1\"/><text x=\"{}\" y=\"{}\" font-size=\"{LABEL_FONT}\" fill=\"#1a1a1c\"><tspan x=\"{}\">並行して進める</tspan><tspan x=\"{}\" dy=\"{LABEL_LINE}\">（順序なし・本サイトの読み）</tspan></text></g>",
        f.top,
        right - x,
        f.height,
        right + 6,
        f.top + LABEL_FONT + 2,
        right + 6,
        right + 6,
    );
}

/// Dotted connectors between the boxes of one step in several lanes.
fn joins(out: &mut String, mine: &[&Placed]) {
    out.push_str("<g class=\"fc-joins\">");
    for p in mine {
        if let (Some(first), Some(last)) = (p.lanes.first(), p.lanes.last()) {
            if first.0 != last.0 {
                let y = p.top + p.height / 2;
                let _ = write!(
                    out,
                    "<path class=\"fc-join\" d=\"M{},{y} H{}\" stroke=\"#767676\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\" fill=\"none\"/>",
                    lane_x(first.0) + LANE_W - BOX_INSET,
                    lane_x(last.0) + BOX_INSET,
                );
            }
        }
    }
    out.push_str("</g>");
}

/// All phases' SVGs, one after the other (as the page shows them).
pub fn svg(fc: &Flowchart) -> String {
    svgs(fc).into_iter().map(|p| p.svg).collect()
}

fn boxes(out: &mut String, def: &FlowchartDef, p: &Placed, box_w: i32) {
    for &(lane, optional) in &p.lanes {
        let Some(role) = def.roles.get(lane) else {
            continue;
        };
        let x = lane_x(lane) + BOX_INSET;
        let tx = x + TEXT_PAD;
        let _ = write!(
            out,
            "<g class=\"fc-box\" data-step=\"{}\" data-lane=\"{}\"><rect class=\"fc-box-rect{}\" x=\"{x}\" y=\"{}\" width=\"{box_w}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" stroke=\"#1a1a1c\" stroke-width=\"1.5\"{}/><text class=\"fc-box-text\" fill=\"#1a1a1c\">",
            escape_attr(&p.step.number),
            escape_attr(&role.id),
            if optional { " fc-optional" } else { "" },
            p.top,
            p.height,
            if optional { " stroke-dasharray=\"5 3\"" } else { "" },
        );
        for (n, l) in p.lines.iter().enumerate() {
            let ly = p.top + TEXT_PAD + FONT - 1 + n as i32 * LINE;
            if n == 0 {
                let _ = write!(
                    out,
                    "<tspan class=\"fc-num\" x=\"{tx}\" y=\"{ly}\" font-weight=\"700\">{}</tspan><tspan dx=\"5\">{}</tspan>",
                    escape_attr(&p.step.number),
                    escape_attr(l)
                );
            } else {
                let _ = write!(
                    out,
                    "<tspan x=\"{tx}\" y=\"{ly}\">{}</tspan>",
                    escape_attr(l)
                );
            }
        }
        if optional {
            let ly = p.top + TEXT_PAD + FONT - 1 + p.lines.len() as i32 * LINE;
            let _ = write!(
                out,
                "<tspan class=\"fc-optional-note\" x=\"{tx}\" y=\"{ly}\" font-size=\"11\">（必要に応じて）</tspan>"
            );
        }
        out.push_str("</text></g>");
    }
}

fn box_links(out: &mut String, def: &FlowchartDef, p: &Placed, box_w: i32) {
    let anchor = step_anchor(&p.step.number);
    for &(lane, optional) in &p.lanes {
        let Some(role) = def.roles.get(lane) else {
            continue;
        };
        let _ = write!(
            out,
            "<a class=\"fc-hit\" href=\"#{anchor}\" tabindex=\"-1\" data-step=\"{}\" data-lane=\"{}\"><title>{} {}（{}{}）</title><rect x=\"{}\" y=\"{}\" width=\"{box_w}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" fill-opacity=\"0\"/></a>",
            escape_attr(&p.step.number),
            escape_attr(&role.id),
            escape_attr(&p.step.number),
            escape_attr(&p.step.title),
            escape_attr(&role.label),
            if optional { "・必要に応じて" } else { "" },
            lane_x(lane) + BOX_INSET,
            p.top,
            p.height,
        );
    }
}

/// Path of the arrow from `src` to `dst`, or None when either has no box. Arrows go straight
/// down when the source's lane is free, else along the gutter beside the source lane, and turn
/// into the target in the gap just above it, where no box can be.
fn route(src: &Placed, dst: &Placed, all: &[Placed]) -> Option<String> {
    let (ls, lt) = src
        .lanes
        .iter()
        .flat_map(|(a, _)| dst.lanes.iter().map(move |(b, _)| (*a, *b)))
        .min_by_key(|(a, b)| (a.abs_diff(*b), *a))?;
    let sx = lane_center(ls);
    let tx = lane_center(lt);
    let turn_y = dst.top - ROW_GAP / 2;
    if dst.top >= src.bottom() {
        let blocked = all.iter().any(|p| {
            !std::ptr::eq(p, src)
                && !std::ptr::eq(p, dst)
                && p.has_lane(ls)
                && p.top < turn_y
                && p.bottom() > src.bottom()
        });
        if !blocked {
            return Some(if ls == lt {
                format!("M{sx},{} V{}", src.bottom(), dst.top)
            } else {
                format!("M{sx},{} V{turn_y} H{tx} V{}", src.bottom(), dst.top)
            });
        }
    }
    let gx = lane_x(ls) + LANE_W;
    let sy = src.top + src.height / 2;
    Some(format!(
        "M{},{sy} H{gx} V{turn_y} H{tx} V{}",
        lane_x(ls) + LANE_W - BOX_INSET,
        dst.top
    ))
}

// ---------------------------------------------------------------- page

/// Links for the home page.
pub fn home_links(site: &Site) -> Vec<Value> {
    site.flowcharts
        .iter()
        .map(|fc| {
            let steps = fc.steps().count();
            json!({
                "title": fc.def.title,
                "url": fc.url,
                "kicker": format!("{}・{}", fc.def.source.publisher, fc.def.source.issued.clone().unwrap_or_default()).trim_end_matches('・').to_string(),
                "description": format!(
                    "{}フェーズ・{}ステップの対応手順を、{}など{}つの役割ごとに、図と文章で示します。",
                    fc.def.phases.len(),
                    steps,
                    fc.def.roles.first().map(|r| r.label.as_str()).unwrap_or(""),
                    fc.def.roles.len(),
                ),
            })
        })
        .collect()
}

/// Paragraphs and `・` lists of a text block, in printed order.
fn blocks(lines: &[String], figures: &[String]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut list: Vec<Value> = Vec::new();
    for l in lines {
        let line = json!({"text": l, "figure": figures.contains(l)});
        if l.starts_with('・') {
            list.push(line);
            continue;
        }
        if !list.is_empty() {
            out.push(json!({"list": true, "lines": std::mem::take(&mut list)}));
        }
        out.push(json!({"list": false, "lines": [line]}));
    }
    if !list.is_empty() {
        out.push(json!({"list": true, "lines": list}));
    }
    out
}

/// `03-5978-7509` → `tel:0359787509`.
fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

fn page_value(fc: &Flowchart) -> Value {
    let def = &fc.def;
    let role_label = |id: &str| {
        fc.role(id)
            .map(|r| r.label.clone())
            .unwrap_or(id.to_string())
    };
    let step_link = |n: &str| {
        json!({
            "number": n,
            "title": fc.step(n).map(|s| s.title.as_str()).unwrap_or(""),
            "anchor": step_anchor(n),
        })
    };
    let mut from: HashMap<&str, Vec<&str>> = HashMap::new();
    for (_, s) in fc.steps() {
        for n in &s.next {
            from.entry(n.as_str()).or_default().push(s.number.as_str());
        }
    }
    let phases: Vec<Value> = def
        .phases
        .iter()
        .enumerate()
        .map(|(pi, phase)| {
            let steps: Vec<Value> = phase
                .steps
                .iter()
                .enumerate()
                .map(|(si, s)| {
                    let optional = s.optional_only_roles();
                    let roles: Vec<Value> = s
                        .roles
                        .iter()
                        .map(|r| json!({"id": r, "label": role_label(r), "optional": optional.contains(r.as_str())}))
                        .collect();
                    let parts: Vec<Value> = s
                        .parts
                        .iter()
                        .map(|p| json!({"label": p.label, "blocks": blocks(&p.text, &[])}))
                        .collect();
                    let references: Vec<Value> = s
                        .references
                        .iter()
                        .map(|r| json!({"title": r.title, "blocks": blocks(&r.text, &r.figures)}))
                        .collect();
                    let contacts: Vec<Value> = s
                        .contacts
                        .iter()
                        .map(|c| json!({"name": c.name, "phone": c.phone, "tel": tel_href(&c.phone)}))
                        .collect();
                    // The source shows phase changes by order, not arrows: point on to the
                    // next phase from its last step so the text reads on like the chart.
                    let next_phase = (s.next.is_empty() && si + 1 == phase.steps.len())
                        .then(|| def.phases.get(pi + 1))
                        .flatten()
                        .map(|p| json!({"title": format!("{} {}", p.number, p.title), "anchor": format!("phase-{}", p.id)}));
                    json!({
                        "number": s.number,
                        "anchor": step_anchor(&s.number),
                        "title": s.title,
                        "role_ids": s.roles.join(" "),
                        "roles": roles,
                        "parts": parts,
                        "references": references,
                        "contacts": contacts,
                        "next": s.next.iter().filter(|n| *n != &s.number).map(|n| step_link(n)).collect::<Vec<_>>(),
                        "parallel": phase.parallel.iter().find(|r| r.contains(&s.number)).map(|r| r.iter().filter(|n| *n != &s.number).map(|n| step_link(n)).collect::<Vec<_>>()),
                        "prev": from.get(s.number.as_str()).map(|v| v.iter().filter(|n| **n != s.number).map(|n| step_link(n)).collect::<Vec<_>>()).unwrap_or_default(),
                        "next_phase": next_phase,
                    })
                })
                .collect();
            json!({
                "id": phase.id,
                "anchor": format!("phase-{}", phase.id),
                "number": phase.number,
                "title": phase.title,
                "lead": phase.lead,
                "steps": steps,
            })
        })
        .collect();
    let roles: Vec<Value> = def
        .roles
        .iter()
        .map(|r| {
            let count = fc.steps().filter(|(_, s)| s.roles.contains(&r.id)).count();
            json!({"id": r.id, "label": r.label, "count": count})
        })
        .collect();
    json!({
        "id": def.id,
        "title": def.title,
        "svgs": svgs(fc).into_iter().map(|p| p.svg).collect::<Vec<_>>(),
        "roles": roles,
        "phases": phases,
        "step_count": fc.steps().count(),
        "recovery_notes": def.recovery_notes,
        "arrows_editorial": def.arrows_provenance == Provenance::Editorial,
    })
}

/// One page per flowchart, through the theme's `flowchart.html`.
pub fn outputs(site: &Site, theme: &Theme) -> Result<Vec<Output>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut outputs = Vec::new();
    if site.flowcharts.is_empty() {
        return Ok(outputs);
    }
    if !theme.templates.contains_key("flowchart.html") {
        diags.push(
            Diagnostic::error(format!("theme `{}` has no templates/flowchart.html", theme.name))
                .in_file(&theme.dir.join("templates"))
                .with_help("copy it from the default theme (`kensa init` writes one), or remove content/flowcharts/"),
        );
        return Err(diags);
    }
    for fc in &site.flowcharts {
        let ctx = page_context(site, fc);
        match theme.tera.render("flowchart.html", &ctx) {
            Ok(html) => outputs.push(Output {
                path: fc.url.clone(),
                bytes: crate::kit::minify_html(&html),
            }),
            Err(e) => diags.push(theme.template_error(e)),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(outputs)
}

/// The variables base.html needs on every page, plus `flowchart`.
fn page_context(site: &Site, fc: &Flowchart) -> Context {
    let def = &fc.def;
    let root = root_prefix(&fc.url);
    // Flowchart pages are rendered outside render_site, which alone knows about live reload.
    let mut ctx = crate::render::base_context(site, &fc.url, &def.title, false);
    ctx.insert(
        "breadcrumbs",
        &vec![json!({"title": "ホーム", "url": format!("{root}index.html")})],
    );
    let derived_from = def
        .derived_from
        .as_deref()
        .and_then(|d| site.page_by_source.get(d))
        .map(|&j| json!({"title": site.pages[j].front.title, "url": format!("{root}{}", site.pages[j].url)}));
    let steps = fc.steps().count();
    ctx.insert(
        "page",
        &json!({
            "title": def.title,
            "description": format!("{}フェーズ・{}ステップの対応手順を、役割ごとに図と文章で示します。", def.phases.len(), steps),
            "source": def.source,
            "provenance": def.provenance,
            "provenance_note": def.provenance_note,
            "derived_from": derived_from,
            "discrepancies": def.discrepancies,
        }),
    );
    ctx.insert("flowchart", &page_value(fc));
    ctx
}

// ---------------------------------------------------------------- the feature

/// The incident-response flowcharts: their checks, pages and home links.
pub struct Flowcharts;

impl Feature for Flowcharts {
    fn validate(&self, site: &Site, diags: &mut Diagnostics) {
        validate(site, diags);
    }

    fn home(&self, build: &Build, ctx: &mut Context) {
        ctx.insert("flowcharts", &home_links(build.site));
    }

    fn search_documents(&self, site: &Site, docs: &mut Vec<Doc>) {
        search_docs(site, docs);
    }

    fn outputs(&self, build: &Build) -> Result<Vec<Output>, Diagnostics> {
        outputs(build.site, build.theme)
    }
}
/// A flowchart's page, and each of its steps at the step's anchor.
fn search_docs(site: &Site, docs: &mut Vec<Doc>) {
    for fc in &site.flowcharts {
        let leads: Vec<&str> = fc
            .def
            .phases
            .iter()
            .filter_map(|p| p.lead.as_deref())
            .collect();
        docs.push(Doc {
            kind: DocKind::Flowchart,
            title: fc.def.title.clone(),
            url: fc.url.clone(),
            label: DocKind::Flowchart.label().to_string(),
            keys: String::new(),
            body: join(&leads),
        });
        for (phase, step) in fc.steps() {
            let mut body: Vec<String> = Vec::new();
            for part in &step.parts {
                body.push(part.label.clone());
                body.extend(part.text.iter().cloned());
            }
            for r in &step.references {
                body.push(r.title.clone());
                body.extend(r.text.iter().cloned());
            }
            for c in &step.contacts {
                body.push(format!("{} {}", c.name, c.phone));
            }
            let body: Vec<&str> = body.iter().map(String::as_str).collect();
            docs.push(Doc {
                kind: DocKind::Flowchart,
                title: format!("{} {}", step.number, step.title),
                url: format!("{}#{}", fc.url, step_anchor(&step.number)),
                label: format!("{} ＞ {} {}", fc.def.title, phase.number, phase.title),
                keys: String::new(),
                body: join(&body),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_keep_digits_and_dashes() {
        assert_eq!(step_anchor("2-10"), "step-2-10");
        assert_eq!(step_anchor("0-1"), "step-0-1");
        assert_eq!(step_anchor("A.1"), "step-a-1");
    }

    #[test]
    fn wrap_breaks_by_width_and_keeps_ascii_words() {
        let lines = wrap(
            "医療情報システムのベンダ及びサービス事業者等へ確認",
            10.0,
            0.0,
        );
        assert!(lines.iter().all(|l| text_width(l) <= 10.0), "{lines:?}");
        assert_eq!(
            lines.concat(),
            "医療情報システムのベンダ及びサービス事業者等へ確認"
        );
        let lines = wrap("IPAへ相談する", 2.5, 0.0);
        assert_eq!(lines[0], "IPA");
    }

    #[test]
    fn wrap_never_starts_a_line_with_closing_punctuation() {
        let lines = wrap("あいうえお、かきくけこ", 5.0, 0.0);
        assert_eq!(lines[0], "あいうえ");
        assert_eq!(lines[1], "お、かきく");
        let lines = wrap("あいうえ（かきくけこ）", 5.0, 0.0);
        assert_eq!(lines[0], "あいうえ");
        assert!(lines[1].starts_with('（'));
    }

    #[test]
    fn balanced_wrap_evens_out_the_lines() {
        let lines = wrap_balanced("医療情報システム安全管理責任者", 14.5, 0.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].chars().count() >= 7, "{lines:?}");
    }

    #[test]
    fn wrap_of_empty_text_is_one_empty_line() {
        assert_eq!(wrap("", 5.0, 0.0), vec![String::new()]);
    }
}
