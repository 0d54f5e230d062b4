'use strict';
// Shared by the inspection tests: the vectors of tests/inspection/vectors.json as the bytes both
// engines read, the site's inspection data, and `kensa inspect --format json` over many
// facilities in one run.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { execFileSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
const VECTORS = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/inspection/vectors.json'), 'utf8'));
const DEFAULT_TODAY = '2023-12-01';

/** KENSA_INSPECTION of a built site (assets/inspection-data.js run in a vm context). */
function loadData(dir) {
  const code = fs.readFileSync(path.join(dir, 'assets/inspection-data.js'), 'utf8');
  const ctx = vm.createContext({});
  vm.runInContext(code, ctx, { filename: 'inspection-data.js' });
  assert.ok(ctx.KENSA_INSPECTION, 'inspection-data.js defines KENSA_INSPECTION');
  // Out of the vm's realm, so deepEqual compares plain data.
  return JSON.parse(JSON.stringify(ctx.KENSA_INSPECTION));
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `@hash:<checklist id>"` becomes that checklist's current definition hash, as
 * tests/inspection.rs does: the vectors must not change each time a definition does. The
 * closing quote keeps `@hash:r5-yakkyoku` from matching `@hash:r5-yakkyoku-jigyosha`.
 */
function withHashes(text, data) {
  let out = text;
  for (const c of [...(data.checklists || []), ...(data.others || [])]) {
    if (c.definition_hash) out = out.split(`@hash:${c.id}"`).join(`${c.definition_hash}"`);
  }
  return out;
}

/** A vector's files as {name, bytes}; bytes that are not UTF-8 are kept as they are. */
function vectorFiles(v, data) {
  return v.files.map((f) => {
    let bytes = f.content != null ? Buffer.from(f.content, 'utf8') : Buffer.from(f.content_base64, 'base64');
    try {
      bytes = Buffer.from(withHashes(STRICT_UTF8.decode(bytes), data), 'utf8');
    } catch {
      // not UTF-8: the engines must say so, so the bytes stay as they are
    }
    return { name: f.name, bytes: new Uint8Array(bytes) };
  });
}

const todayOf = (v) => v.today || DEFAULT_TODAY;

function kensaBin() {
  const candidates = [process.env.KENSA_BIN, path.join(REPO, 'target/debug/kensa'), path.join(REPO, 'target/release/kensa')];
  return candidates.find((p) => p && fs.existsSync(p)) || null;
}

/**
 * Findings of `kensa inspect --format json --today <today>` for many facilities in one run:
 * `facilities` is a list of file lists ({name, bytes}); each goes into its own folder, which the
 * CLI treats as one facility. Returns one findings list per facility, in order.
 */
function rustFindings(bin, facilities, today) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kensa-inspect-'));
  try {
    const folders = [];
    const paths = [];
    facilities.forEach((files, n) => {
      const folder = path.join(dir, String(n).padStart(5, '0'));
      fs.mkdirSync(folder);
      folders.push(folder);
      for (const f of files) {
        const p = path.join(folder, f.name);
        fs.writeFileSync(p, f.bytes);
        paths.push(p);
      }
    });
    let out;
    try {
      out = execFileSync(bin, ['inspect', '--root', REPO, '--format', 'json', '--today', today, ...paths], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 1 << 30,
      });
    } catch (err) {
      if (err.status !== 1) throw err; // 1: findings include failures
      out = err.stdout;
    }
    const groups = new Map(JSON.parse(out).map((g) => [path.resolve(g.facility), g.findings]));
    return folders.map((f) => groups.get(f));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** mulberry32: small, fast and good enough to spread the cases. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

module.exports = { prng, REPO, VECTORS, DEFAULT_TODAY, loadData, vectorFiles, todayOf, kensaBin, rustFindings };
