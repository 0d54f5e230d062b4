#!/usr/bin/env python3
"""Writes tests/inspection/vectors.json: answer files with the findings the 手引き expects.

The expected findings below are worked out by hand from the 立入検査の手引き (seed 000 for
医療機関, seed 004 for 薬局); the Rust engine (src/inspect.rs) and the browser engine
(themes/default/static/js/inspect.js) are both tested against this one file.
Run: python3 tests/inspection/make_vectors.py
"""
import json, pathlib

HOSPITAL_CURRENT = ["current-1-1", "current-2-all-1", "current-2-all-2", "current-2-all-3",
                    "current-2-server-4", "current-2-server-5", "current-2-server-6",
                    "current-2-network-7", "current-2-network-8", "current-3-1"]
VENDOR_CURRENT = ["current-1-1", "current-2-all-2", "current-2-all-3", "current-2-server-4",
                  "current-2-server-5", "current-2-server-6", "current-2-network-7", "current-2-network-8"]
DATE = "2023-10-01"

def answers(checklist, gate=None, contract=None, yes=(), no=(), no_date=(), targets=None, vendor=None, extra_items=None, **top):
    items = {}
    for i in yes:
        items[i] = {"r1": {"answer": "yes", "date": DATE}}
    for i in no:
        items[i] = {"r1": {"answer": "no", "date": DATE}}
    for i in no_date:
        items[i] = {"r1": {"answer": "yes", "date": None}}
    for i, d in (targets or {}).items():
        items.setdefault(i, {})["target"] = {"date": d}
    items.update(extra_items or {})
    doc = {"format": "kensa-answers", "format_version": 1, "generator": "test vectors",
           "checklist": {"id": checklist, "edition": "r5"}, "fields": {}, "gate": gate,
           "switches": {} if contract is None else {"vendor_contract": contract}, "items": items}
    if vendor:
        doc["fields"]["vendor_name"] = vendor
    doc.update(top)
    return doc

def minus(ids, *drop):
    return [i for i in ids if i not in drop]

F = "facility.json"
vectors = []
def case(name, description, files, expected):
    vectors.append({"name": name, "description": description,
                    "files": [{"name": n, "content": c if isinstance(c, str) else json.dumps(c, ensure_ascii=False)} for n, c in files],
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
case("two-vendors-cover-each-other", "each vendor answers part; a blank is fine when the facility's or the other vendor's sheet answers it",
     [(F, answers("r5-iryokikan", gate="yes", contract="yes", yes=minus(HOSPITAL_CURRENT, "current-2-server-4"), no_date=["current-2-server-4"])),
      (A, answers("r5-iryokikan-jigyosha", vendor="A社", yes=minus(VENDOR_CURRENT, "current-2-network-7", "current-2-network-8"))),
      (B, answers("r5-iryokikan-jigyosha", vendor="B社", yes=minus(VENDOR_CURRENT, "current-2-server-4", "current-2-server-5")))],
     [(F, "first-round", "fail", "current-2-server-4"), (F, "contact-chart", "onsite", "current-3-1"),
      (F, "vendor-sheets", "onsite", None), (F, "reference", "info", None),
      (A, "covered", "pass", "current-2-network-7"), (A, "covered", "pass", "current-2-network-8"),
      (A, "first-round", "pass", None), (A, "reference", "info", None),
      (B, "covered", "pass", "current-2-server-4"), (B, "covered", "pass", "current-2-server-5"),
      (B, "first-round", "pass", None), (B, "reference", "info", None)])

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

out = pathlib.Path(__file__).with_name("vectors.json")
out.write_text(json.dumps(vectors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"wrote {len(vectors)} vectors to {out}")
