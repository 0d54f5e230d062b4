//! The tables `kensa inspect` writes for collecting many returns: findings as CSV or JSON lines,
//! and the answers table (one row per facility, file, item and round) that DuckDB, Spark or
//! BigQuery load. A national year is some 8 million answer rows: cells are written straight
//! into the output buffer, borrowing from the parsed files, with no string made per cell.

use serde::Serialize;
use serde_json::Value;

use crate::inspect::{status_word, Finding, Report, SheetAnswers};

/// How a CSV table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvFlavour {
    /// For Excel on a Japanese Windows PC, which reads a double-clicked .csv as Shift_JIS unless
    /// it starts with a UTF-8 BOM: BOM, CRLF line ends, and cells that Excel would run as a
    /// formula (starting with = + - @, a tab or CR) prefixed with an apostrophe.
    Excel,
    /// Plain UTF-8 with LF line ends and cells as they are, for DuckDB and scripts.
    Plain,
}

impl CsvFlavour {
    /// What a file of this flavour starts with: the BOM, if any, and the header row.
    pub fn header(self, columns: &[&str]) -> String {
        let mut out = String::new();
        if self == CsvFlavour::Excel {
            out.push('\u{FEFF}');
        }
        self.row(columns, &mut out);
        out
    }

    /// Appends one row: cells separated by commas, quoted where needed, and the line end.
    pub fn row(self, cells: &[&str], out: &mut String) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.cell(cell, out);
        }
        out.push_str(match self {
            CsvFlavour::Excel => "\r\n",
            CsvFlavour::Plain => "\n",
        });
    }

    fn cell(self, s: &str, out: &mut String) {
        let formula = self == CsvFlavour::Excel && s.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let quoted = s.contains([',', '"', '\n', '\r']);
        if quoted {
            out.push('"');
        }
        if formula {
            out.push('\'');
        }
        if quoted {
            for (i, part) in s.split('"').enumerate() {
                if i > 0 {
                    out.push_str("\"\"");
                }
                out.push_str(part);
            }
            out.push('"');
        } else {
            out.push_str(s);
        }
    }
}

/// The findings table's header: the facility, then the fields of `Finding` but its `quote`.
pub const FINDING_COLUMNS: [&str; 8] = [
    "facility",
    "file",
    "checklist",
    "heading",
    "rule",
    "status",
    "item",
    "message",
];

/// One facility's findings as CSV rows (`FINDING_COLUMNS`).
pub fn csv_findings(facility: &str, report: &Report, flavour: CsvFlavour, out: &mut String) {
    for f in &report.findings {
        let row = [
            facility,
            &f.file,
            f.checklist.as_deref().unwrap_or(""),
            f.heading.as_deref().unwrap_or(""),
            &f.rule,
            status_word(f.status),
            f.item.as_deref().unwrap_or(""),
            &f.message,
        ];
        flavour.row(&row, out);
    }
}

/// One facility's findings as JSON lines, each with its facility: the form DuckDB's
/// `read_json` and BigQuery load without holding the whole file.
pub fn jsonl_findings(facility: &str, report: &Report, out: &mut String) {
    #[derive(Serialize)]
    struct Line<'a> {
        facility: &'a str,
        #[serde(flatten)]
        finding: &'a Finding,
    }
    for finding in &report.findings {
        if let Ok(line) = serde_json::to_string(&Line { facility, finding }) {
            out.push_str(&line);
            out.push('\n');
        }
    }
}

/// The answers table's header (`--answers`), in the order its rows are written.
pub const ANSWER_COLUMNS: [&str; 15] = [
    "facility",
    "file",
    "checklist",
    "edition",
    "vendor",
    "item",
    "label",
    "phase",
    "reference",
    "round",
    "answer",
    "date",
    "target_date",
    "applicable",
    "status",
];

/// One round of one item of one sheet: a row of the answers table, borrowed from the sheet.
#[derive(Debug, Clone, Copy)]
pub struct AnswerRow<'r> {
    /// The file's name in its folder.
    pub file: &'r str,
    /// The checklist the sheet was filled against.
    pub list: &'r crate::model::Checklist,
    /// The checklist's id.
    pub checklist: &'r str,
    /// The checklist's edition id.
    pub edition: &'r str,
    /// The vendor's 事業者名 on vendor forms, else empty.
    pub vendor: &'r str,
    /// Index of the item in its checklist's `def.items`.
    pub index: usize,
    /// The item's id.
    pub item: &'r str,
    /// The item's phase id.
    pub phase: &'r str,
    /// Whether the phase is 参考項目 (not inspected).
    pub reference: bool,
    /// `r1` (1回目) or `r2` (2回目).
    pub round: &'static str,
    /// `yes`, `no`, or None when blank.
    pub answer: Option<&'r str>,
    /// The round's 確認日 as written, or None when blank.
    pub date: Option<&'r str>,
    /// 目標日 of the item (the same on both rounds' rows).
    pub target_date: Option<&'r str>,
    /// False when the gate or a switch hides the item on the form.
    pub applicable: bool,
    /// The item's verdict on this sheet: its gravest finding, `pass` when none.
    pub status: crate::inspect::Status,
}

/// Every answer of a report's sheets, item by item, 1回目 before 2回目.
pub fn answer_rows<'r>(report: &'r Report) -> impl Iterator<Item = AnswerRow<'r>> {
    report.sheets.iter().flat_map(sheet_rows)
}

/// Every answer of one sheet, item by item, 1回目 before 2回目.
pub fn sheet_rows<'r>(sheet: &'r SheetAnswers) -> impl Iterator<Item = AnswerRow<'r>> {
    let def = &sheet.checklist.def;
    let rounds: &'static [&'static str] = match def.answer {
        crate::model::AnswerKind::YesNoDated => &["r1", "r2"],
        crate::model::AnswerKind::MaruBatsu => &["r1"],
    };
    def.items.iter().enumerate().flat_map(move |(index, item)| {
        let text = |v: Option<&'r Value>, key: &str| v.and_then(|v| v.get(key)?.as_str());
        let target_date = text(sheet.round(item, "target"), "date");
        let applicable = sheet.applicable(item);
        let reference = crate::item_rules::is_reference(def, item);
        rounds.iter().map(move |&round| {
            let r = sheet.round(item, round);
            AnswerRow {
                file: &sheet.file,
                list: sheet.checklist,
                checklist: &def.id,
                edition: &def.edition,
                vendor: &sheet.vendor,
                index,
                item: &item.id,
                phase: &item.phase,
                reference,
                round,
                answer: text(r, "answer"),
                date: text(r, "date"),
                target_date,
                applicable,
                status: sheet.status[index],
            }
        })
    })
}

/// One facility's answers as CSV rows (`ANSWER_COLUMNS`). Unanswered cells are empty, which
/// DuckDB reads as NULL.
pub fn csv_answers(facility: &str, report: &Report, flavour: CsvFlavour, out: &mut String) {
    let flag = |b: bool| if b { "true" } else { "false" };
    // Labels are worked out once per item of each sheet, not once per round.
    let mut label: (Option<(&str, usize)>, String) = (None, String::new());
    for a in answer_rows(report) {
        if label.0 != Some((a.checklist, a.index)) {
            label = (
                Some((a.checklist, a.index)),
                crate::item_rules::label(&a.list.def, &a.list.def.items[a.index]),
            );
        }
        let row = [
            facility,
            a.file,
            a.checklist,
            a.edition,
            a.vendor,
            a.item,
            &label.1,
            a.phase,
            flag(a.reference),
            a.round,
            a.answer.unwrap_or(""),
            a.date.unwrap_or(""),
            a.target_date.unwrap_or(""),
            flag(a.applicable),
            status_word(a.status),
        ];
        flavour.row(&row, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str, flavour: CsvFlavour) -> String {
        let mut out = String::new();
        flavour.cell(s, &mut out);
        out
    }

    #[test]
    fn csv_quotes_cells_and_defuses_formulas_for_excel() {
        assert_eq!(cell("a,b", CsvFlavour::Plain), "\"a,b\"");
        assert_eq!(cell("say \"x\"", CsvFlavour::Plain), "\"say \"\"x\"\"\"");
        assert_eq!(cell("plain", CsvFlavour::Excel), "plain");
        assert_eq!(
            cell("=cmd|' /C calc'!A0", CsvFlavour::Excel),
            "'=cmd|' /C calc'!A0"
        );
        assert_eq!(cell("-1", CsvFlavour::Plain), "-1");
        assert_eq!(cell("@x,y", CsvFlavour::Excel), "\"'@x,y\"");
        assert_eq!(cell("", CsvFlavour::Plain), "");
    }
}
