#!/usr/bin/env python3
"""Writes tests/inspection/vectors.json: answer files with the findings the 手引き expects.

The expected findings below are worked out by hand from the 立入検査の手引き (seed 000 for
医療機関, seed 004 for 薬局); the Rust engine (src/inspect.rs) and the browser engine
(themes/default/static/js/inspect.js) are both tested against this one file.
Run: python3 tests/inspection/make_vectors.py
"""
import base64, json, pathlib

HOSPITAL_CURRENT = ["current-1-1", "current-2-all-1", "current-2-all-2", "current-2-all-3",
                    "current-2-server-4", "current-2-server-5", "current-2-server-6",
                    "current-2-network-7", "current-2-network-8", "current-3-1"]
VENDOR_CURRENT = ["current-1-1", "current-2-all-2", "current-2-all-3", "current-2-server-4",
                  "current-2-server-5", "current-2-server-6", "current-2-network-7", "current-2-network-8"]
DATE = "2023-10-01"

def answers(checklist, gate=None, contract=None, yes=(), no=(), no_date=(), targets=None, vendor=None, extra_items=None, second=None, **top):
    """A schema-valid answer file. `second` maps item ids to (answer, date) of the 2回目."""
    items = {}
    def item(i):
        return items.setdefault(i, {"r1": {"answer": None, "date": None}, "target": {"date": None},
                                    "r2": {"answer": None, "date": None}, "note": "", "status": "applicable"})
    for i in yes:
        item(i)["r1"] = {"answer": "yes", "date": DATE}
    for i in no:
        item(i)["r1"] = {"answer": "no", "date": DATE}
    for i in no_date:
        item(i)["r1"] = {"answer": "yes", "date": None}
    for i, d in (targets or {}).items():
        item(i)["target"] = {"date": d}
    for i, (a, d) in (second or {}).items():
        item(i)["r2"] = {"answer": a, "date": d}
    items.update(extra_items or {})
    doc = {"format": "kensa-answers", "format_version": 1, "generator": "test vectors",
           # The harnesses put the checklist's current definition hash in place of this token.
           "checklist": {"id": checklist, "edition": "r5", "definition_hash": "@hash:" + checklist},
           "updated_at": "2023-10-01T09:00:00.000Z", "fields": {}, "gate": gate,
           "switches": {} if contract is None else {"vendor_contract": contract}, "items": items}
    if vendor:
        doc["fields"]["vendor_name"] = vendor
    doc.update(top)
    return doc

def minus(ids, *drop):
    return [i for i in ids if i not in drop]

F = "facility.json"
vectors = []
# The day the inspection is made, unless a case says otherwise: 確認日 after it are errors.
TODAY = "2023-12-01"

def file_entry(n, c):
    if isinstance(c, bytes):
        return {"name": n, "content_base64": base64.b64encode(c).decode()}
    return {"name": n, "content": c if isinstance(c, str) else json.dumps(c, ensure_ascii=False)}

def case(name, description, files, expected, today=TODAY):
    vectors.append({"name": name, "description": description, "today": today,
                    "files": [file_entry(n, c) for n, c in files],
                    "expected": [list(e) for e in expected]})

case("gate-no", "医療情報システムの有無 いいえ: nothing else is checked",
     [(F, answers("r5-iryokikan", gate="no"))],
     [(F, "gate", "pass", None)])

case("gate-missing", "gate left blank: a failure, and the items are still checked",
     [(F, answers("r5-iryokikan", gate=None, contract="no", yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3")))],
     [(F, "gate", "fail", None),
      (F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "pass", None), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

case("complete-no-contract", "all はい, no vendor contract: ２(2) ２(3) exempt; 連絡体制図 seen on site; 参考項目 not inspected",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3")))],
     [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "pass", None), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

def unconfirmed(doc, *ids):
    """A file carried over from an earlier edition whose reworded items wait for confirmation."""
    for i in ids:
        doc["items"][i]["confirm"] = "reworded"
    return doc

case("reworded-unconfirmed", "an answer carried over to a reworded item counts only once confirmed on the form",
     [(F, unconfirmed(answers("r5-iryokikan", gate="yes", contract="no",
                              yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3")), "current-2-server-5"))],
     [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "fail", "current-2-server-5"), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

case("no-with-target", "いいえ with a 目標日: advise to finish within the fiscal year",
     [(F, answers("r5-iryokikan", gate="yes", contract="no",
                  yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3", "current-2-server-6"),
                  no=["current-2-server-6"], targets={"current-2-server-6": "2024-03-31"}))],
     [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "pass", None), (F, "target-date", "advice", "current-2-server-6"),
      (F, "contact-chart", "onsite", "current-3-1"), (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

case("no-without-target", "いいえ without a 目標日: a failure, and the advice",
     [(F, answers("r5-iryokikan", gate="yes", contract="no",
                  yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3", "current-2-server-6"),
                  no=["current-2-server-6"], targets={"current-2-server-6": "2024-02-30"}))],
     [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "pass", None), (F, "target-date", "fail", "current-2-server-6"),
      (F, "target-date", "advice", "current-2-server-6"),
      (F, "contact-chart", "onsite", "current-3-1"), (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

case("contact-chart-no", "連絡体制図 いいえ (医療機関): still seen on site, advise to make one at once, and a 目標日 is needed",
     [(F, answers("r5-iryokikan", gate="yes", contract="no",
                  yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3", "current-3-1"),
                  no=["current-3-1"], targets={"current-3-1": "2023-12-01"}))],
     [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "pass", None), (F, "target-date", "advice", "current-3-1"),
      (F, "contact-chart", "onsite", "current-3-1"), (F, "contact-chart", "advice", "current-3-1"),
      (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

case("first-round-missing", "1回目 left blank, and answered without a date: both fail",
     [(F, answers("r5-iryokikan", gate="yes", contract="no",
                  yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3", "current-1-1", "current-2-server-4"),
                  no_date=["current-2-server-4"]))],
     [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "fail", "current-1-1"), (F, "first-round", "fail", "current-2-server-4"),
      (F, "contact-chart", "onsite", "current-3-1"), (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

case("reference-items-blank", "参考項目 left blank and one filled: neither is inspected",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3") + ["reference-3-2"]))],
     [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
      (F, "first-round", "pass", None), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "info", None), (F, "reference", "info", None)])

case("contract-without-vendor-sheets", "vendor contract but no 事業者確認用: a failure",
     [(F, answers("r5-iryokikan", gate="yes", contract="yes", yes=HOSPITAL_CURRENT))],
     [(F, "first-round", "pass", None), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "fail", None), (F, "reference", "info", None)])

A, B = "vendor-a.json", "vendor-b.json"
case("two-vendors-cover-each-other", "each vendor answers part; a blank answered on the facility's or the other vendor's sheet is for the inspector to check on site (the contract may make it unnecessary), never a pass",
     [(F, answers("r5-iryokikan", gate="yes", contract="yes", yes=minus(HOSPITAL_CURRENT, "current-2-server-4"), no_date=["current-2-server-4"])),
      (A, answers("r5-iryokikan-jigyosha", vendor="A社", yes=minus(VENDOR_CURRENT, "current-2-network-7", "current-2-network-8"))),
      (B, answers("r5-iryokikan-jigyosha", vendor="B社", yes=minus(VENDOR_CURRENT, "current-2-server-4", "current-2-server-5")))],
     [(F, "first-round", "fail", "current-2-server-4"), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "onsite", None), (F, "reference", "info", None),
      (A, "covered", "onsite", "current-2-network-7"), (A, "covered", "onsite", "current-2-network-8"),
      (A, "reference", "info", None),
      (B, "covered", "onsite", "current-2-server-4"), (B, "covered", "onsite", "current-2-server-5"),
      (B, "reference", "info", None)])

case("vendor-blank-not-covered", "a vendor's blank item that no other sheet answers fails",
     [(F, answers("r5-iryokikan", gate="yes", contract="yes", yes=minus(HOSPITAL_CURRENT, "current-2-network-8"), no_date=["current-2-network-8"])),
      (A, answers("r5-iryokikan-jigyosha", vendor="A社", yes=minus(VENDOR_CURRENT, "current-2-network-8")))],
     [(F, "first-round", "fail", "current-2-network-8"), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "onsite", None), (F, "reference", "info", None),
      (A, "first-round", "fail", "current-2-network-8"), (A, "reference", "info", None)])

P = "pharmacy.json"
PHARMACY_CURRENT = HOSPITAL_CURRENT
case("pharmacy-contact-chart-yes", "薬局: 連絡体制図 is seen on site only when はい",
     [(P, answers("r5-yakkyoku", gate="yes", contract="no", yes=minus(PHARMACY_CURRENT, "current-2-all-2", "current-2-all-3")))],
     [(P, "contract-exempt", "info", "current-2-all-2"), (P, "contract-exempt", "info", "current-2-all-3"),
      (P, "first-round", "pass", None), (P, "contact-chart", "onsite", "current-3-1"),
      (P, "vendor-sheets", "info", None), (P, "reference", "info", None)])

case("pharmacy-contact-chart-no", "薬局: 連絡体制図 いいえ is not seen on site; a 目標日 is needed",
     [(P, answers("r5-yakkyoku", gate="yes", contract="no", yes=minus(PHARMACY_CURRENT, "current-2-all-2", "current-2-all-3", "current-3-1"), no=["current-3-1"]))],
     [(P, "contract-exempt", "info", "current-2-all-2"), (P, "contract-exempt", "info", "current-2-all-3"),
      (P, "first-round", "pass", None), (P, "target-date", "fail", "current-3-1"), (P, "target-date", "advice", "current-3-1"),
      (P, "vendor-sheets", "info", None), (P, "reference", "info", None)])

case("wrong-checklist", "a file for a checklist this site does not have",
     [(F, answers("r4-unknown", gate="yes"))],
     [(F, "file", "error", None)])

case("edition-the-site-lacks", "a file of a newer edition than the site publishes names that edition",
     [(F, dict(answers("r6-yakkyoku", gate="yes"), checklist={"id": "r6-yakkyoku", "edition": "r6", "definition_hash": "0" * 64}))],
     [(F, "file", "error", None)])

case("not-inspected-checklist", "a 2021 list is not part of the inspection",
     [(F, answers("y2021-keieiso"))],
     [(F, "file", "error", None)])

case("malformed", "broken JSON, another format, a newer format version, unknown item ids",
     [("broken.json", '{"format": "kensa-answers", "items": {'),
      ("other.json", {"hello": "world"}),
      ("newer.json", dict(answers("r5-iryokikan", gate="no"), format_version=2)),
      ("unknown-items.json", answers("r5-iryokikan", gate="yes", yes=["current-9-9"]))],
     [("broken.json", "file", "error", None), ("other.json", "file", "error", None),
      ("newer.json", "file", "error", None), ("unknown-items.json", "file", "error", None)])

case("other-edition-hash", "filled against another version of the definition: noted, still inspected",
     [(F, dict(answers("r5-iryokikan", gate="no"), checklist={"id": "r5-iryokikan", "edition": "r5", "definition_hash": "0" * 64}))],
     [(F, "file", "info", None), (F, "gate", "pass", None)])

# ---------------------------------------------------------------- what an inspector can trust
PF, PA, PB = "pharmacy.json", "vendor-a.json", "vendor-b.json"
P_COMPLETE = [(PF, "first-round", "pass", None), (PF, "contact-chart", "onsite", "current-3-1"),
              (PF, "vendor-sheets", "onsite", None), (PF, "reference", "info", None)]
case("vendor-blanks-answered-elsewhere-are-onsite",
     "薬局: complete 薬局確認用, one complete 事業者確認用, a second with 5 of 8 blank: each blank answered on another sheet is 現地で確認 naming that sheet, and the second vendor is never told every item is answered",
     [(PF, answers("r5-yakkyoku", gate="yes", contract="yes", yes=HOSPITAL_CURRENT)),
      (PA, answers("r5-yakkyoku-jigyosha", vendor="A社", yes=VENDOR_CURRENT)),
      (PB, answers("r5-yakkyoku-jigyosha", vendor="B社", yes=VENDOR_CURRENT[5:]))],
     P_COMPLETE + [(PA, "first-round", "pass", None), (PA, "reference", "info", None)]
     + [(PB, "covered", "onsite", i) for i in VENDOR_CURRENT[:5]] + [(PB, "reference", "info", None)])

case("vendor-manager-is-not-the-facility-manager",
     "事業者確認用 １（１） (a manager inside the vendor) is not the facility's １（１）: the facility's answer does not cover it",
     [(F, answers("r5-iryokikan", gate="yes", contract="yes", yes=HOSPITAL_CURRENT)),
      (A, answers("r5-iryokikan-jigyosha", vendor="A社", yes=VENDOR_CURRENT[1:]))],
     [(F, "first-round", "pass", None), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "onsite", None), (F, "reference", "info", None),
      (A, "first-round", "fail", "current-1-1"), (A, "reference", "info", None)])

C = "clinic.json"
case("clinic-and-pharmacy-are-two-returns",
     "a clinic's form, a pharmacy's form and the pharmacy's vendor form: two returns, and the pharmacy vendor's blank is not excused by the clinic's answer",
     [(C, answers("r5-iryokikan", gate="yes", contract="no", yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3"))),
      (PF, answers("r5-yakkyoku", gate="yes", contract="yes", yes=minus(HOSPITAL_CURRENT, "current-2-server-6"))),
      (PA, answers("r5-yakkyoku-jigyosha", vendor="A社", yes=minus(VENDOR_CURRENT, "current-2-server-6")))],
     [(C, "contract-exempt", "info", "current-2-all-2"), (C, "contract-exempt", "info", "current-2-all-3"),
      (C, "first-round", "pass", None), (C, "contact-chart", "onsite", "current-3-1"),
      (C, "vendor-sheets", "info", None), (C, "reference", "info", None),
      (PF, "first-round", "fail", "current-2-server-6"), (PF, "contact-chart", "onsite", "current-3-1"),
      (PF, "vendor-sheets", "onsite", None), (PF, "reference", "info", None),
      (PA, "first-round", "fail", "current-2-server-6"), (PA, "reference", "info", None)])

P2 = "pharmacy-2.json"
case("two-pharmacies-are-two-facilities",
     "two 薬局確認用 in one load are two facilities: each judged alone, and the vendor form, which cannot be matched to either, is judged without help from another sheet",
     [(PF, answers("r5-yakkyoku", gate="yes", contract="yes", yes=HOSPITAL_CURRENT)),
      (P2, answers("r5-yakkyoku", gate="yes", contract="yes", yes=HOSPITAL_CURRENT)),
      (PA, answers("r5-yakkyoku-jigyosha", vendor="A社", yes=minus(VENDOR_CURRENT, "current-2-server-6")))],
     [(n, r, s, i) for n in (PF, P2) for (_, r, s, i) in [("", "file", "onsite", None)] + P_COMPLETE]
     + [(PA, "file", "onsite", None), (PA, "first-round", "fail", "current-2-server-6"), (PA, "reference", "info", None)])

BASE_NO_CONTRACT = [(F, "contract-exempt", "info", "current-2-all-2"), (F, "contract-exempt", "info", "current-2-all-3"),
                    (F, "first-round", "pass", None), (F, "contact-chart", "onsite", "current-3-1"),
                    (F, "vendor-sheets", "info", None), (F, "reference", "info", None)]
NO_CONTRACT_YES = minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3", "current-2-server-6")

case("second-round-yes", "1回目 いいえ, 2回目 はい with its date: no advice to reach はい, a note that it did",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=NO_CONTRACT_YES, no=["current-2-server-6"],
                  targets={"current-2-server-6": "2024-03-31"}, second={"current-2-server-6": ("yes", "2023-11-15")}))],
     BASE_NO_CONTRACT + [(F, "target-date", "info", "current-2-server-6")])

case("second-round-yes-without-date", "2回目 はい without a date does not count: the advice stays, and says why",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=NO_CONTRACT_YES, no=["current-2-server-6"],
                  targets={"current-2-server-6": "2024-03-31"}, second={"current-2-server-6": ("yes", None)}))],
     BASE_NO_CONTRACT + [(F, "target-date", "advice", "current-2-server-6")])

case("target-date-outside-the-fiscal-year", "目標日 after 令和5年度 (the form asks for one within it): a failure, and the advice",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=NO_CONTRACT_YES, no=["current-2-server-6"],
                  targets={"current-2-server-6": "2024-04-01"}))],
     BASE_NO_CONTRACT + [(F, "target-date", "fail", "current-2-server-6"), (F, "target-date", "advice", "current-2-server-6")])

case("target-date-passed", "目標日 passed without a 2回目 はい: the advice says so",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=NO_CONTRACT_YES, no=["current-2-server-6"],
                  targets={"current-2-server-6": "2023-12-31"}))],
     BASE_NO_CONTRACT + [(F, "target-date", "advice", "current-2-server-6")], today="2024-02-01")

case("check-date-in-the-future", "a 1回目 dated after the day of the inspection cannot have been made",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3", "current-1-1"),
                  extra_items={"current-1-1": {"r1": {"answer": "yes", "date": "2023-12-02"}, "note": "", "status": "applicable"}}))],
     [e for e in BASE_NO_CONTRACT if e[1] != "first-round"] + [(F, "first-round", "fail", "current-1-1")])

case("check-date-in-1899", "a year outside 2000–2099 is no date (the form refuses it too)",
     [(F, answers("r5-iryokikan", gate="yes", contract="no", yes=minus(HOSPITAL_CURRENT, "current-2-all-2", "current-2-all-3", "current-1-1"),
                  extra_items={"current-1-1": {"r1": {"answer": "yes", "date": "1899-12-31"}, "note": "", "status": "applicable"}}))],
     [e for e in BASE_NO_CONTRACT if e[1] != "first-round"] + [(F, "first-round", "fail", "current-1-1")])

case("format-version-one-point-zero", "format_version 1.0 is version 1, as JSON and the schema say",
     [(F, dict(answers("r5-iryokikan", gate="no"), format_version=1.0))],
     [(F, "gate", "pass", None)])

def with_item(doc, item_id, **fields):
    doc = json.loads(json.dumps(doc))
    base = {"r1": {"answer": "yes", "date": DATE}, "note": "", "status": "applicable"}
    for k, v in fields.items():
        path = k.split("__")
        o = base
        for p in path[:-1]:
            o = o[p]
        o[path[-1]] = v
    doc["items"][item_id] = base
    return doc

good = answers("r5-iryokikan", gate="yes", contract="no")
typed = {
    "answer-true.json": with_item(good, "current-1-1", r1__answer=True),
    "answer-empty.json": with_item(good, "current-1-1", r1__answer=""),
    "answer-space.json": with_item(good, "current-1-1", r1__answer=" "),
    "answer-maybe.json": with_item(good, "current-1-1", r1__answer="maybe"),
    "date-number.json": with_item(good, "current-1-1", r1__date=20231001),
    "date-slashes.json": with_item(good, "current-1-1", r1__date="2023/10/01"),
    "status-maybe.json": with_item(good, "current-1-1", status="maybe"),
    "note-number.json": with_item(good, "current-1-1", note=5),
    "gate-maybe.json": dict(good, gate="maybe"),
    "switch-one.json": dict(good, switches={"vendor_contract": 1}),
    "switch-unknown.json": dict(good, switches={"vendor_contrakt": "no"}),
    "no-hash.json": dict(good, checklist={"id": "r5-iryokikan", "edition": "r5"}),
    "numeric-hash.json": dict(good, checklist={"id": "r5-iryokikan", "edition": "r5", "definition_hash": 123}),
    "version-one-point-five.json": dict(good, format_version=1.5),
    "unknown-key.json": dict(good, extra="x"),
    "no-updated-at.json": {k: v for k, v in good.items() if k != "updated_at"},
}
case("typed-reader", "values of the wrong type are an invalid file, never an unanswered item (the schema's rules)",
     list(typed.items()), [(n, "file", "error", None) for n in typed])

sjis_doc = answers("r5-yakkyoku-jigyosha", vendor="株式会社テスト", yes=VENDOR_CURRENT)
case("bom-and-shift-jis", "a UTF-8 BOM (Notepad) is read; a file re-saved as Shift_JIS is refused, not read as garbled text",
     [("bom.json", b"\xef\xbb\xbf" + json.dumps(answers("r5-iryokikan", gate="no"), ensure_ascii=False).encode()),
      ("sjis.json", json.dumps(sjis_doc, ensure_ascii=False).encode("cp932"))],
     [("bom.json", "gate", "pass", None), ("sjis.json", "file", "error", None)])

out = pathlib.Path(__file__).with_name("vectors.json")
out.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"wrote {len(vectors)} vectors to {out}")
