'use strict';
// Shared code for kensa's browser tests (node:test + playwright-core + Debian's chromium).
//
// The site under test is a built kensa output directory named by the env var KENSA_SITE_DIR
// (scripts/test.sh builds one into a temp dir and sets it). No browser is downloaded: we drive
// /usr/bin/chromium (override with CHROMIUM_PATH).

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');
const { chromium } = require('playwright-core');

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launch Debian's chromium through playwright-core. */
async function launchBrowser(options = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: run scripts/install-deps.sh (installs Debian's chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, ...options });
}

/** The built site directory (absolute), from KENSA_SITE_DIR. */
function siteDir() {
  const dir = process.env.KENSA_SITE_DIR;
  if (!dir) {
    throw new Error('KENSA_SITE_DIR is not set: run scripts/test.sh, or build the site and set it to the output dir');
  }
  const abs = path.resolve(dir);
  if (!fs.existsSync(path.join(abs, 'index.html'))) {
    throw new Error(`KENSA_SITE_DIR=${dir}: no index.html in ${abs}`);
  }
  return abs;
}

/** file:// URL of a file (or the site dir itself, with a trailing slash) inside `dir`. */
function fileUrl(dir, rel = '') {
  const href = pathToFileURL(path.join(dir, rel)).href;
  return rel === '' && !href.endsWith('/') ? href + '/' : href;
}

// ------------------------------------------------------------------ static HTTP server

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.zip': 'application/zip',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

function contentType(file) {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/**
 * Serve `root` on 127.0.0.1 at an ephemeral port. GET/HEAD only; a directory serves its
 * index.html; anything missing (or outside root) is a 404.
 * Resolves to { url: 'http://127.0.0.1:PORT', port, close() }.
 */
async function serveDir(root) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
      let rel;
      try {
        rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      } catch {
        return send(400, 'bad request\n');
      }
      let file = path.resolve(base, '.' + path.posix.normalize(rel));
      if (file !== base && !file.startsWith(base + path.sep)) return send(404, 'not found\n');
      let st = await fsp.stat(file).catch(() => null);
      if (st && st.isDirectory()) {
        file = path.join(file, 'index.html');
        st = await fsp.stat(file).catch(() => null);
      }
      if (!st || !st.isFile()) return send(404, 'not found\n');
      res.writeHead(200, {
        'Content-Type': contentType(file),
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      send(500, String(err) + '\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ------------------------------------------------------------------ pages

/** Relative (posix) paths of all .html files under dir, sorted, at most `cap`. */
function listHtmlPages(dir, cap = 200) {
  const out = [];
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.endsWith('.html')) out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  out.sort();
  return out.slice(0, cap);
}

// ------------------------------------------------------------------ recorders

const LOCAL_SCHEMES = ['data:', 'blob:', 'about:', 'javascript:'];

/**
 * Is `url` inside `base`? base is an http(s) origin/URL (same origin required) or a file:// URL
 * of a folder (the URL must be a file:// URL under that folder). data:, blob: and about: URLs
 * never leave the page.
 */
function isInside(url, base) {
  if (LOCAL_SCHEMES.some((s) => url.startsWith(s))) return true;
  const b = new URL(base);
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (b.protocol === 'file:') {
    if (u.protocol !== 'file:') return false;
    const basePath = fileURLToPath(b);
    const folder = (b.pathname.endsWith('/') ? basePath : path.dirname(basePath)).replace(/[\\/]+$/, '');
    u.hash = '';
    u.search = '';
    const target = fileURLToPath(u);
    return target === folder || target.startsWith(folder + path.sep);
  }
  return u.origin === b.origin;
}

/**
 * Record every request `page` makes from now on, plus failed requests and HTTP error responses.
 * `rec.outside(base)` lists the requested URLs that leave base's origin (http) or folder (file://).
 */
function recordRequests(page) {
  const rec = {
    requests: [],
    failed: [],
    httpErrors: [],
    outside(base) {
      return rec.requests.filter((u) => !isInside(u, base));
    },
    clear() {
      rec.requests.length = 0;
      rec.failed.length = 0;
      rec.httpErrors.length = 0;
    },
  };
  page.on('request', (r) => rec.requests.push(r.url()));
  page.on('requestfailed', (r) => rec.failed.push({ url: r.url(), error: (r.failure() || {}).errorText || '?' }));
  page.on('response', (r) => {
    if (r.status() >= 400) rec.httpErrors.push({ url: r.url(), status: r.status() });
  });
  return rec;
}

/** Record console errors and uncaught page errors. */
function recordConsoleErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') {
      const loc = m.location() || {};
      errors.push(`console.error: ${m.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e && e.stack ? e.stack.split('\n')[0] : e}`));
  return errors;
}

// ------------------------------------------------------------------ accessibility

const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

/**
 * Inject axe-core into the page and run it with the WCAG 2.0 A/AA, 2.1 AA and 2.2 AA rules.
 * Returns the violations as plain objects: { id, impact, help, helpUrl, nodes: [{ target, html, failureSummary }] }.
 */
async function axeCheck(page, { tags = AXE_TAGS, context = null } = {}) {
  const hasAxe = () => page.evaluate(() => typeof window.axe === 'object' && typeof window.axe.run === 'function');
  if (!(await hasAxe())) {
    try {
      await page.addScriptTag({ path: AXE_PATH });
    } catch {
      /* e.g. blocked by the page's CSP: fall back below */
    }
    if (!(await hasAxe())) {
      // page.evaluate is not subject to the page's Content-Security-Policy.
      await page.evaluate(fs.readFileSync(AXE_PATH, 'utf8'));
    }
  }
  return page.evaluate(
    async ({ tags, context }) => {
      const result = await window.axe.run(context || document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
      }));
    },
    { tags, context },
  );
}

/** Human-readable list of axe violations for an assertion message. */
function formatViolations(violations) {
  if (!violations.length) return 'no axe violations';
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => '    ' + JSON.stringify(n.target) + '  ' + (n.html || '').slice(0, 120));
      return `  ${v.id} (${v.impact}): ${v.help}\n${targets.join('\n')}`;
    })
    .join('\n');
}

/**
 * The usual start of a test file: before its tests, the built site, a browser and (with
 * `serve`) the site on 127.0.0.1; after them, both closed. Returns an object whose `dir`,
 * `browser` and `server` are set once the tests run.
 */
function useSite({ serve = true } = {}) {
  const { before, after } = require('node:test');
  const site = { dir: null, browser: null, server: null };
  before(async () => {
    site.dir = siteDir();
    site.browser = await launchBrowser();
    if (serve) site.server = await serveDir(site.dir);
  });
  after(async () => {
    if (site.browser) await site.browser.close();
    if (site.server) await site.server.close();
  });
  return site;
}

module.exports = {
  useSite,
  CHROMIUM_PATH,
  CHROMIUM_ARGS,
  AXE_TAGS,
  launchBrowser,
  siteDir,
  fileUrl,
  serveDir,
  contentType,
  listHtmlPages,
  isInside,
  recordRequests,
  recordConsoleErrors,
  axeCheck,
  formatViolations,
};
