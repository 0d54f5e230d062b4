//! Inspection: checks a facility's filled checklists against the 立入検査の手引き. The rules are
//! data in each checklist definition (`inspection:`); this engine knows only the rule kinds.
//! themes/default/static/js/inspect.js implements the same engine for the browser; both are
//! tested against the vectors in tests/inspection/.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::answers::{self, printable};
use crate::model::*;

pub use crate::answers::{ANSWERS_FORMAT, ANSWERS_FORMAT_VERSION, YEARS};

/// How a finding stands, gravest first (the text report lists findings in this order).
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
    /// The rule is met.
    Pass,
}

/// One thing the inspection found about a file, an item or the whole return.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The file's name in its folder, as given to `inspect`.
    pub file: String,
    /// Id of the checklist the file answers, once known.
    pub checklist: Option<String>,
    /// Id of the rule (`InspectionRule::id`); `file` for findings about the file itself.
    pub rule: String,
    /// The 手引き's heading the rule is under.
    pub heading: Option<String>,
    /// How the finding stands.
    pub status: Status,
    /// Id of the item concerned, if one is.
    pub item: Option<String>,
    /// What was found and what to do, in Japanese.
    pub message: String,
    /// The 手引き's words the finding rests on.
    pub quote: Option<String>,
}

/// What the inspection of one return found.
#[derive(Debug, Clone, Serialize)]
pub struct Report<'c> {
    /// Every finding, in the order found.
    pub findings: Vec<Finding>,
    /// Every sheet that could be read, with its answers, when asked for (`inspect_with`): the
    /// rows of the answers table (`tables::csv_answers`).
    #[serde(skip)]
    pub sheets: Vec<SheetAnswers<'c>>,
}

/// One sheet read, kept for the answers table: its parsed file and the verdict on each item.
#[derive(Debug, Clone)]
pub struct SheetAnswers<'c> {
    /// The file's name in its folder, as given to `inspect`.
    pub file: String,
    /// The checklist the file answers.
    pub checklist: &'c Checklist,
    /// The vendor's 事業者名 on vendor forms, else empty.
    pub vendor: String,
    /// The gravest finding about each item (as `def.items`), `Pass` when none.
    pub status: Vec<Status>,
    doc: Value,
}

impl SheetAnswers<'_> {
    /// What the file holds for `item`'s `round` (`r1`, `r2`, `target`), if anything.
    pub fn round(&self, item: &Item, round: &str) -> Option<&Value> {
        self.doc.get("items")?.get(&item.id)?.get(round)
    }
    /// Whether the form shows the item (the gate or a switch hides it: `not_applicable`).
    pub fn applicable(&self, item: &Item) -> bool {
        let status = self
            .doc
            .get("items")
            .and_then(|i| i.get(&item.id)?.get("status"));
        status.and_then(Value::as_str) != Some("not_applicable")
    }
}

impl Report<'_> {
    /// Whether the return misses something the 手引き requires, or a file could not be read.
    pub fn failed(&self) -> bool {
        self.findings
            .iter()
            .any(|f| matches!(f.status, Status::Fail | Status::Error))
    }
    /// How many findings have this status.
    pub fn count(&self, status: Status) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }
}

/// A calendar day. Dates in answer files are `YYYY-MM-DD` (西暦).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    /// Western year (西暦).
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31, a real day of the month.
    pub day: u32,
}

impl Day {
    /// `YYYY-MM-DD` naming a real day in [`YEARS`].
    pub fn parse(s: &str) -> Option<Day> {
        if !answers::date_shape(s) {
            return None;
        }
        let year: i32 = s[0..4].parse().ok()?;
        let month: u32 = s[5..7].parse().ok()?;
        let day: u32 = s[8..10].parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 31,
        };
        ((1..=days).contains(&day) && YEARS.contains(&year)).then_some(Day { year, month, day })
    }

    /// Today in local time: an inspector in Japan at 8:00 is on today's date, not UTC's
    /// yesterday.
    pub fn today() -> Day {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let (year, month, day) =
            civil_from_days((now + local_offset_seconds(now)).div_euclid(86_400));
        Day { year, month, day }
    }

    /// The first and last day of fiscal year (年度) `year`: April to March.
    fn fiscal_year(year: i32) -> (Day, Day) {
        let [start, end] =
            fiscal_year_days(year).map(|(year, month, day)| Day { year, month, day });
        (start, end)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}年{}月{}日", self.year, self.month, self.day)
    }
}

/// The (year, month, day) of a count of days since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    // Howard Hinnant's days-to-civil algorithm, over 400-year eras.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// The local time zone's offset from UTC at `unix_seconds`, from the C library (which reads TZ
/// and /etc/localtime); 0 where there is none.
#[cfg(unix)]
fn local_offset_seconds(unix_seconds: i64) -> i64 {
    let t = unix_seconds as libc::time_t;
    // SAFETY: localtime_r writes only into `tm`, which lives for the call.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if ok {
        tm.tm_gmtoff
    } else {
        0
    }
}

#[cfg(not(unix))]
fn local_offset_seconds(_unix_seconds: i64) -> i64 {
    0
}

/// `YYYY-MM-DD` naming a real day in [`YEARS`].
pub fn valid_date(s: &str) -> bool {
    Day::parse(s).is_some()
}

/// What a reworded item's carried-over answer needs before it counts (inspect.js says the same).
const UNCONFIRMED: &str = "前の版から引き継いだ回答ですが、項目の文言が変わったあと、まだ確認されていません。様式のページで内容を確かめて「確認しました」を押すよう求めてください。";

/// 令和N年度 for a fiscal year that starts in `year`.
fn reiwa(year: i32) -> String {
    match year - 2018 {
        1 => "令和元年度".into(),
        n => format!("令和{n}年度"),
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
    /// The round's date when it names a real day (any day: whether it may lie in the future is
    /// for the rule to say).
    fn day(&self, id: &str, round: &str) -> Option<Day> {
        Day::parse(self.item(id)?.get(round)?.get("date")?.as_str()?)
    }
    /// An answer carried over from an earlier edition whose item was reworded, not yet confirmed
    /// on the form (`confirm: "reworded"`): it does not count as answered (issue 16).
    fn awaiting_confirmation(&self, id: &str) -> bool {
        self.item(id)
            .and_then(|i| i.get("confirm"))
            .and_then(Value::as_str)
            == Some("reworded")
    }
    fn switch(&self, id: &str) -> Option<&str> {
        self.answers.get("switches")?.get(id)?.as_str()
    }
    fn gate(&self) -> Option<&str> {
        self.answers.get("gate")?.as_str()
    }
    fn vendor_name(&self) -> Option<String> {
        let name = self.answers.get("fields")?.get("vendor_name")?.as_str()?;
        Some(printable(name)).filter(|s| !s.trim().is_empty())
    }
    /// How findings name this sheet: 「事業者確認用」（A社）.
    fn who(&self) -> String {
        match self.vendor_name() {
            Some(v) => format!("「{}」（{}）", self.checklist.def.form, v),
            None => format!("「{}」", self.checklist.def.form),
        }
    }
    fn is_facility(&self) -> bool {
        self.checklist.def.audience == Audience::Facility
    }
}

/// Inspects the files of one load (a folder, or the files picked on the inspection page).
///
/// Sheets are grouped into returns by the kind of facility: a vendor form (事業者確認用) is
/// judged only with the facility form of the same kind (医療機関 with 医療機関, 薬局 with 薬局).
/// Several facility forms of one kind are several facilities: each is judged alone, and their
/// vendor forms, which cannot be told apart, are judged without help from any other sheet.
pub fn inspect<'c, B: AsRef<[u8]>>(
    defs: &'c dyn Definitions,
    files: &[(String, B)],
    today: Day,
) -> Report<'c> {
    inspect_with(defs, files, today, false)
}

/// `inspect`, and with `answers` the table of every answer of the sheets read.
pub fn inspect_with<'c, B: AsRef<[u8]>>(
    defs: &'c dyn Definitions,
    files: &[(String, B)],
    today: Day,
    answers: bool,
) -> Report<'c> {
    let mut findings = Vec::new();
    let mut sheets: Vec<Sheet> = Vec::new();
    for (name, bytes) in files {
        match read_sheet(defs, name, bytes.as_ref()) {
            Ok((sheet, notes)) => {
                findings.extend(notes);
                findings.extend(older_edition(defs, &sheet, today));
                sheets.push(sheet);
            }
            Err(f) => findings.push(f),
        }
    }
    let mut kinds: Vec<Facility> = Vec::new();
    for s in &sheets {
        if !kinds.contains(&s.checklist.def.facility) {
            kinds.push(s.checklist.def.facility);
        }
    }
    for kind in kinds {
        let of_kind = || {
            sheets
                .iter()
                .filter(move |s| s.checklist.def.facility == kind)
        };
        let facility: Vec<&Sheet> = of_kind().filter(|s| s.is_facility()).collect();
        let vendors: Vec<&Sheet> = of_kind().filter(|s| !s.is_facility()).collect();
        if facility.len() <= 1 {
            let ret = Return {
                facility: facility.first().copied(),
                vendors: vendors.clone(),
                several: Vec::new(),
            };
            for sheet in of_kind() {
                judge(sheet, &ret, today, &mut findings);
            }
            continue;
        }
        let names: Vec<&str> = facility.iter().map(|s| s.name.as_str()).collect();
        for sheet in of_kind() {
            let ret = Return {
                facility: sheet.is_facility().then_some(sheet),
                vendors: if sheet.is_facility() {
                    Vec::new()
                } else {
                    vec![sheet]
                },
                several: names.clone(),
            };
            findings.push(several_facilities_finding(sheet, &names));
            judge(sheet, &ret, today, &mut findings);
        }
    }
    let sheets = if answers {
        sheets
            .into_iter()
            .map(|s| sheet_answers(s, &findings))
            .collect()
    } else {
        Vec::new()
    };
    Report { findings, sheets }
}

fn sheet_answers<'c>(sheet: Sheet<'c>, findings: &[Finding]) -> SheetAnswers<'c> {
    let status = sheet
        .checklist
        .def
        .items
        .iter()
        .map(|item| {
            findings
                .iter()
                .filter(|f| f.file == sheet.name && f.item.as_deref() == Some(item.id.as_str()))
                .map(|f| f.status)
                .min()
                .unwrap_or(Status::Pass)
        })
        .collect();
    SheetAnswers {
        vendor: sheet.vendor_name().unwrap_or_default(),
        file: sheet.name,
        checklist: sheet.checklist,
        status,
        doc: sheet.answers,
    }
}

/// A file of an earlier edition than the one in force on `today` (its checklist's newest later
/// edition whose 年度 has begun): judged by its own edition's rules, and said so.
fn older_edition(site: &dyn Definitions, sheet: &Sheet, today: Day) -> Option<Finding> {
    let c = sheet.checklist;
    let (newer, name, _) = crate::lineage::newer_editions(site, c)
        .into_iter()
        .rfind(|(_, _, year)| Day::fiscal_year(*year).0 <= today)?;
    let own = site
        .edition(&c.def.edition)
        .map_or(c.def.edition.as_str(), |e| e.name.as_str());
    let message = format!(
        "このファイルは{own}の様式（{}）で記入されています。{today}の時点で有効なのは{name}の様式（{}）です。このファイルは{own}の基準で確認しました。{name}の様式で記入し直すよう求めてください（{name}の様式のページでこのファイルを読み込むと、回答を引き継げます）。",
        c.def.id, newer.def.id
    );
    Some(file_finding(
        &sheet.name,
        Some(&c.def.id),
        Status::Advice,
        message,
    ))
}

fn several_facilities_finding(sheet: &Sheet, names: &[&str]) -> Finding {
    let form = names_form(sheet);
    let list = names
        .iter()
        .map(|n| printable(n))
        .collect::<Vec<_>>()
        .join("、");
    let message = if sheet.is_facility() {
        format!("「{form}」が複数（{list}）あります。それぞれ別の施設の回答として確認しました。同じ施設の控えが重なっていないか確認してください。")
    } else {
        format!("「{form}」が複数（{list}）あるため、この「{}」がどの施設のものか分かりません。ほかの様式の記入では補わずに確認しました。施設ごとに分けて読み込んでください。", sheet.checklist.def.form)
    };
    file_finding(
        &sheet.name,
        Some(&sheet.checklist.def.id),
        Status::Onsite,
        message,
    )
}

/// The form name of the facility forms of `sheet`'s kind (医療機関確認用, 薬局確認用).
fn names_form(sheet: &Sheet) -> String {
    format!("{}確認用", sheet.checklist.def.facility.label())
}

/// One facility's return: its own form and the vendor forms judged with it.
struct Return<'s, 'a> {
    facility: Option<&'s Sheet<'a>>,
    vendors: Vec<&'s Sheet<'a>>,
    /// File names of the facility forms, when there are several of this kind.
    several: Vec<&'s str>,
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

/// A file that cannot be inspected at all (unreadable, a special file), for callers that read
/// files themselves.
pub fn unreadable_file(file: &str, message: String) -> Finding {
    file_finding(file, None, Status::Error, message)
}

fn read_sheet<'a>(
    defs: &'a dyn Definitions,
    name: &str,
    bytes: &[u8],
) -> Result<(Sheet<'a>, Vec<Finding>), Finding> {
    let err = |id: Option<&str>, m: String| file_finding(name, id, Status::Error, m);
    let answers = answers::parse(bytes).map_err(|e| err(None, e.message))?;
    let id = answers::checklist_id(&answers).map_err(|e| err(None, e.message))?;
    let Some(checklist) = defs.checklist(id) else {
        return Err(err(
            None,
            unknown_checklist(defs.checklists(), &answers, id),
        ));
    };
    if checklist.def.inspection.is_none() {
        return Err(err(
            Some(id),
            format!(
                "「{}（{}）」は立入検査の対象ではありません。",
                checklist.def.title, checklist.def.form
            ),
        ));
    }
    if let Err((path, what)) = answers::check_shape(&answers, checklist) {
        return Err(err(Some(id), format!("回答ファイルの中身が正しくありません（{}：{what}）。チェックリストのページで書き出したファイルを、書き換えずに使ってください。", printable(&path))));
    }
    let mut notes = Vec::new();
    let hash = answers["checklist"]["definition_hash"].as_str();
    if hash != Some(checklist.definition_hash.as_str()) {
        notes.push(file_finding(name, Some(id), Status::Info,
            "このファイルは、現在とは異なる版のチェックリスト定義で記入されています。項目の文言が変わっていないか確認してください。".into()));
    }
    let sheet = Sheet {
        name: name.into(),
        checklist,
        answers,
    };
    Ok((sheet, notes))
}

/// Why a file's checklist is not one of this site's: the checklist, or its whole edition (a
/// file from a newer year than the site, which a collection gathers before the site is updated).
fn unknown_checklist(checklists: &[Checklist], doc: &Value, id: &str) -> String {
    let edition = doc["checklist"]["edition"].as_str().unwrap_or("");
    if edition.is_empty() || checklists.iter().any(|c| c.def.edition == edition) {
        return format!(
            "チェックリスト「{}」はこのサイトにありません。",
            printable(id)
        );
    }
    let known: std::collections::BTreeSet<&str> =
        checklists.iter().map(|c| c.def.edition.as_str()).collect();
    format!(
        "版「{}」のチェックリストはこのサイトにありません（このサイトの版：{}）。その版を載せたサイトで確認してください。",
        printable(edition),
        known.into_iter().collect::<Vec<_>>().join("、")
    )
}

/// Judges one sheet of a return against its checklist's rules.
struct Judge<'r, 's, 'a> {
    sheet: &'s Sheet<'a>,
    ret: &'r Return<'s, 'a>,
    insp: &'a Inspection,
    who: String,
    today: Day,
    findings: &'r mut Vec<Finding>,
}

fn judge(sheet: &Sheet, ret: &Return, today: Day, findings: &mut Vec<Finding>) {
    let Some(insp) = &sheet.checklist.def.inspection else {
        return;
    };
    let mut j = Judge {
        sheet,
        ret,
        insp,
        who: sheet.who(),
        today,
        findings,
    };
    if !j.gate() {
        return;
    }
    let mut missing = 0;
    let mut covered = 0;
    for item in sheet
        .checklist
        .def
        .items
        .iter()
        .filter(|i| insp.inspected_phases.contains(&i.phase))
    {
        if j.exempt(item) {
            continue;
        }
        match j.first_round(item) {
            FirstRound::Answered => {}
            FirstRound::Missing => missing += 1,
            FirstRound::Elsewhere => covered += 1,
        }
        j.target_date(item);
        j.onsite_documents(item);
    }
    if let Some(rule) = j.rule(RuleKind::FirstRoundAnswered) {
        // Blanks answered on another sheet are for the inspector to judge: never "all answered".
        if missing == 0 && covered == 0 {
            let m = format!(
                "{}：確認対象の項目すべてに１回目の確認結果が記入されています。",
                j.who
            );
            j.push(rule, Status::Pass, None, m);
        }
    }
    j.vendor_sheets();
    j.reference_items();
}

enum FirstRound {
    Answered,
    Missing,
    /// Blank here, answered on another sheet of the return.
    Elsewhere,
}

impl<'s, 'a> Judge<'_, 's, 'a> {
    fn rule(&self, kind: RuleKind) -> Option<&'a InspectionRule> {
        self.insp.rules.iter().find(|r| r.kind == kind)
    }

    fn push(
        &mut self,
        rule: &InspectionRule,
        status: Status,
        item: Option<&Item>,
        message: String,
    ) {
        let heading = self
            .insp
            .headings
            .iter()
            .find(|h| h.id == rule.heading)
            .map(|h| h.title.clone());
        self.findings.push(Finding {
            file: self.sheet.name.clone(),
            checklist: Some(self.sheet.checklist.def.id.clone()),
            rule: rule.id.clone(),
            heading,
            status,
            item: item.map(|i| i.id.clone()),
            message,
            quote: Some(rule.quote.clone()),
        });
    }

    fn about(&self, item: &Item) -> String {
        format!(
            "{} {}",
            self.who,
            crate::item_rules::label(&self.sheet.checklist.def, item)
        )
    }

    /// The gate question: いいえ ends the inspection of this sheet (returns false).
    fn gate(&mut self) -> bool {
        let (Some(rule), Some(gate)) = (
            self.rule(RuleKind::GateSkipsAll),
            &self.sheet.checklist.def.gate,
        ) else {
            return true;
        };
        match self.sheet.gate() {
            Some("no") => {
                let m = format!(
                    "{}：「{}」が「いいえ」のため、以下すべての項目は確認不要です。",
                    self.who, gate.label
                );
                self.push(rule, Status::Pass, None, m);
                false
            }
            Some("yes") => true,
            _ => {
                let m = format!("{}：「{}」が記入されていません。", self.who, gate.label);
                self.push(rule, Status::Fail, None, m);
                true
            }
        }
    }

    /// Items its switch exempts (no vendor contract): reported, not inspected.
    fn exempt(&mut self, item: &'a Item) -> bool {
        let Some(rule) = self.rule(RuleKind::SwitchExempts) else {
            return false;
        };
        let Some(switch) = &rule.switch else {
            return false;
        };
        if item.unless_switch_off.as_ref() != Some(switch)
            || self.sheet.switch(switch) != Some("no")
        {
            return false;
        }
        let m = format!(
            "{}：事業者と契約していないため、確認不要です。",
            self.about(item)
        );
        self.push(rule, Status::Info, Some(item), m);
        true
    }

    /// 1回目: an answer and a real date, not after today. A vendor form's blank may be answered
    /// on another sheet of the same return (the same item of another vendor, or the facility
    /// form's `facility_item`); whether the contract really makes it unnecessary is for the
    /// inspector to judge on site, so it is never a pass.
    fn first_round(&mut self, item: &'a Item) -> FirstRound {
        let Some(rule) = self.rule(RuleKind::FirstRoundAnswered) else {
            return FirstRound::Answered;
        };
        if self.sheet.awaiting_confirmation(&item.id) {
            let m = format!("{}：{UNCONFIRMED}", self.about(item));
            self.push(rule, Status::Fail, Some(item), m);
            return FirstRound::Missing;
        }
        let answer = self.sheet.answer(&item.id, "r1");
        let day = self.sheet.day(&item.id, "r1");
        let what = match (answer, day) {
            (Some(_), Some(d)) if d > self.today => format!(
                "１回目の確認日（{d}）が今日（{}）より後の日付です。確認した日を記入するよう求めてください。",
                self.today
            ),
            (Some(_), Some(_)) => return FirstRound::Answered,
            (None, None) => {
                if let Some(found) = self.answered_elsewhere(item) {
                    return found;
                }
                "１回目の確認結果（「はい」または「いいえ」と日付）が記入されていません。".into()
            }
            (None, Some(_)) => "１回目の「はい」または「いいえ」が記入されていません。".into(),
            (Some(_), None) => {
                "１回目の確認日が記入されていないか、正しい日付ではありません。".into()
            }
        };
        let m = format!("{}：{what}", self.about(item));
        self.push(rule, Status::Fail, Some(item), m);
        FirstRound::Missing
    }

    fn answered_elsewhere(&mut self, item: &'a Item) -> Option<FirstRound> {
        let rule = self.rule(RuleKind::CoveredByOtherSheets)?;
        let (other, other_item) = self.answering_sheet(item)?;
        let m = format!(
            "{}：未記入です。{}の{}に記入があります。契約内容によりこの事業者での確認が不要な項目か、確認してください。",
            self.about(item),
            other.who(),
            crate::item_rules::label(&other.checklist.def, other_item)
        );
        self.push(rule, Status::Onsite, Some(item), m);
        Some(FirstRound::Elsewhere)
    }

    /// The first sheet of the return, other than this one, that answers the same requirement.
    fn answering_sheet(&self, item: &'a Item) -> Option<(&'s Sheet<'a>, &'a Item)> {
        let answered = |s: &Sheet, id: &str| {
            s.answer(id, "r1").is_some() && s.day(id, "r1").is_some_and(|d| d <= self.today)
        };
        if let (Some(f), Some(wanted)) = (self.ret.facility, &item.facility_item) {
            let facility_item = f.checklist.def.items.iter().find(|i| &i.id == wanted);
            if let Some(fi) = facility_item.filter(|fi| answered(f, &fi.id)) {
                return Some((f, fi));
            }
        }
        self.ret
            .vendors
            .iter()
            .copied()
            .filter(|o| {
                o.name != self.sheet.name && o.checklist.def.id == self.sheet.checklist.def.id
            })
            .find(|o| answered(o, &item.id))
            .map(|o| (o, item))
    }

    /// いいえ in 1回目 needs a 目標日 in the fiscal year the phase names (the form: 「1回目の確認で
    /// 「いいえ」の場合、令和5年度中の対応目標日を記入してください」). The advice to reach はい is
    /// not given when the 2回目 already says はい.
    fn target_date(&mut self, item: &'a Item) {
        let Some(rule) = self.rule(RuleKind::NoNeedsTargetDate) else {
            return;
        };
        if self.sheet.answer(&item.id, "r1") != Some("no") {
            return;
        }
        let target = self.sheet.day(&item.id, "target");
        match (target, self.sheet.checklist.def.fiscal_year_of(item)) {
            (None, _) => {
                let m = format!(
                    "{}：「いいえ」ですが、目標日が記入されていません。",
                    self.about(item)
                );
                self.push(rule, Status::Fail, Some(item), m);
            }
            (Some(t), Some(y)) => {
                let (start, end) = Day::fiscal_year(y);
                if t < start || t > end {
                    let year = reiwa(y);
                    let m = format!(
                        "{}：目標日（{t}）が{year}（{start}～{end}）の日付ではありません。様式は、１回目が「いいえ」の場合に{year}中の対応目標日を記入するよう求めています。",
                        self.about(item)
                    );
                    self.push(rule, Status::Fail, Some(item), m);
                }
            }
            (Some(_), None) => {}
        }
        let second = self.sheet.answer(&item.id, "r2");
        let second_day = self.sheet.day(&item.id, "r2").filter(|d| *d <= self.today);
        if let (Some("yes"), Some(d)) = (second, second_day) {
            let m = format!(
                "{}：２回目の確認（{d}）で「はい」になっています。",
                self.about(item)
            );
            self.push(rule, Status::Info, Some(item), m);
            return;
        }
        let Some(advice) = &rule.advice else {
            return;
        };
        let mut m = format!("{}：{advice}", self.about(item));
        if second == Some("yes") {
            m.push_str("（２回目の「はい」には、正しい確認日が記入されていません。）");
        } else if let Some(t) = target.filter(|t| *t < self.today) {
            m.push_str(&format!("（目標日の{t}を過ぎています。）"));
        }
        self.push(rule, Status::Advice, Some(item), m);
    }

    /// Documents the inspector must see (the 連絡体制図), and the advice when they are missing.
    fn onsite_documents(&mut self, item: &'a Item) {
        let answer = self.sheet.answer(&item.id, "r1");
        let insp = self.insp;
        for rule in insp
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::OnsiteDocument && r.keys.contains(&item.key))
        {
            let when = rule.when.unwrap_or(OnsiteWhen::Any);
            if when == OnsiteWhen::Any || (when == OnsiteWhen::Yes && answer == Some("yes")) {
                let m = format!("{}：現物を見て確認してください。", self.about(item));
                self.push(rule, Status::Onsite, Some(item), m);
            }
            if answer == Some("no") {
                if let Some(advice) = &rule.advice {
                    let m = format!("{}：{advice}", self.about(item));
                    self.push(rule, Status::Advice, Some(item), m);
                }
            }
        }
    }

    /// With a vendor contract, every vendor's 事業者確認用 must be there.
    fn vendor_sheets(&mut self) {
        let Some(rule) = self.rule(RuleKind::VendorSheetsRequired) else {
            return;
        };
        let switch = rule.switch.as_deref().unwrap_or("vendor_contract");
        let own = self.insp.vendor_checklist.as_deref();
        let theirs = self
            .ret
            .vendors
            .iter()
            .filter(|v| Some(v.checklist.def.id.as_str()) == own)
            .count();
        let who = &self.who;
        let (status, m) = match self.sheet.switch(switch) {
            Some("yes") if !self.ret.several.is_empty() => (Status::Onsite, format!("{who}：同じ種類の施設の確認用が複数あるため、どの「事業者確認用」がこの施設のものか分かりません。施設ごとに分けて確認してください。")),
            Some("yes") if theirs == 0 => (Status::Fail, format!("{who}：事業者と契約していますが、「事業者確認用」が提出されていません。契約しているすべての事業者の「事業者確認用」を確認してください。")),
            Some("yes") => (Status::Onsite, format!("{who}：「事業者確認用」{theirs}件を確認しました。契約している事業者がほかにないか確認してください。")),
            Some("no") => (Status::Info, format!("{who}：事業者と契約していないため、「事業者確認用」は不要です。")),
            _ => (Status::Onsite, format!("{who}：事業者との契約の有無が記入されていません。契約している場合は「事業者確認用」を確認してください。")),
        };
        self.push(rule, status, None, m);
    }

    /// 参考項目 are not inspected (令和５年度): say how many were left out.
    fn reference_items(&mut self) {
        let Some(rule) = self.rule(RuleKind::ReferenceNotInspected) else {
            return;
        };
        let n = self
            .sheet
            .checklist
            .def
            .items
            .iter()
            .filter(|i| !self.insp.inspected_phases.contains(&i.phase))
            .count();
        if n > 0 {
            let m = format!("{}：参考項目{n}件は検査の対象外です。", self.who);
            self.push(rule, Status::Info, None, m);
        }
    }
}

/// The status's word in CSV and JSON (`fail`).
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

/// The status's name for people (不足).
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

/// Plain-text report grouped by the 手引き's headings, for the terminal. File and folder names
/// come from the disk and may hold control characters: they are made printable.
pub fn to_text(facility: &str, report: &Report) -> String {
    let mut out = format!("== {}\n", printable(facility));
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
        out.push_str(&format!("\n{} — {heading}\n", printable(&file)));
        let mut list = list;
        list.sort_by_key(|f| f.status);
        for f in list {
            let line = printable(&f.message);
            out.push_str(&format!("  [{}] {line}\n", status_label(f.status)));
        }
    }
    out.push_str(&format!("\n{}\n", totals(|s| report.count(s))));
    out
}

/// The counts a report ends with, in the words of the statuses: 不足 n件、現地で確認 n件、….
pub fn totals(count: impl Fn(Status) -> usize) -> String {
    format!(
        "不足 {}件、現地で確認 {}件、助言 {}件、読めないファイル {}件",
        count(Status::Fail),
        count(Status::Onsite),
        count(Status::Advice),
        count(Status::Error)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_days_of_this_century() {
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2023-02-29"));
        assert!(!valid_date("2023-13-01"));
        assert!(!valid_date("2023-1-01"));
        assert!(!valid_date("1899-12-31"));
        assert!(!valid_date("2100-01-01"));
        assert!(!valid_date(""));
    }

    #[test]
    fn days_since_the_epoch_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_631), (2023, 10, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn fiscal_years_run_from_april_to_march() {
        let (start, end) = Day::fiscal_year(2023);
        assert_eq!(start.to_string(), "2023年4月1日");
        assert_eq!(end.to_string(), "2024年3月31日");
        assert_eq!(reiwa(2023), "令和5年度");
        assert_eq!(reiwa(2019), "令和元年度");
    }

    #[test]
    fn printable_replaces_control_characters() {
        assert_eq!(printable("A社\u{1b}[2J\n"), "A社\u{FFFD}[2J\u{FFFD}");
    }
}
