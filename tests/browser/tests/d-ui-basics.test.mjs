// The UI's ground rules on every page: the CSP and security headers, no inline script, labels
// for every field, the English toggle, walk-in counters offering no booking, errors shown with
// their message in a live region, and a clerk not offered the supervisor's batch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, login, shot, assertClean, assertAccessible, scenario, BASE } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

// Every visible input, select and textarea has an accessible name (a <label> or aria-label).
async function unlabelled(page) {
  return page.$$eval('input, select, textarea', (els) => els
    .filter((e) => e.type !== 'hidden' && e.offsetParent !== null)
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    .map((e) => e.id || e.name || e.outerHTML.slice(0, 60)));
}

test('headers: CSP without inline script, nosniff, no framing', async () => {
  for (const p of ['/', '/app.js', '/style.css', '/api/health']) {
    const r = await fetch(BASE + p);
    assert.equal(r.status, 200, p);
    const csp = r.headers.get('content-security-policy') || '';
    assert.match(csp, /script-src 'self'/, p);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, p);
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
  }
  const html = await (await fetch(`${BASE}/`)).text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
  assert.doesNotMatch(html, /\sstyle=/i, 'no inline style');
});

test('residents page: labels, English toggle, a walk-in counter offers no booking', async () => {
  const page = await chrome.newPage({ phone: true });
  await scenario(page, 'd', async () => {
    await page.goto('/');
    await page.waitForSelector('#bk-counter option', { state: 'attached' });
    assert.deepEqual(await unlabelled(page), []);
    assert.equal(await page.getAttribute('html', 'lang'), 'ja');

    // Yamagata City Hall: walk in (R-OFF-2); no booking form.
    await page.selectOption('#bk-muni', 'yamagata');
    await page.waitForSelector('#bk-counter-info .notice');
    assert.match(await page.textContent('#bk-counter-info'), /直接お越しください/);
    assert.equal(await page.isVisible('#bk-when'), false);
    assert.equal(await page.isVisible('#bk-code-box'), false);
    await page.waitForSelector('#bk-counter-info ul.days li');
    assert.match(await page.textContent('#bk-counter-info ul.days li'), /^\d{4}-\d{2}-\d{2} \([日月火水木金土]\)/);
    await assertAccessible(page, 'the residents\' page (phone, Japanese)');
    await shot(page, 'd1-resident-walk-in-phone');

    await page.click('#lang');
    await page.waitForSelector('#h-explain');
    assert.equal(await page.textContent('#h-explain'), 'Check your expiry dates');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await assertAccessible(page, 'the residents\' page (phone, English)');
    await shot(page, 'd2-resident-english-phone');
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#h-explain')?.textContent === '有効期限と更新の確認');
    await assertClean(page);
  });
});

test('staff: a wrong password is refused in a live region; a clerk gets no batch button', async () => {
  const page = await chrome.newPage();
  page.expectProblem(/status of 401/);
  await scenario(page, 'd-staff', async () => {
    await page.goto('/#/staff');
    await page.waitForSelector('#login');
    assert.deepEqual(await unlabelled(page), []);
    await page.fill('#login-name', 'clerk');
    await page.fill('#login-password', 'not the password');
    await page.click('#login button[type="submit"]');
    await page.waitForSelector('#msg [role="alert"]');
    assert.equal(await page.inputValue('#login-password'), '', 'the password field is cleared');

    await login(page, 'clerk');
    assert.deepEqual(await unlabelled(page), []);
    await page.goto('/#/staff/notices');
    await page.waitForSelector('#notices-form');
    assert.equal(await page.locator('#nt-run').count(), 0, 'clerks do not run the batch');
    await page.click('#logout');
    await page.waitForSelector('#login');
    await assertClean(page);
  });
});
