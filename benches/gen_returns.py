#!/usr/bin/env python3
"""Writes a collection of returns, as a prefecture (or the nation) collects them, and what it holds.

    python3 benches/gen_returns.py SITE OUT --files N [--seed S] [--bad]

SITE is a built site (kensa build's public/): the checklists are read from its published JSON, so
every file is valid against the definitions the inspection uses. OUT gets one folder per facility
(OUT/<prefecture>/<facility>/), each with its own form (医療機関確認用 or 薬局確認用, in the
nation's proportion of ~180,000 institutions to ~62,000 pharmacies) and zero to two vendor forms,
until N answer files are written. Answers are random but seeded: はい most often, いいえ with or
without a 目標日, blanks, 2回目 on some いいえ.

--bad adds one of every kind of file a real collection holds by mistake (a text file, broken and
truncated JSON, a Shift_JIS file, an unknown checklist, an unknown edition, a link, a FIFO, two
facility forms in one folder, an empty folder).

OUT.manifest.json (beside OUT, so that it is not one of the returns) records what was written, for the tests to check the outputs against: counts of
facilities and files, and for each checklist, item and round how many answers were はい, いいえ and
blank (on the readable files), in all and of the items the form shows (`applicable_answers`).
"""
import argparse, json, os, random, sys
from pathlib import Path

PHARMACY_SHARE = 62 / (62 + 180)


def load_checklists(site):
    lists = {}
    for p in sorted(Path(site, "checklists").glob("*/*.json")):
        doc = json.loads(p.read_text(encoding="utf-8"))
        c = doc["checklist"]
        if c.get("inspection"):
            lists[c["id"]] = {"def": c, "hash": doc["definition_hash"]}
    return lists


def pick_forms(lists, facility_kind):
    own = [c for c in lists.values() if c["def"]["facility"] == facility_kind]
    form = next(c for c in own if c["def"]["audience"] == "facility")
    vendor = next(c for c in own if c["def"]["audience"] == "vendor")
    return form, vendor


def day(rng, year):
    # A day of the fiscal year (April to March), as people write it.
    month = rng.randint(1, 12)
    y = year if month >= 4 else year + 1
    return f"{y:04d}-{month:02d}-{rng.randint(1, 28):02d}"


class Counts:
    def __init__(self):
        self.answers = {}  # "checklist|item|round" -> {"yes": n, "no": n, "blank": n}
        self.applicable = {}  # the same, of the answers the form shows (not hidden by a rule)

    def add(self, checklist, item, rnd, answer, hidden):
        key = f"{checklist}|{item}|{rnd}"
        for table, counted in ((self.answers, True), (self.applicable, not hidden)):
            slot = table.setdefault(key, {"yes": 0, "no": 0, "blank": 0})
            slot[answer or "blank"] += int(counted)


def answer_file(rng, entry, counts, vendor_name=None):
    c = entry["def"]
    years = {p["id"]: p.get("fiscal_year") or 2023 for p in c["phases"]}
    gate = None
    if c.get("gate"):
        gate = rng.choices(["yes", "no", None], [90, 5, 5])[0]
    switches = {s["id"]: rng.choice(["yes", "yes", "no"]) for s in c.get("switches", [])}
    items = {}
    for it in c["items"]:
        hidden = gate == "no" or (it.get("unless_switch_off") and switches.get(it["unless_switch_off"]) == "no")
        year = years[it["phase"]]
        a1 = rng.choices(["yes", "no", None], [70, 20, 10])[0]
        r1 = {"answer": a1, "date": day(rng, year) if a1 else None}
        target = {"date": day(rng, year) if a1 == "no" and rng.random() < 0.6 else None}
        a2 = "yes" if a1 == "no" and rng.random() < 0.3 else None
        r2 = {"answer": a2, "date": day(rng, year) if a2 else None}
        items[it["id"]] = {"r1": r1, "target": target, "r2": r2, "note": "",
                           "status": "not_applicable" if hidden else "applicable"}
        counts.add(c["id"], it["id"], "r1", a1, hidden)
        counts.add(c["id"], it["id"], "r2", a2, hidden)
    doc = {"format": "kensa-answers", "format_version": 1, "generator": "gen_returns.py",
           "checklist": {"id": c["id"], "edition": c["edition"], "definition_hash": entry["hash"],
                         "title": c["title"], "form": c["form"]},
           "updated_at": "2023-10-01T09:00:00.000Z", "exported_at": "2023-10-01T09:05:00.000Z",
           "fields": {"vendor_name": vendor_name} if vendor_name else {},
           "gate": gate, "switches": switches, "items": items}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def write_bad(out, lists, counts, manifest):
    """One of every kind of file that is not a judgeable answer file, in folder OUT/bad/."""
    bad = Path(out, "bad")
    (bad / "mixed").mkdir(parents=True)
    any_list = next(iter(lists.values()))
    good = json.loads(answer_file(random.Random(1), any_list, Counts()))
    files = {
        "readme.txt": b"not answers",
        "broken.json": b"{\"format\": \"kensa-answers\", ",
        "sjis.json": "{\"備考\": \"あ\"}".encode("shift_jis"),
        "other.json": b"{\"hello\": 1}",
    }
    unknown = dict(good, checklist=dict(good["checklist"], id="r9-unknown"))
    files["unknown-checklist.json"] = json.dumps(unknown).encode()
    edition = dict(good, checklist=dict(good["checklist"], id="r6-" + good["checklist"]["id"].split("-", 1)[1], edition="r6"))
    files["unknown-edition.json"] = json.dumps(edition).encode()
    for name, data in files.items():
        (bad / "mixed" / name).write_bytes(data)
    os.symlink("/etc/passwd", bad / "mixed" / "link.json")
    os.mkfifo(bad / "mixed" / "pipe.json")
    # Two facility forms of one kind in one folder: two facilities' files mixed up.
    form, _ = pick_forms(lists, "pharmacy")
    twice = bad / "twice"
    twice.mkdir()
    for n in ("a.json", "b.json"):
        (twice / n).write_text(answer_file(random.Random(n), form, counts), encoding="utf-8")
    (bad / "empty").mkdir()
    manifest["bad"] = {"not_json_name": 1, "unreadable_json": 3, "unknown_checklist": 2,
                       "link": 1, "fifo": 1, "several_facility_forms": 2}
    manifest["files"] += 2
    manifest["facilities"] += 1  # twice/; mixed/ holds no readable return
    manifest["facility_folders_with_only_bad_files"] = 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("out")
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bad", action="store_true")
    a = ap.parse_args()
    lists = load_checklists(a.site)
    if not lists:
        sys.exit(f"gen_returns: no checklists with inspection rules under {a.site}/checklists")
    rng = random.Random(a.seed)
    counts = Counts()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=False)
    manifest = {"facilities": 0, "files": 0, "vendor_files": 0}
    n = 0
    while n < a.files:
        kind = "pharmacy" if rng.random() < PHARMACY_SHARE else "hospital"
        form, vendor = pick_forms(lists, kind)
        folder = out / f"p{manifest['facilities'] % 47 + 1:02d}" / f"f{manifest['facilities']:07d}"
        folder.mkdir(parents=True)
        sheets = [(form["def"]["form"] + ".json", answer_file(rng, form, counts))]
        for v in range(rng.choice([0, 1, 1, 2])):
            if n + len(sheets) >= a.files:
                break
            name = f"事業者{v + 1}.json"
            sheets.append((name, answer_file(rng, vendor, counts, vendor_name=f"事業者{v + 1}社")))
        for name, text in sheets:
            (folder / name).write_text(text, encoding="utf-8")
        n += len(sheets)
        manifest["facilities"] += 1
        manifest["files"] += len(sheets)
        manifest["vendor_files"] += len(sheets) - 1
    if a.bad:
        write_bad(out, lists, counts, manifest)
    manifest["answers"] = counts.answers
    manifest["applicable_answers"] = counts.applicable
    Path(str(out) + ".manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"gen_returns: {manifest['files']} answer files of {manifest['facilities']} facilities in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
