// The browser tests' harness: Debian's Chromium through playwright-core (never a downloaded
// browser), a fresh profile per browser, and on every page a watch for console errors, page
// errors, CSP violations and 5xx answers, which fail the test unless it expects them.
// run.sh sets MYNACERT_URL, MYNACERT_SEED, MYNACERT_BROWSER_ARTIFACTS, MYNACERT_CHROMIUM.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = process.env.MYNACERT_URL;
if (!BASE) throw new Error('MYNACERT_URL is not set: run the tests through tests/browser/run.sh');
const ARTIFACTS = process.env.MYNACERT_BROWSER_ARTIFACTS || path.resolve('artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

export const STAFF_PASSWORD = process.env.MYNACERT_DEMO_STAFF_PASSWORD;

// The demo population, as `mynacert demo seed --json` (or seed-fallback.sh) printed it, read
// tolerantly: residents may sit under "residents" or be the top-level array, ids under "id" or
// "resident".
export function seed() {
  const raw = JSON.parse(fs.readFileSync(process.env.MYNACERT_SEED, 'utf8'));
  const residents = (Array.isArray(raw) ? raw : raw.residents || []).map((r) => ({
    ...r,
    id: r.id ?? r.resident ?? r.resident_id,
    situation: r.situation ?? r.situations?.[0],
    reservation_id: r.reservation_id ?? r.reservation_code ?? r.code ?? null,
  }));
  return { raw, residents, pins: pinsOf(raw) };
}

// The PINs of every demo card: docs/demo.md (src/demo/demo.h kDemoPins); the seed's JSON does
// not print them.
function pinsOf(raw) {
  const p = raw.pins || {};
  return { auth: p.auth ?? '1234', sign: p.sign ?? 'ABC123', text: p.text ?? '5678', juki: p.juki ?? '2468' };
}

// A resident of the seed: the first whose fields match every predicate.
export function pick(residents, want, what) {
  const r = residents.find(want);
  assert.ok(r, `the seed has no ${what}: ${JSON.stringify(residents.map((x) => [x.id, x.municipality, x.situation]))}`);
  return r;
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--lang=ja-JP'];

// One Chromium. playwright-core starts it with a fresh temporary user-data-dir of its own
// (and removes it on close); each page below gets its own context (cookies, storage).
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.MYNACERT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    timeout: 60000,
  });
  const pages = [];
  return {
    browser,
    // A page in a new context (its own cookies): phone-sized when asked.
    async newPage({ phone = false, locale = 'ja-JP' } = {}) {
      const context = await browser.newContext({
        baseURL: BASE,
        locale,
        timezoneId: 'Asia/Tokyo',
        viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
        deviceScaleFactor: 1,
        isMobile: phone,
        hasTouch: phone,
        acceptDownloads: true,
        // The cluster's self-signed certificate (scripts/cluster.sh): tests/browser/README.md.
        ignoreHTTPSErrors: process.env.MYNACERT_BROWSER_INSECURE === '1',
      });
      context.setDefaultTimeout(20000);
      await context.addInitScript(() => {
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      const page = await context.newPage();
      const watch = watchPage(page);
      context.on('page', (p) => watchPage(p, watch.problems));
      pages.push(watch);
      page.problems = watch.problems;
      page.expectProblem = (re) => watch.expected.push(re);
      return page;
    },
    async close() {
      await browser.close();
    },
  };
}

function watchPage(page, problems = []) {
  const expected = [];
  // Chromium asks for /favicon.ico by itself in a tab of its own PDF viewer (the UI's pages
  // name /favicon.svg); that request is the browser's, not the UI's.
  const browserOwn = /\/favicon\.ico\)?$/;
  const note = (text) => { if (!browserOwn.test(text) && !expected.some((re) => re.test(text))) problems.push(text); };
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) note(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 500) note(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`); });
  page.on('requestfailed', (r) => {
    const f = r.failure()?.errorText || '';
    // A navigation that turned into a download is reported as aborted; that is no fault.
    if (!/ERR_ABORTED/.test(f)) note(`request failed: ${r.url()} ${f}`);
  });
  return { problems, expected };
}

// axe-core over the page as it stands (WCAG 2.x A and AA rules): fails on any serious or
// critical violation, naming the rule, its help and the elements. axe is evaluated through the
// debugging protocol, which the page's CSP (no inline script, no eval) does not govern.
export async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `axe-core on ${what}`);
}

// Fails when the page logged an error, broke the CSP, or got a 5xx.
export async function assertClean(page) {
  const csp = await page.evaluate(() => window.__csp || []).catch(() => []);
  assert.deepEqual([...page.problems, ...csp.map((c) => `CSP: ${c}`)], [], 'console errors, page errors, CSP violations or 5xx answers');
}

// A full-page PNG; with {element: selector} only that element (readable on a long phone page).
export async function shot(page, name, { element, ...opts } = {}) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (element) await page.locator(element).screenshot({ path: file, ...opts });
  else await page.screenshot({ path: file, fullPage: true, ...opts });
  return file;
}

export const artifact = (name) => path.join(ARTIFACTS, name);

export async function login(page, name) {
  await page.goto('/#/staff');
  await page.fill('#login-name', name);
  await page.fill('#login-password', STAFF_PASSWORD);
  await page.click('#login button[type="submit"]');
  await page.waitForSelector('.staffnav');
}

// Clicks a link that opens a PDF in a new tab and returns {status, type, body}: the status and
// content type of the navigation's own response, the bytes fetched again with the page's
// cookies (for a navigation Chromium's PDF viewer reports its own wrapper page as the body).
export async function clickForResponse(page, selector, urlPart) {
  const context = page.context();
  const [response] = await Promise.all([
    context.waitForEvent('response', { predicate: (r) => r.url().includes(urlPart), timeout: 30000 }),
    page.click(selector),
  ]);
  const again = await context.request.get(response.url());
  return { url: response.url(), status: response.status(), type: response.headers()['content-type'] || '', body: await again.body(), againType: again.headers()['content-type'] || '' };
}

// Runs a scenario on a page; on a failure the page's screenshot is saved as NAME-FAILED.png
// next to the others, and the error goes on.
export async function scenario(page, name, fn) {
  try {
    await fn();
  } catch (err) {
    await shot(page, `${name}-FAILED`).catch(() => {});
    throw err;
  }
}

// Types a date as a resident does on the check form: the era of the date (平成/昭和 for a birth),
// then the year of that era, the month and the day, as separate numbers.
export async function fillEraDate(page, name, iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const [era, year] = iso >= '2019-05-01' ? ['reiwa', y - 2018] : iso >= '1989-01-08' ? ['heisei', y - 1988]
    : iso >= '1926-12-25' ? ['showa', y - 1925] : ['western', y];
  await page.selectOption(`#explain select[name="${name}-era"]`, era);
  await page.fill(`#explain input[name="${name}-year"]`, String(year));
  await page.fill(`#explain input[name="${name}-month"]`, String(m));
  await page.fill(`#explain input[name="${name}-day"]`, String(d));
}
