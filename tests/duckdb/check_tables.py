#!/usr/bin/env python3
"""Loads `kensa inspect`'s tables into DuckDB, as a prefecture would, and checks them against
what the generator wrote; then runs every SQL query README.md gives for them.

    .venv/bin/python tests/duckdb/check_tables.py SITE KENSA_BIN

SITE is a built site (public/); KENSA_BIN the kensa binary. Run by scripts/test.sh. Exits 1 with
the first difference found.
"""
import json, pathlib, re, subprocess, sys, tempfile

import duckdb

REPO = pathlib.Path(__file__).resolve().parents[2]
TODAY = "2024-06-01"


def fail(msg):
    print(f"check_tables: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main(site, kensa):
    with tempfile.TemporaryDirectory(prefix="kensa-duckdb-") as work:
        check(site, kensa, pathlib.Path(work))


def check(site, kensa, work):
    returns = work / "returns"
    subprocess.run([sys.executable, REPO / "benches/gen_returns.py", site, returns,
                    "--files", "3000", "--seed", "11", "--bad"], check=True)
    manifest = json.loads(pathlib.Path(f"{returns}.manifest.json").read_text(encoding="utf-8"))
    base = [kensa, "inspect", returns, "--site", site, "--today", TODAY]
    with open(work / "findings.csv", "wb") as out:
        run = subprocess.run(base + ["--format", "csv-plain", "--answers", work / "answers.csv"], stdout=out)
    if run.returncode != 1:
        fail(f"kensa inspect exited {run.returncode}, not 1 (the collection holds bad files)")
    with open(work / "findings.jsonl", "wb") as out:
        subprocess.run(base + ["--format", "jsonl", "-q"], stdout=out)

    db = duckdb.connect()
    db.execute(f"SET file_search_path = '{work}'")
    q = lambda sql: db.execute(sql).fetchall()

    # Every answer the generator wrote, counted by DuckDB.
    counted = {f"{c}|{i}|{r}": {"yes": y, "no": n, "blank": b} for c, i, r, y, n, b in q("""
        SELECT checklist, item, round, count(*) FILTER (answer = 'yes'),
               count(*) FILTER (answer = 'no'), count(*) FILTER (answer IS NULL)
        FROM read_csv('answers.csv') GROUP BY ALL""")}
    if counted != manifest["answers"]:
        diff = [k for k in manifest["answers"] if counted.get(k) != manifest["answers"][k]]
        fail(f"answer counts differ from the generator's for {diff[:5]}")
    shown = {f"{c}|{i}|{r}": {"yes": y, "no": n, "blank": b} for c, i, r, y, n, b in q("""
        SELECT checklist, item, round, count(*) FILTER (answer = 'yes'),
               count(*) FILTER (answer = 'no'), count(*) FILTER (answer IS NULL)
        FROM read_csv('answers.csv') WHERE applicable GROUP BY ALL""")}
    want_shown = {k: v for k, v in manifest["applicable_answers"].items() if sum(v.values())}
    if shown != want_shown:
        fail("counts of the answers the forms show differ from the generator's")
    # Column types as an analyst needs them, inferred by DuckDB from the plain CSV.
    types = dict(q("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_csv('answers.csv'))"))
    for col, want in {"date": "DATE", "target_date": "DATE", "applicable": "BOOLEAN", "reference": "BOOLEAN"}.items():
        if types.get(col) != want:
            fail(f"answers.csv column {col} reads as {types.get(col)}, not {want}")
    (facilities,) = q("SELECT count(DISTINCT facility) FROM read_csv('answers.csv')")[0]
    if facilities != manifest["facilities"]:
        fail(f"{facilities} facilities in answers.csv, the generator made {manifest['facilities']}")
    (files,) = q("SELECT count(DISTINCT facility || '/' || file) FROM read_csv('answers.csv')")[0]
    if files != manifest["files"]:
        fail(f"{files} files in answers.csv, the generator wrote {manifest['files']} readable ones")

    # Findings: the bad files, one line each; the JSON lines hold the same findings as the CSV.
    bad = manifest["bad"]
    want_errors = bad["unreadable_json"] + bad["unknown_checklist"] + bad["link"] + bad["fifo"]
    (errors,) = q("SELECT count(*) FROM read_csv('findings.csv') WHERE rule = 'file' AND status = 'error'")[0]
    if errors != want_errors:
        fail(f"{errors} unreadable-file findings, expected {want_errors}")
    (csv_n,) = q("SELECT count(*) FROM read_csv('findings.csv')")[0]
    (jsonl_n,) = q("SELECT count(*) FROM read_json('findings.jsonl', format = 'newline_delimited')")[0]
    if csv_n != jsonl_n:
        fail(f"findings.csv has {csv_n} rows, findings.jsonl {jsonl_n}")

    # README's queries run as written (against these files) and answer something.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Inspecting a year of returns"):readme.index("### Publishing")]
    queries = [s.strip() for block in re.findall(r"```sql\n(.*?)```", section, re.S)
               for s in block.split(";") if "SELECT" in s]
    if len(queries) < 4:
        fail(f"found {len(queries)} queries in README's section, expected at least 4")
    for sql in queries:
        try:
            rows = q(sql)
        except duckdb.Error as e:
            fail(f"README query failed: {e}\n{sql}")
        if not rows:
            fail(f"README query returned nothing:\n{sql}")
    print(f"check_tables: ok: {manifest['files']} files, {facilities} facilities, {csv_n} findings, "
          f"{len(queries)} README queries", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
