#!/usr/bin/env python3
"""Generate a synthetic site of N Markdown pages for kensa and the same pages for Hugo.

    python3 benches/gen_site.py 1000 [2000 ...] [--out-root benches/out] [--seed 20240601]

For each size N this writes (after removing benches/out/N):

  benches/out/N/kensa/content/site.yaml        copied from content/site.yaml
  benches/out/N/kensa/content/index.md         home page
  benches/out/N/kensa/content/bench/sXX/dYYY/pNNNNN.md   N pages, 50 per folder, 10 folders per group
  benches/out/N/kensa/content/checklists/ ...   copied from content/ (see --real-content)
  benches/out/N/kensa/themes/                   copied from themes/
  benches/out/N/hugo/hugo.toml, layouts/, static/style.css
  benches/out/N/hugo/content/_index.md + the same N pages with the same bodies; internal links
      are written `{{< relref "…" >}}` instead of kensa's `@/…`, so both check and resolve them.
  benches/out/N/manifest.json                   what was generated

Every page is ~2 KB (UTF-8) of Japanese text with front matter (title, weight, description,
source, provenance: editorial), ## and ### headings with explicit ids, bullet lists, a table and
internal links (some with #anchors). Output is deterministic: page i depends only on the seed, i
and N (link targets are drawn from the N pages).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from urllib.parse import urlsplit
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PER_FOLDER = 50
FOLDERS_PER_GROUP = 10
TARGET_BYTES = 2000  # body size in UTF-8 bytes (front matter not counted)

# Structured content that checklists may refer to (guideline catalog for refs, manual and guide
# pages, flowcharts). Copied with the checklists so that kensa's reference checks can resolve.
CHECKLIST_DEPS = ["guideline", "manuals", "guides", "flowcharts"]

FALLBACK_SITE_YAML = """\
title: 医療機関等におけるサイバーセキュリティ対策チェックリスト
base_url: https://example.go.jp/kensa/
language: ja
theme: default
editions:
  - id: y2021
    name: 2021年版（ガイドライン第5.1版対応）
    fiscal_year: 2021
  - id: r5
    name: 令和5年度版
    fiscal_year: 2023
editions_shown: [r5, y2021]
footer: 出典：厚生労働省（各ページに出典資料名を記載しています）
"""

# ------------------------------------------------------------------ vocabulary

TOPICS = [
    "医療情報システム", "サーバ", "端末PC", "ネットワーク機器", "バックアップ", "アクセス権限",
    "ログ管理", "リモートメンテナンス", "ウイルス対策", "パスワード管理", "外部記録媒体",
    "インシデント対応", "事業継続計画", "委託先管理", "教育訓練", "機器台帳", "脆弱性対策",
    "電子カルテ", "レセプトコンピュータ", "無線LAN", "クラウドサービス", "認証方式",
]
ASPECTS = [
    "管理手順", "確認方法", "運用上の留意点", "点検の記録", "導入時の設定", "定期的な見直し",
    "責任者の役割", "事業者との連携", "緊急時の対応", "記録の保存",
]
SUBJECTS = [
    "医療機関", "薬局", "システム管理者", "医療情報システム安全管理責任者", "事業者", "担当者",
    "経営層", "職員", "委託先", "情報システム部門",
]
OBJECTS = [
    "機器の一覧", "利用者のアカウント", "アクセスログ", "バックアップデータ", "ソフトウェアの更新状況",
    "ネットワーク構成図", "保守契約の内容", "パスワードの設定", "不要なサービス", "外部接続の経路",
    "復旧手順書", "連絡体制", "端末の設置場所", "記録媒体の持ち出し", "権限の付与状況",
]
VERBS = [  # (progressive, plain)
    ("定期的に確認している", "定期的に確認する"), ("文書で定めている", "文書で定める"),
    ("台帳に記録している", "台帳に記録する"), ("事業者と共有している", "事業者と共有する"),
    ("年に一度見直している", "年に一度見直す"), ("責任者が承認している", "責任者が承認する"),
    ("速やかに更新している", "速やかに更新する"), ("職員に周知している", "職員に周知する"),
    ("適切に管理している", "適切に管理する"), ("手順に従って点検している", "手順に従って点検する"),
]
CONNECTIVES = ["また、", "さらに、", "なお、", "このため、", "あわせて、", "特に、", ""]
REASONS = [
    "障害や事故が起きたときに速やかに復旧できるようにするためである",
    "不正なアクセスを早期に発見するためである",
    "患者の個人情報を守るためである",
    "診療を継続できる体制を保つためである",
    "事業者との役割分担を明確にするためである",
    "確認の結果を次回の点検に生かすためである",
]
STATUS = ["実施済み", "一部実施", "未実施", "確認中", "対象外"]
OWNERS = ["院長", "事務長", "システム管理者", "薬局開設者", "保守事業者", "情報担当"]


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"{rng.choice(CONNECTIVES)}{rng.choice(OBJECTS)}を{rng.choice(VERBS)[1]}のは、{rng.choice(REASONS)}。"
    return f"{rng.choice(CONNECTIVES)}{rng.choice(SUBJECTS)}は{rng.choice(OBJECTS)}を{rng.choice(VERBS)[0]}。"


def paragraph(rng: random.Random, n: int) -> str:
    return "".join(sentence(rng) for _ in range(n))


# ------------------------------------------------------------------ pages


def page_rel(i: int) -> str:
    """Path of page i relative to content/, e.g. bench/s00/d000/p00000.md."""
    folder = i // PER_FOLDER
    group = folder // FOLDERS_PER_GROUP
    return f"bench/s{group:02d}/d{folder:03d}/p{i:05d}.md"


def page_title(i: int) -> str:
    rng = random.Random(f"title:{i}")
    return f"{rng.choice(TOPICS)}の{rng.choice(ASPECTS)}（{i + 1}）"


def yaml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def front_matter(title: str, weight: int, description: str) -> str:
    return (
        "---\n"
        f"title: {yaml_str(title)}\n"
        f"weight: {weight}\n"
        f"description: {yaml_str(description)}\n"
        "source:\n"
        f"  title: {yaml_str('ベンチマーク用の合成テキスト')}\n"
        "provenance: editorial\n"
        "---\n"
    )


class Link:
    """An internal link, rendered differently for kensa and Hugo."""

    def __init__(self, text: str, target: str, anchor: str | None):
        self.text, self.target, self.anchor = text, target, anchor

    def kensa(self) -> str:
        frag = f"#{self.anchor}" if self.anchor else ""
        return f"[{self.text}](@/{self.target}{frag})"

    def hugo(self) -> str:
        frag = f"#{self.anchor}" if self.anchor else ""
        return f'[{self.text}]({{{{< relref "/{self.target}{frag}" >}}}})'


def page_body(rng: random.Random, i: int, n: int) -> list:
    """The body as a list of str and Link parts."""

    def link(anchor_ok: bool = True) -> Link:
        j = rng.randrange(n)
        if j == i and n > 1:
            j = (i + 1) % n
        anchor = rng.choice([None, "s1", "s2", "s3", "s1-1"]) if anchor_ok else None
        return Link(page_title(j), page_rel(j), anchor)

    topic = rng.choice(TOPICS)
    parts: list = []
    parts.append(paragraph(rng, 3) + "\n\n")

    parts.append(f"## {topic}の概要 {{#s1}}\n\n")
    parts.append(paragraph(rng, 3) + "\n\n")
    parts.append("### 確認のポイント {#s1-1}\n\n")
    for _ in range(4):
        parts.append(f"- {rng.choice(OBJECTS)}を{rng.choice(VERBS)[0]}。\n")
    parts.append("\n")
    parts += ["詳しくは", link(), "を参照してください。", paragraph(rng, 1), "\n\n"]

    parts.append("## 対策の状況 {#s2}\n\n")
    parts.append("| 項目 | 状況 | 担当 |\n| --- | --- | --- |\n")
    for _ in range(4):
        parts.append(f"| {rng.choice(OBJECTS)} | {rng.choice(STATUS)} | {rng.choice(OWNERS)} |\n")
    parts.append("\n")
    parts.append("### 補足 {#s2-1}\n\n")
    parts.append(paragraph(rng, 2) + "\n\n")

    parts.append("## 関連ページ {#s3}\n\n")
    for _ in range(2):
        parts += ["- ", link(), "\n"]
    parts.append("\n")

    # Pad with a closing paragraph up to ~TARGET_BYTES.
    size = sum(len(p.encode()) if isinstance(p, str) else len(p.kensa().encode()) for p in parts)
    tail = ""
    while size + len(tail.encode()) < TARGET_BYTES:
        tail += sentence(rng)
    if tail:
        parts.append(tail + "\n")
    return parts


def render(parts: list, flavor: str) -> str:
    return "".join(p if isinstance(p, str) else getattr(p, flavor)() for p in parts)


def home_body(n: int) -> list:
    parts: list = ["ベンチマーク用に生成した合成サイトです。", f"{n} ページの本文はすべて同じ形式です。\n\n", "## 入口 {#entry}\n\n"]
    for j in sorted({0, n // 2, n - 1}):
        parts += ["- ", Link(page_title(j), page_rel(j), None), "\n"]
    return parts


# ------------------------------------------------------------------ Hugo scaffolding

HUGO_BASEOF = """<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ .Site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "index.html" | relURL }}">{{ .Site.Title }}</a>
{{ with .Parent }}<nav aria-label="パンくずリスト"><a href="{{ .RelPermalink }}">{{ .Title }}</a></nav>{{ end }}
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ .Site.Params.footer }}</p></footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="description">{{ . }}</p>{{ end }}
<nav class="toc" aria-label="目次">{{ .TableOfContents }}</nav>
{{ .Content }}
<nav class="pager">
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
"""

HUGO_INDEX = """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<nav class="toc" aria-label="目次">{{ .TableOfContents }}</nav>
{{ .Content }}
<ul>
{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .RegularPagesRecursive }})</li>
{{ end }}</ul>
{{ end }}
"""

HUGO_CSS = "body{font-family:sans-serif;max-width:50rem;margin:0 auto;color:#222;background:#fff}\n"

HUGO_DISABLED_KINDS = ["taxonomy", "term", "RSS", "robotsTXT", "404"]


def hugo_toml(site_yaml: str) -> str:
    def field(name: str, default: str) -> str:
        m = re.search(rf"^{name}:\s*(.+?)\s*$", site_yaml, re.M)
        return m.group(1).strip("'\"") if m else default

    title = field("title", "kensa bench")
    # Only the origin: with a path in baseURL Hugo's relative links would climb out of public/.
    u = urlsplit(field("base_url", "https://example.go.jp/kensa/"))
    base = f"{u.scheme or 'https'}://{u.netloc or 'example.go.jp'}/"
    lang = field("language", "ja")
    footer = field("footer", "出典：厚生労働省")
    kinds = ", ".join(json.dumps(k) for k in HUGO_DISABLED_KINDS)
    return f"""# Generated by benches/gen_site.py: a Hugo site doing work comparable to kensa's.
# Flat .html pages with relative links (uglyURLs + relativeURLs), like kensa's output.
# Disabled: taxonomies, RSS, robots.txt and 404 (kensa makes none). Kept: sitemap.xml (kensa writes one).
baseURL = {json.dumps(base)}
languageCode = {json.dumps(lang)}
defaultContentLanguage = {json.dumps(lang)}
title = {json.dumps(title, ensure_ascii=False)}
uglyURLs = true
relativeURLs = true
hasCJKLanguage = true
disableKinds = [{kinds}]
enableRobotsTXT = false

[params]
footer = {json.dumps(footer, ensure_ascii=False)}

[markup.tableOfContents]
startLevel = 2
endLevel = 3
ordered = false
"""


# ------------------------------------------------------------------ generation


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def copy_real_content(src_content: Path, dst_content: Path, mode: str) -> list[str]:
    copied: list[str] = []
    if mode == "none" or not (src_content / "checklists").is_dir():
        return copied
    dirs = ["checklists"] + (CHECKLIST_DEPS if mode == "deps" else [])
    for d in dirs:
        src = src_content / d
        if src.is_dir() and any(src.rglob("*")):
            shutil.copytree(src, dst_content / d)
            copied += [str(p.relative_to(dst_content)) for p in sorted((dst_content / d).rglob("*")) if p.is_file()]
    return copied


def generate(n: int, out_root: Path, seed: int, repo: Path, real_content: str) -> dict:
    out = out_root / str(n)
    if out.exists():
        shutil.rmtree(out)
    kensa, hugo = out / "kensa", out / "hugo"

    site_yaml_path = repo / "content" / "site.yaml"
    site_yaml = site_yaml_path.read_text(encoding="utf-8") if site_yaml_path.is_file() else FALLBACK_SITE_YAML

    # kensa scaffolding
    write(kensa / "content" / "site.yaml", site_yaml)
    if (repo / "themes").is_dir():
        shutil.copytree(repo / "themes", kensa / "themes")
    else:
        (kensa / "themes").mkdir(parents=True)
    copied = copy_real_content(repo / "content", kensa / "content", real_content)

    # Hugo scaffolding
    write(hugo / "hugo.toml", hugo_toml(site_yaml))
    write(hugo / "layouts" / "_default" / "baseof.html", HUGO_BASEOF)
    write(hugo / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    write(hugo / "layouts" / "_default" / "list.html", HUGO_LIST)
    write(hugo / "layouts" / "index.html", HUGO_INDEX)
    write(hugo / "static" / "style.css", HUGO_CSS)

    # home page
    home_fm = front_matter("ホーム", 0, "ベンチマーク用の合成サイト")
    home = home_body(n)
    write(kensa / "content" / "index.md", home_fm + "\n" + render(home, "kensa"))
    write(hugo / "content" / "_index.md", home_fm + "\n" + render(home, "hugo"))

    # the N pages
    digest = hashlib.sha256()
    body_bytes = 0
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        title = page_title(i)
        fm = front_matter(title, i % PER_FOLDER + 1, f"{title}について、{paragraph(rng, 1)}")
        parts = page_body(rng, i, n)
        k = fm + "\n" + render(parts, "kensa")
        write(kensa / "content" / page_rel(i), k)
        write(hugo / "content" / page_rel(i), fm + "\n" + render(parts, "hugo"))
        digest.update(k.encode())
        body_bytes += len(render(parts, "kensa").encode())

    manifest = {
        "size": n,
        "seed": seed,
        "pages": n,
        "folders": (n + PER_FOLDER - 1) // PER_FOLDER,
        "avg_body_bytes": round(body_bytes / max(n, 1)),
        "kensa_extra_files": copied,
        "hugo_disabled_kinds": HUGO_DISABLED_KINDS,
        "sha256": digest.hexdigest(),
    }
    write(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 2000, 10000])
    ap.add_argument("--out-root", type=Path, default=REPO / "benches" / "out")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--repo", type=Path, default=REPO, help="where content/site.yaml, content/checklists and themes/ come from")
    ap.add_argument(
        "--real-content",
        choices=["deps", "checklists", "none"],
        default="deps",
        help="copy content/checklists plus what checklists refer to (guideline, manuals, guides, flowcharts) [deps], "
        "only checklists, or nothing",
    )
    args = ap.parse_args(argv)
    for n in args.sizes:
        if n < 1:
            ap.error(f"size must be >= 1, not {n}")
        m = generate(n, args.out_root, args.seed, args.repo, args.real_content)
        extra = len(m["kensa_extra_files"])
        print(
            f"gen_site: {args.out_root / str(n)}: {n} pages in {m['folders']} folders, "
            f"~{m['avg_body_bytes']} B body each, {extra} real content file(s) copied for kensa, sha256 {m['sha256'][:12]}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
