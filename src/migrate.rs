//! Carrying answer files over to a newer edition (`kensa migrate`, and the form's import of an
//! earlier edition's file).
//!
//! The rules are computed here from the lineage (src/lineage.rs) and published as data, a
//! "plan" per pair of checklists: in the newer checklist's JSON and in
//! `assets/migrations-data.js` for the form. Both `kensa migrate` and the form's
//! themes/default/static/js/migrate.js apply the same plan with the same steps, so that a file
//! carried over in the browser and on the command line is the same file:
//!
//! - an answer of an unchanged item is carried over; of a reworded or merged item, carried over
//!   with `"confirm": "reworded"` (not counted as answered until the user confirms it);
//! - an item new in this edition is left blank;
//! - every answer not carried (a removed item's, a second answer of merged items, a form field,
//!   switch or gate the new edition has not) is kept under `earlier`, with the item's label and
//!   text, so that no answer of the old file is ever dropped.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

use crate::lineage::Relation;
use crate::model::*;

/// The browser's global with every checklist's plans (a classic script: file:// cannot fetch).
pub const DATA_URL: &str = "assets/migrations-data.js";
/// The global the script at `DATA_URL` defines, which the form's import reads.
pub const DATA_GLOBAL: &str = "KENSA_MIGRATIONS";
/// The mark on a carried answer whose item's wording changed.
pub const CONFIRM: &str = "reworded";

fn checklist_block(site: &Site, c: &Checklist) -> Value {
    json!({
        "id": c.def.id,
        "edition": c.def.edition,
        "edition_name": site.edition(&c.def.edition).map(|e| e.name.clone()).unwrap_or_default(),
        "definition_hash": c.definition_hash,
        "title": c.def.title,
        "form": c.def.form,
    })
}

/// The shape of one side of a plan: what an answer file of it holds.
fn side(site: &Site, c: &Checklist) -> Value {
    let items: Vec<Value> = c
        .def
        .items
        .iter()
        .map(|i| {
            json!([
                i.id,
                crate::item_rules::form_label(&c.def, i),
                i.text,
                i.unless_switch_off
            ])
        })
        .collect();
    json!({
        "checklist": checklist_block(site, c),
        "dated": c.def.answer == AnswerKind::YesNoDated,
        "gate": c.def.gate.is_some(),
        "fields": c.def.form_fields.iter().map(|f| &f.id).collect::<Vec<_>>(),
        "switches": c.def.switches.iter().map(|s| &s.id).collect::<Vec<_>>(),
        "items": items,
    })
}

/// The plan that carries answer files of `rel.old` over to `rel.new`: both sides' shapes and,
/// per item of the new side, the earlier items it descends from and whether its answers need
/// confirming. Arrays, not objects, so that JS keeps the order (it sorts numeric keys).
pub fn plan(site: &Site, rel: &Relation) -> Value {
    let carry: Vec<Value> = rel
        .lines
        .iter()
        .map(|l| {
            json!([
                l.item.id,
                l.from.iter().map(|i| &i.id).collect::<Vec<_>>(),
                l.reworded
            ])
        })
        .collect();
    json!({"from": side(site, rel.old), "to": side(site, rel.new), "carry": carry})
}

/// Every plan that carries files over to `c`, nearest earlier edition first.
pub fn plans_to(site: &Site, c: &Checklist) -> Vec<Value> {
    crate::lineage::ancestors(site, c)
        .into_iter()
        .filter_map(|old| crate::lineage::relation(site, old, c))
        .map(|rel| plan(site, &rel))
        .collect()
}

/// The data script the form loads when a file of an earlier edition is imported.
pub fn data_script(site: &Site) -> String {
    let mut all = serde_json::Map::new();
    for c in &site.checklists {
        let plans = plans_to(site, c);
        if !plans.is_empty() {
            all.insert(c.def.id.clone(), Value::Array(plans));
        }
    }
    let json = serde_json::to_string(&all)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    format!("var {DATA_GLOBAL} = {json};\n")
}

// ---------------------------------------------------------------- applying a plan

/// A JSON value whose objects keep the order their keys were put in (serde_json's own map
/// sorts them): the carried file reads like one the form wrote.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An object, its keys in the order put.
    Object(Vec<(String, Node)>),
    /// An array.
    Array(Vec<Node>),
    /// Anything but an object or array, as serde_json has it.
    Value(Value),
}

impl Node {
    fn object() -> Node {
        Node::Object(Vec::new())
    }
    fn put(&mut self, key: &str, value: impl Into<Node>) {
        if let Node::Object(v) = self {
            v.push((key.to_string(), value.into()));
        }
    }
    fn len(&self) -> usize {
        match self {
            Node::Object(v) => v.len(),
            Node::Array(v) => v.len(),
            Node::Value(_) => 0,
        }
    }
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(v) => v.iter().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }
    /// As a serde_json value (sorted keys), for tests and comparisons.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl From<Value> for Node {
    fn from(v: Value) -> Node {
        Node::Value(v)
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Value(v) => v.serialize(s),
            Node::Array(items) => items.serialize(s),
            Node::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// What a carry-over did, for the summary shown before anything is written.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The earlier edition's name (令和5年度版).
    pub from: String,
    /// The newer edition's name.
    pub to: String,
    /// Labels of items whose answers are carried as they are.
    pub carried: Vec<String>,
    /// Labels of items whose answers are carried and wait for confirmation.
    pub reworded: Vec<String>,
    /// Labels of items new in this edition.
    pub added: Vec<String>,
    /// Labels of earlier items whose answers are kept under `earlier`.
    pub kept: Vec<String>,
    /// How many form fields, switches and gate answers are kept under `earlier`.
    pub kept_other: usize,
    /// The file was filled against another text of the earlier definition.
    pub other_hash: bool,
}

/// `label　text…`: how the summary names an item.
fn named(row: &Value) -> String {
    let text: Vec<char> = row[2].as_str().unwrap_or_default().chars().collect();
    let short: String = text.iter().take(24).collect();
    format!(
        "{}　{short}{}",
        row[1].as_str().unwrap_or_default(),
        if text.len() > 24 { "…" } else { "" }
    )
}

impl Summary {
    /// The summary as lines of text, the same the form shows.
    pub fn lines(&self) -> Vec<String> {
        let list = |v: &[String]| {
            if v.is_empty() {
                String::new()
            } else {
                format!("：{}", v.join("／"))
            }
        };
        let mut out = vec![format!(
            "{}の回答を{}の様式に引き継ぎます。",
            self.from, self.to
        )];
        out.push(format!("そのまま引き継ぐ回答：{}項目", self.carried.len()));
        if !self.reworded.is_empty() {
            out.push(format!(
                "文言が変わりました。内容を確認してください（{}項目、確認するまで回答済みに数えません）{}",
                self.reworded.len(),
                list(&self.reworded)
            ));
        }
        if !self.added.is_empty() {
            out.push(format!(
                "この版で新しい項目（未記入です）（{}項目）{}",
                self.added.len(),
                list(&self.added)
            ));
        }
        if !self.kept.is_empty() || self.kept_other > 0 {
            out.push(format!(
                "この版にない項目の回答は「以前の版の回答」としてファイルに残し、回答の確認に表示します（{}項目{}）{}",
                self.kept.len(),
                if self.kept_other > 0 { format!("、記入欄など{}件", self.kept_other) } else { String::new() },
                list(&self.kept)
            ));
        }
        if self.other_hash {
            out.push(format!(
                "このファイルは、{}の今の定義とは異なる定義に対して記入されています。引き継いだ回答を確認してください。",
                self.from
            ));
        }
        out
    }
}

/// Something was answered: an answer, a date (or what was typed of one) in any round, or a note.
pub fn answered(item: &Value) -> bool {
    let note = item["note"].as_str().is_some_and(|n| !n.is_empty());
    note || ["r1", "target", "r2"].iter().any(|r| {
        let o = &item[r];
        !o["answer"].is_null() || !o["date"].is_null() || o.get("date_input").is_some()
    })
}

/// One round as the form writes it: `answer` (not for 目標日), `date` for dated forms, and
/// what was typed when it is not a date.
fn round(old: &Value, answer: bool, dated: bool) -> Node {
    let mut o = Node::object();
    if answer {
        o.put("answer", old["answer"].clone());
    }
    if dated {
        o.put("date", old["date"].clone());
        if let Some(typed) = old.get("date_input") {
            o.put("date_input", typed.clone());
        }
    }
    o
}

/// An item's answers as the form writes them (blank when `old` is null).
fn item_answers(old: &Value, dated: bool, status: &str) -> Node {
    let mut o = Node::object();
    o.put("r1", round(&old["r1"], true, dated));
    if dated {
        o.put("target", round(&old["target"], false, true));
        o.put("r2", round(&old["r2"], true, true));
    }
    o.put("note", json!(old["note"].as_str().unwrap_or_default()));
    o.put("status", json!(status));
    o
}

/// What the steps of [`apply`] share: the plan's two sides and the file being carried over.
struct Carry<'a> {
    from: &'a Value,
    to: &'a Value,
    doc: &'a Value,
    summary: Summary,
    /// What is kept under `earlier` for this carry-over.
    kept: Node,
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

impl Carry<'_> {
    /// Form fields and switches the new side has are carried (blank when the file has none);
    /// the others, when answered, are kept. `blank` is what an unanswered one holds.
    fn values(&mut self, group: &str, blank: Value) -> Node {
        let (doc, wanted) = (&self.doc[group], ids(&self.to[group]));
        let mut carried = Node::object();
        for id in &wanted {
            let v = doc.get(id).cloned().unwrap_or(blank.clone());
            carried.put(id, v);
        }
        let mut kept = Node::object();
        for id in ids(&self.from[group])
            .iter()
            .filter(|f| !wanted.contains(f))
        {
            if doc.get(id).is_some_and(|v| *v != blank && !v.is_null()) {
                kept.put(id, doc[id.as_str()].clone());
            }
        }
        self.summary.kept_other += kept.len();
        self.kept.put(group, kept);
        carried
    }

    /// Every item of the new side, in its order: the answers of the first earlier item that has
    /// any (marked for confirmation when reworded), or blank. Returns the items and the ids of
    /// the earlier items whose answers were carried.
    fn items(&mut self, carry: &[Value], gate: &Value, switches: &Node) -> (Node, Vec<String>) {
        let dated = self.to["dated"].as_bool().unwrap_or(true);
        let mut items = Node::object();
        let mut used: Vec<String> = Vec::new();
        for row in self.to["items"].as_array().into_iter().flatten() {
            let id = row[0].as_str().unwrap_or_default();
            let line = carry.iter().find(|c| c[0] == id);
            let preds = line.map(|l| ids(&l[1])).unwrap_or_default();
            let switch_off = row[3]
                .as_str()
                .is_some_and(|sw| switches.get(sw) == Some(&Node::Value(json!("no"))));
            let status = if *gate == "no" || switch_off {
                "not_applicable"
            } else {
                "applicable"
            };
            let old = &self.doc["items"];
            let source = preds.iter().find(|p| answered(&old[p.as_str()]));
            let mut answers = item_answers(
                source.map_or(&Value::Null, |p| &old[p.as_str()]),
                dated,
                status,
            );
            match source {
                Some(p) => {
                    used.push(p.clone());
                    let reworded = line.is_some_and(|l| l[2] == true);
                    if reworded || old[p.as_str()].get("confirm").is_some() {
                        answers.put("confirm", json!(CONFIRM));
                        self.summary.reworded.push(named(row));
                    } else {
                        self.summary.carried.push(named(row));
                    }
                }
                None if preds.is_empty() => self.summary.added.push(named(row)),
                None => {}
            }
            items.put(id, answers);
        }
        (items, used)
    }

    /// The earlier items whose answers were not carried, kept with their label and text.
    fn keep_items(&mut self, used: &[String]) {
        let mut kept = Node::object();
        for row in self.from["items"].as_array().into_iter().flatten() {
            let id = row[0].as_str().unwrap_or_default();
            let old = &self.doc["items"][id];
            if used.iter().any(|u| u == id) || !answered(old) {
                continue;
            }
            let mut o = Node::object();
            for key in ["r1", "target", "r2", "note", "status", "confirm"] {
                if let Some(v) = old.get(key) {
                    o.put(key, v.clone());
                }
            }
            o.put("label", row[1].clone());
            o.put("text", row[2].clone());
            self.summary.kept.push(named(row));
            kept.put(id, o);
        }
        self.kept.put("items", kept);
    }
}

/// Carries `doc`, a file of the plan's earlier checklist (already checked against its shape),
/// over to the newer one. `generator` names this program, as the form's export does.
pub fn apply(plan: &Value, doc: &Value, generator: &str) -> (Node, Summary) {
    let (from, to) = (&plan["from"], &plan["to"]);
    let name = |side: &Value| {
        side["checklist"]["edition_name"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let mut kept = Node::object();
    kept.put("checklist", doc["checklist"].clone());
    let mut c = Carry {
        from,
        to,
        doc,
        summary: Summary {
            from: name(from),
            to: name(to),
            other_hash: doc["checklist"]["definition_hash"] != from["checklist"]["definition_hash"],
            ..Summary::default()
        },
        kept,
    };
    let mut out = Node::object();
    out.put("format", json!(crate::answers::ANSWERS_FORMAT));
    out.put(
        "format_version",
        json!(crate::answers::ANSWERS_FORMAT_VERSION),
    );
    out.put("generator", json!(generator));
    let mut block = Node::object();
    for key in ["id", "edition", "definition_hash", "title", "form"] {
        block.put(key, to["checklist"][key].clone());
    }
    out.put("checklist", block);
    if let Some(copy) = doc.get("copy") {
        out.put("copy", copy.clone());
    }
    out.put("updated_at", doc["updated_at"].clone());
    out.put("fields", c.values("fields", json!("")));
    let gate = if to["gate"] == true {
        doc["gate"].clone()
    } else {
        Value::Null
    };
    if to["gate"] != true && !doc["gate"].is_null() {
        c.kept.put("gate", doc["gate"].clone());
        c.summary.kept_other += 1;
    }
    out.put("gate", gate.clone());
    let switches = c.values("switches", Value::Null);
    let carry = plan["carry"].as_array().cloned().unwrap_or_default();
    let (items, used) = c.items(&carry, &gate, &switches);
    out.put("switches", switches);
    out.put("items", items);
    c.keep_items(&used);
    let mut earlier: Vec<Node> = doc["earlier"]
        .as_array()
        .into_iter()
        .flatten()
        .cloned()
        .map(Node::Value)
        .collect();
    earlier.push(c.kept);
    out.put("earlier", Node::Array(earlier));
    (out, c.summary)
}

// ---------------------------------------------------------------- kensa migrate

/// One answer file given to `kensa migrate`: its path and its bytes, or why they were not read.
pub struct Input {
    /// The path as given on the command line.
    pub path: std::path::PathBuf,
    /// The file's bytes, or why it could not be read.
    pub bytes: Result<Vec<u8>, String>,
}

/// Where a carried file was written and what was done, or why the file was not carried over.
pub type Outcome = Result<(std::path::PathBuf, Summary), String>;

/// The name of the carried file: the export's `r5-yakkyoku_…` becomes `r6-yakkyoku_…`; any
/// other name gets the edition added.
fn carried_name(name: &str, old_id: &str, new: &Checklist) -> String {
    match name.strip_prefix(old_id) {
        Some(rest) => format!("{}{rest}", new.def.id),
        None => {
            let stem = name.strip_suffix(".json").unwrap_or(name);
            format!("{stem}_{}.json", new.def.edition)
        }
    }
}

/// Carries each file over to edition `to`, writing `<out>/<name>` (beside the file without
/// `out`), never over an existing file.
pub fn run(site: &Site, inputs: &[Input], to: &str, out: Option<&std::path::Path>) -> Vec<Outcome> {
    inputs
        .iter()
        .map(|i| carry_file(site, i, to, out))
        .collect()
}

fn carry_file(site: &Site, input: &Input, to: &str, out: Option<&std::path::Path>) -> Outcome {
    use crate::answers::{self, printable};
    let bytes = input.bytes.as_ref().map_err(Clone::clone)?;
    let doc = answers::parse(bytes).map_err(|e| e.message)?;
    let id = answers::checklist_id(&doc).map_err(|e| e.message)?;
    let old = site.checklist(id).ok_or_else(|| {
        format!(
            "チェックリスト「{}」はこのサイトにありません。",
            printable(id)
        )
    })?;
    let to_name = site.edition(to).map_or(to, |e| e.name.as_str());
    if old.def.edition == to {
        return Err(format!("すでに{to_name}の回答ファイルです。"));
    }
    let new = crate::lineage::descendants(site, old)
        .into_iter()
        .find(|c| c.def.edition == to)
        .ok_or_else(|| {
            format!(
                "「{}（{}）」には{to_name}の様式がありません（引き継げるのは、同じ様式の新しい版だけです）。",
                old.def.title, old.def.form
            )
        })?;
    answers::check_shape(&doc, old).map_err(|(path, what)| {
        format!(
            "回答ファイルの中身が正しくありません（{}：{what}）。チェックリストのページで書き出したファイルを、書き換えずに使ってください。",
            printable(&path)
        )
    })?;
    let rel =
        crate::lineage::relation(site, old, new).ok_or("この版どうしの対応が見つかりません。")?;
    let (carried, summary) = apply(
        &plan(site, &rel),
        &doc,
        &format!("kensa {}", env!("CARGO_PKG_VERSION")),
    );
    let name = input
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = out
        .map(std::path::Path::to_path_buf)
        .or_else(|| input.path.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_default();
    let path = dir.join(carried_name(&name, id, new));
    let text = serde_json::to_string_pretty(&carried).unwrap_or_default() + "\n";
    write_new(&path, &text).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} がすでにあるため、上書きせずに止めました。",
                path.display()
            )
        } else {
            format!("{} に書き出せませんでした（{e}）。", path.display())
        }
    })?;
    Ok((path, summary))
}

/// Writes a file that must not exist yet; a failed write leaves no partial file.
fn write_new(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes()).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}
