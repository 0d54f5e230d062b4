'use strict';
// search.js (in the browser) and src/features/search.rs (building the index) must cut every text
// alike, or a query misses what the index holds. tests/search_vectors.json pins the cases written
// by hand; this test checks thousands more: a seeded generator makes KENSA_DIFF_TEXTS strings
// (default 10,000) from the characters the normalizer treats specially (half-width kana with
// their voiced marks, full-width letters and digits, combining marks, ordinal signs, dots and
// dashes between digits, CJK punctuation, spaces of every width, emoji outside the BMP), and both
// sides must give the same normalized text, the same tokens in the same order and the same
// shard hashes. KENSA_DIFF_SEED replays a run; a failure names the seed and the text.
// Runs in node: the Rust side is examples/search_tokens.rs, built by `cargo test`.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { prng, REPO } = require('./inspection-vectors');

const search = require(path.join(REPO, 'themes/default/static/js/search.js'));

const TEXTS = Number(process.env.KENSA_DIFF_TEXTS || 10_000);
const SEED = Number(process.env.KENSA_DIFF_SEED || 20240401);

const PIECES = [
  'a', 'Z', 'q', '0', '7', '9', '.', '-', '_', '/', ':', '(', ')', '#', '%', '@',
  'Ａ', 'ｚ', '０', '９', '．', '－', '（', '）', '＿', '／',
  'ｶ', 'ｷ', 'ﾊ', 'ﾎ', 'ｳ', 'ﾞ', 'ﾟ', 'ｰ', 'ｧ', 'ｯ', 'ﾝ', '･', '｡', '､', '｢', '｣',
  'か', 'が', 'は', 'ぱ', 'ゔ', 'ゝ', 'ゞ', 'ー', 'カ', 'ガ', 'ヴ', 'ヽ', 'ヾ', 'ヵ', 'ヶ', 'ヷ',
  '\u3099', '\u309a', '\u309b', '\u309c', '\u0301',
  '医', '療', '情', '報', '台', '帳', '〆', '々', '〇', '𠀋',
  '①', '⑳', '㊤', 'Ⅳ', '№', '第', '章', '条',
  '、', '。', '・', '「', '」', '【', '】', '〜', '～', '…', '‥',
  ' ', '\u3000', '\t', '\n', '\u00a0', '\u200b', '\ufeff',
  '😀', '👍🏽', '\ud800', '\udfff',
];
const WORDS = ['リモートメンテナンス', 'ﾘﾓｰﾄﾒﾝﾃﾅﾝｽ', 'ＭＤＳ', 'MDS/SDS', '13.1.3', '１３．１．３', '2(4)', '２（４）', 'GL6', 'VPN', 'ｻｰﾊﾞ'];

function text(r) {
  const n = r.int(25);
  let s = '';
  for (let i = 0; i < n; i++) s += r.chance(0.15) ? r.pick(WORDS) : r.pick(PIECES);
  return s;
}

function rustSide(texts) {
  const candidates = [process.env.KENSA_SEARCH_TOKENS_BIN, path.join(REPO, 'target/debug/examples/search_tokens'), path.join(REPO, 'target/release/examples/search_tokens')];
  const bin = candidates.find((p) => p && fs.existsSync(p));
  assert.ok(bin, 'examples/search_tokens is built (cargo test or cargo build --example search_tokens)');
  // Lone surrogates cannot cross as UTF-8: JSON escapes keep them, and Rust reads them as U+FFFD,
  // as the build reads content files. Compare those as the index sees them.
  const out = execFileSync(bin, { input: JSON.stringify(texts), maxBuffer: 1 << 28 });
  return JSON.parse(out.toString('utf8'));
}

test(`search.js and search.rs cut ${TEXTS} generated texts alike (seed ${SEED})`, { timeout: 120_000 }, () => {
  const r = prng(SEED);
  // What Rust receives: lone surrogates become U+FFFD on the way in, as in any UTF-8 file.
  const texts = Array.from({ length: TEXTS }, () => text(r).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
  const rust = rustSide(texts);
  assert.equal(rust.length, texts.length);
  let tokens = 0;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    const where = `text ${i} of seed ${SEED}: ${JSON.stringify(t)}`;
    assert.equal(search.normalize(t), rust[i].normalized, `normalize, ${where}`);
    const js = search.tokenize(t);
    assert.deepEqual(js, rust[i].tokens, `tokenize, ${where}`);
    assert.deepEqual(js.map((k) => search.tokenHash(k)), rust[i].hashes, `tokenHash, ${where}`);
    tokens += js.length;
  }
  // The generator must exercise the tokenizer, not hand it empty strings.
  assert.ok(tokens > TEXTS * 3, `only ${tokens} tokens over ${TEXTS} texts`);
});
