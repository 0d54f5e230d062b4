//! Inspection: checks a facility's filled checklists against the 立入検査の手引き. The rules are
//! data in each checklist definition (`inspection:`); this engine knows only the rule kinds.
//! themes/default/static/js/inspect.js implements the same engine for the browser; both are
//! tested against the vectors in tests/inspection/.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::model::*;

pub const ANSWERS_FORMAT: &str = "kensa-answers";
pub const ANSWERS_FORMAT_VERSION: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The file cannot be inspected (broken, another format, unknown checklist).
    Error,
    /// Something the 手引き requires is missing.
    Fail,
    /// The inspector must check this on site (e.g. see the 連絡体制図).
    Onsite,
    /// What to advise the facility.
    Advice,
    /// Worth knowing, not a problem (items exempted by a rule, another edition's file).
    Info,
    Pass,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    pub checklist: Option<String>,
    pub rule: String,
    pub heading: Option<String>,
    pub status: Status,
    pub item: Option<String>,
    pub message: String,
    pub quote: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.findings
            .iter()
            .any(|f| matches!(f.status, Status::Fail | Status::Error))
    }
    pub fn count(&self, status: Status) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }
}

/// One answer file, read and matched to its checklist.
struct Sheet<'a> {
    name: String,
    checklist: &'a Checklist,
    answers: Value,
}

impl Sheet<'_> {
    fn item(&self, id: &str) -> Option<&Value> {
        self.answers.get("items").and_then(|i| i.get(id))
    }
    fn answer(&self, id: &str, round: &str) -> Option<&str> {
        self.item(id)?.get(round)?.get("answer")?.as_str()
    }
    fn date(&self, id: &str, round: &str) -> Option<&str> {
        let d = self.item(id)?.get(round)?.get("date")?.as_str()?;
        valid_date(d).then_some(d)
    }
    fn switch(&self, id: &str) -> Option<&str> {
        self.answers.get("switches")?.get(id)?.as_str()
    }
    fn gate(&self) -> Option<&str> {
        self.answers.get("gate")?.as_str()
    }
    fn vendor_name(&self) -> Option<&str> {
        self.answers
            .get("fields")?
            .get("vendor_name")?
            .as_str()
            .filter(|s| !s.trim().is_empty())
    }
}

/// `YYYY-MM-DD` naming a real day.
pub fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (
        parts[0].parse::<u32>(),
        parts[1].parse::<u32>(),
        parts[2].parse::<u32>(),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && y >= 1900
}

/// Inspects the files of one facility: its own form and any number of vendor forms.
/// `files` are (file name, file text).
pub fn inspect(site: &Site, files: &[(String, String)]) -> Report {
    let mut findings = Vec::new();
    let mut sheets: Vec<Sheet> = Vec::new();
    for (name, text) in files {
        match read_sheet(site, name, text) {
            Ok((sheet, notes)) => {
                findings.extend(notes);
                sheets.push(sheet);
            }
            Err(f) => findings.push(f),
        }
    }
    let facility: Vec<&Sheet> = sheets
        .iter()
        .filter(|s| s.checklist.def.audience == Audience::Facility)
        .collect();
    let vendors: Vec<&Sheet> = sheets
        .iter()
        .filter(|s| s.checklist.def.audience == Audience::Vendor)
        .collect();
    if facility.len() > 1 {
        for s in &facility[1..] {
            findings.push(file_finding(
                &s.name,
                Some(&s.checklist.def.id),
                Status::Error,
                "同じ施設の確認用チェックリストが複数あります。施設ごとに分けて検査してください。"
                    .into(),
            ));
        }
    }
    for sheet in &sheets {
        inspect_sheet(sheet, facility.first().copied(), &vendors, &mut findings);
    }
    Report { findings }
}

fn file_finding(file: &str, checklist: Option<&str>, status: Status, message: String) -> Finding {
    Finding {
        file: file.into(),
        checklist: checklist.map(Into::into),
        rule: "file".into(),
        heading: None,
        status,
        item: None,
        message,
        quote: None,
    }
}

fn read_sheet<'a>(
    site: &'a Site,
    name: &str,
    text: &str,
) -> Result<(Sheet<'a>, Vec<Finding>), Finding> {
    let err = |m: String| file_finding(name, None, Status::Error, m);
    let answers: Value = serde_json::from_str(text).map_err(|e| {
        err(format!(
            "JSONとして読めません（{}行{}列）。ファイルが壊れていないか確認してください。",
            e.line(),
            e.column()
        ))
    })?;
    if answers.get("format").and_then(Value::as_str) != Some(ANSWERS_FORMAT) {
        return Err(err("チェックリストの回答ファイルではありません（format が kensa-answers ではありません）。".into()));
    }
    let version = answers
        .get("format_version")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if version == 0 || version > ANSWERS_FORMAT_VERSION {
        return Err(err(format!("回答ファイルの形式バージョン {version} には対応していません（対応：{ANSWERS_FORMAT_VERSION}）。新しい版のサイトで確認してください。")));
    }
    let id = answers
        .get("checklist")
        .and_then(|c| c.get("id"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(checklist) = site.checklist(id) else {
        return Err(err(format!(
            "チェックリスト「{id}」はこのサイトにありません。"
        )));
    };
    if checklist.def.inspection.is_none() {
        return Err(file_finding(
            name,
            Some(id),
            Status::Error,
            format!(
                "「{}（{}）」は立入検査の対象ではありません。",
                checklist.def.title, checklist.def.form
            ),
        ));
    }
    let mut notes = Vec::new();
    if let Some(items) = answers.get("items").and_then(Value::as_object) {
        let unknown: Vec<&String> = items
            .keys()
            .filter(|k| !checklist.def.items.iter().any(|i| &i.id == *k))
            .collect();
        if !unknown.is_empty() {
            let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            return Err(file_finding(name, Some(id), Status::Error, format!("このチェックリストにない項目があります：{}。別の版のファイルではないか確認してください。", list.join("、"))));
        }
    }
    let hash = answers
        .get("checklist")
        .and_then(|c| c.get("definition_hash"))
        .and_then(Value::as_str);
    if hash.is_some_and(|h| h != checklist.definition_hash) {
        notes.push(file_finding(name, Some(id), Status::Info,
            "このファイルは、現在とは異なる版のチェックリスト定義で記入されています。項目の文言が変わっていないか確認してください。".into()));
    }
    Ok((
        Sheet {
            name: name.into(),
            checklist,
            answers,
        },
        notes,
    ))
}

fn item_label(c: &Checklist, item: &Item) -> String {
    let section = c
        .def
        .sections
        .iter()
        .find(|s| s.id == item.section)
        .map(|s| s.number.as_str())
        .unwrap_or("");
    let target = item
        .target
        .as_ref()
        .and_then(|t| c.def.targets.iter().find(|x| &x.id == t))
        .map(|t| format!("（{}）", t.text.split("について").next().unwrap_or(&t.text)))
        .unwrap_or_default();
    format!("{section}{}{target}", item.number)
}

fn inspect_sheet(
    sheet: &Sheet,
    facility: Option<&Sheet>,
    vendors: &[&Sheet],
    findings: &mut Vec<Finding>,
) {
    let c = sheet.checklist;
    let Some(insp) = &c.def.inspection else {
        return;
    };
    let heading_title = |id: &str| {
        insp.headings
            .iter()
            .find(|h| h.id == id)
            .map(|h| h.title.clone())
    };
    let mut push = |rule: &InspectionRule, status: Status, item: Option<&Item>, message: String| {
        findings.push(Finding {
            file: sheet.name.clone(),
            checklist: Some(c.def.id.clone()),
            rule: rule.id.clone(),
            heading: heading_title(&rule.heading),
            status,
            item: item.map(|i| i.id.clone()),
            message,
            quote: Some(rule.quote.clone()),
        });
    };
    let rule_of = |kind: RuleKind| insp.rules.iter().find(|r| r.kind == kind);
    let who = match sheet.vendor_name() {
        Some(v) => format!("「{}」（{}）", c.def.form, v),
        None => format!("「{}」", c.def.form),
    };

    if let (Some(rule), Some(gate)) = (rule_of(RuleKind::GateSkipsAll), &c.def.gate) {
        match sheet.gate() {
            Some("no") => {
                push(
                    rule,
                    Status::Pass,
                    None,
                    format!(
                        "{who}：「{}」が「いいえ」のため、以下すべての項目は確認不要です。",
                        gate.label
                    ),
                );
                return;
            }
            Some("yes") => {}
            _ => {
                push(
                    rule,
                    Status::Fail,
                    None,
                    format!("{who}：「{}」が記入されていません。", gate.label),
                );
            }
        }
    }

    let exempt_switch =
        rule_of(RuleKind::SwitchExempts).and_then(|r| r.switch.clone().map(|s| (r, s)));
    let covered_rule = rule_of(RuleKind::CoveredByOtherSheets);
    let mut missing = 0;
    for item in c
        .def
        .items
        .iter()
        .filter(|i| insp.inspected_phases.contains(&i.phase))
    {
        let label = item_label(c, item);
        if let (Some(s), Some((rule, switch))) = (&item.unless_switch_off, &exempt_switch) {
            if s == switch && sheet.switch(switch) == Some("no") {
                push(
                    rule,
                    Status::Info,
                    Some(item),
                    format!("{who} {label}：事業者と契約していないため、確認不要です。"),
                );
                continue;
            }
        }
        let answer = sheet.answer(&item.id, "r1");
        let date = sheet.date(&item.id, "r1");
        if let Some(rule) = rule_of(RuleKind::FirstRoundAnswered) {
            if answer.is_none() || date.is_none() {
                let covered_by = covered_rule.and_then(|_| {
                    if answer.is_some() {
                        return None; // answered without a date: a date is still required
                    }
                    let others = facility
                        .into_iter()
                        .chain(vendors.iter().copied())
                        .filter(|o| o.name != sheet.name);
                    others.into_iter().find(|o| {
                        o.answer(&item.id, "r1").is_some() && o.date(&item.id, "r1").is_some()
                    })
                });
                match (covered_by, covered_rule) {
                    (Some(other), Some(cr)) => {
                        let other_label = match other.vendor_name() {
                            Some(v) => format!("「{}」（{}）", other.checklist.def.form, v),
                            None => format!("「{}」", other.checklist.def.form),
                        };
                        push(cr, Status::Pass, Some(item), format!("{who} {label}：未記入ですが、{other_label}に記入があるため問題ありません。"));
                    }
                    _ => {
                        missing += 1;
                        let what = match (answer, date) {
                            (None, None) => "１回目の確認結果（「はい」または「いいえ」と日付）が記入されていません。",
                            (None, Some(_)) => "１回目の「はい」または「いいえ」が記入されていません。",
                            _ => "１回目の確認日が記入されていないか、正しい日付ではありません。",
                        };
                        push(
                            rule,
                            Status::Fail,
                            Some(item),
                            format!("{who} {label}：{what}"),
                        );
                    }
                }
            }
        }
        if answer == Some("no") {
            if let Some(rule) = rule_of(RuleKind::NoNeedsTargetDate) {
                if sheet.date(&item.id, "target").is_none() {
                    push(
                        rule,
                        Status::Fail,
                        Some(item),
                        format!("{who} {label}：「いいえ」ですが、目標日が記入されていません。"),
                    );
                }
                if let Some(advice) = &rule.advice {
                    push(
                        rule,
                        Status::Advice,
                        Some(item),
                        format!("{who} {label}：{advice}"),
                    );
                }
            }
        }
        for rule in insp
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::OnsiteDocument && r.keys.contains(&item.key))
        {
            let when = rule.when.unwrap_or(OnsiteWhen::Any);
            match (when, answer) {
                (OnsiteWhen::Any, _) | (OnsiteWhen::Yes, Some("yes")) => {
                    push(
                        rule,
                        Status::Onsite,
                        Some(item),
                        format!("{who} {label}：現物を見て確認してください。"),
                    );
                }
                _ => {}
            }
            if answer == Some("no") {
                if let Some(advice) = &rule.advice {
                    push(
                        rule,
                        Status::Advice,
                        Some(item),
                        format!("{who} {label}：{advice}"),
                    );
                }
            }
        }
    }
    if missing == 0 {
        if let Some(rule) = rule_of(RuleKind::FirstRoundAnswered) {
            push(
                rule,
                Status::Pass,
                None,
                format!("{who}：確認対象の項目すべてに１回目の確認結果が記入されています。"),
            );
        }
    }
    if let Some(rule) = rule_of(RuleKind::VendorSheetsRequired) {
        let switch = rule.switch.as_deref().unwrap_or("vendor_contract");
        let own_vendor_id = insp.vendor_checklist.as_deref();
        let theirs: Vec<&&Sheet> = vendors
            .iter()
            .filter(|v| Some(v.checklist.def.id.as_str()) == own_vendor_id)
            .collect();
        match sheet.switch(switch) {
            Some("yes") if theirs.is_empty() => push(rule, Status::Fail, None, format!("{who}：事業者と契約していますが、「事業者確認用」が提出されていません。契約しているすべての事業者の「事業者確認用」を確認してください。")),
            Some("yes") => push(rule, Status::Onsite, None, format!("{who}：「事業者確認用」{}件を確認しました。契約している事業者がほかにないか確認してください。", theirs.len())),
            Some("no") => push(rule, Status::Info, None, format!("{who}：事業者と契約していないため、「事業者確認用」は不要です。")),
            _ => push(rule, Status::Onsite, None, format!("{who}：事業者との契約の有無が記入されていません。契約している場合は「事業者確認用」を確認してください。")),
        }
    }
    if let Some(rule) = rule_of(RuleKind::ReferenceNotInspected) {
        let n = c
            .def
            .items
            .iter()
            .filter(|i| !insp.inspected_phases.contains(&i.phase))
            .count();
        if n > 0 {
            push(
                rule,
                Status::Info,
                None,
                format!("{who}：参考項目{n}件は検査の対象外です。"),
            );
        }
    }
}

/// Findings as CSV, one row each, for collecting many facilities' returns.
pub fn to_csv(groups: &[(String, Report)]) -> String {
    let mut out = String::from("facility,file,checklist,heading,rule,status,item,message\n");
    for (facility, report) in groups {
        for f in &report.findings {
            let row = [
                facility.as_str(),
                &f.file,
                f.checklist.as_deref().unwrap_or(""),
                f.heading.as_deref().unwrap_or(""),
                &f.rule,
                status_word(f.status),
                f.item.as_deref().unwrap_or(""),
                &f.message,
            ];
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Error => "error",
        Status::Fail => "fail",
        Status::Onsite => "onsite",
        Status::Advice => "advice",
        Status::Info => "info",
        Status::Pass => "pass",
    }
}

pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Error => "読めないファイル",
        Status::Fail => "不足",
        Status::Onsite => "現地で確認",
        Status::Advice => "助言",
        Status::Info => "参考",
        Status::Pass => "適合",
    }
}

/// Plain-text report grouped by the 手引き's headings, for the terminal.
pub fn to_text(facility: &str, report: &Report) -> String {
    let mut out = format!("== {facility}\n");
    let mut groups: BTreeMap<(String, String), Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        groups
            .entry((
                f.file.clone(),
                f.heading.clone().unwrap_or_else(|| "ファイル".into()),
            ))
            .or_default()
            .push(f);
    }
    for ((file, heading), list) in groups {
        out.push_str(&format!("\n{file} — {heading}\n"));
        let mut list = list;
        list.sort_by_key(|f| f.status);
        for f in list {
            out.push_str(&format!("  [{}] {}\n", status_label(f.status), f.message));
        }
    }
    out.push_str(&format!(
        "\n不足 {}件、現地で確認 {}件、助言 {}件、読めないファイル {}件\n",
        report.count(Status::Fail),
        report.count(Status::Onsite),
        report.count(Status::Advice),
        report.count(Status::Error)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_days() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2023-13-01"));
        assert!(!valid_date("2023-1-01"));
        assert!(!valid_date(""));
    }

    #[test]
    fn csv_quotes_cells_with_commas() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_cell("plain"), "plain");
    }
}
