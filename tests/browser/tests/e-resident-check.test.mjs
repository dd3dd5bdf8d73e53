// (e) The check from what residents hold (issue 16), at phone and desktop size: a foreign
// resident whose card ends with the period of stay is told to renew the card (R-WIN-6,
// R-CARD-4) — no certificate checklist, no booking — in Japanese and then in English; a
// mistyped birth date is refused on the page with the field marked, before any request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, shot, assertClean, assertAccessible, scenario, BASE } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

async function serverToday() {
  return (await (await fetch(`${BASE}/api/health`)).json()).today;
}
const plusDays = (iso, n) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
async function fillEraDate(page, name, era, year, month, day) {
  await page.selectOption(`#explain select[name="${name}-era"]`, era);
  await page.fill(`#explain input[name="${name}-year"]`, String(year));
  await page.fill(`#explain input[name="${name}-month"]`, String(month));
  await page.fill(`#explain input[name="${name}-day"]`, String(day));
}

for (const size of ['phone', 'desktop']) {
  test(`a foreign resident whose card ends with the stay is told to renew the card (${size})`, async () => {
    const page = await chrome.newPage({ phone: size === 'phone' });
    // The stay (and so the card, R-VAL-4) ends in 70 days: inside the three months of R-CARD-3.
    const stay = plusDays(await serverToday(), 70);
    const [y, m, d] = stay.split('-').map(Number);
    await scenario(page, `e-${size}`, async () => {
      for (const lang of ['ja', 'en']) {
        await page.goto('/');
        await page.waitForSelector('#explain');
        if ((await page.getAttribute('html', 'lang')) !== lang) {
          await page.click('#lang');
          await page.waitForFunction((l) => document.documentElement.lang === l, lang);
          await page.waitForSelector('#explain');
        }
        await page.selectOption('#ex-muni', 'kanazawa');
        await fillEraDate(page, 'birth', 'heisei', 2, 8, 24);  // 1990-08-24
        await fillEraDate(page, 'card_expires', 'western', y, m, d);
        await page.check('#ex-has-stay');
        await page.waitForSelector('#ex-stay:not([hidden])');
        await fillEraDate(page, 'stay_until', 'western', y, m, d);
        await page.click('#explain button[type="submit"]');
        await page.waitForSelector('#answer #verdict');
        const verdict = await page.textContent('#verdict');
        if (lang === 'ja') {
          assert.match(verdict, /電子証明書だけの更新ではなく、カードの更新が必要です。/);
          assert.ok(verdict.includes(`${y}年(令和${y - 2018}年)${m}月${d}日(`), verdict);
        } else {
          assert.match(verdict, /Renew the card, not only the certificates/);
          assert.doesNotMatch(verdict, /[ぁ-んァ-ン一-龯]/, 'English only');
        }
        // A card renewal: no counter checklist for certificates, no booking link.
        assert.equal(await page.locator('#to-booking').count(), 0);
        assert.doesNotMatch(await page.textContent('#answer'), /持ち物|What to bring/);
        // The certificates end with the card, not on a birthday years later.
        const cells = await page.$$eval('#answer tbody tr td', (tds) => tds.map((td) => td.textContent.trim()));
        assert.equal(cells[0], cells[3], 'card and auth certificate end on the same day');
        await assertAccessible(page, `the check's answer (${lang}, ${size})`);
        await shot(page, `e1-foreign-resident-${lang}-${size}`);
        await shot(page, `e1-foreign-resident-${lang}-${size}-form`, { element: '#explain' });
        await shot(page, `e1-foreign-resident-${lang}-${size}-answer`, { element: '#answer' });
      }
      await assertClean(page);
    });
  });
}

test('a mistyped birth date is refused on the page with the field marked', async () => {
  const page = await chrome.newPage({ phone: true });
  await scenario(page, 'e-bad', async () => {
    await page.goto('/');
    await page.waitForSelector('#explain');
    if ((await page.getAttribute('html', 'lang')) !== 'ja') await page.click('#lang');
    await page.waitForSelector('#explain');
    let explained = 0;
    page.on('request', (r) => { if (r.url().includes('/api/explain')) explained += 1; });
    await fillEraDate(page, 'birth', 'showa', 29, 13, 1);
    await fillEraDate(page, 'cert_expires', 'reiwa', 9, 1, 22);
    await page.click('#explain button[type="submit"]');
    await page.waitForSelector('#answer [role="alert"]');
    assert.match(await page.textContent('#answer'), /生年月日: 年・月・日を数字で正しく入力してください/);
    assert.equal(await page.getAttribute('#explain input[name="birth-month"]', 'aria-invalid'), 'true');
    assert.ok(await page.locator('#ex-birth.invalid').count(), 'the birth fieldset is marked');
    assert.equal(explained, 0, 'nothing was asked of the server');
    await assertAccessible(page, 'the check with a marked field');
    // Corrected, it goes through and the marks are gone: 昭和29年 is 1954.
    await page.fill('#explain input[name="birth-month"]', '1');
    await page.fill('#explain input[name="birth-day"]', '22');
    await page.click('#explain button[type="submit"]');
    await page.waitForSelector('#answer #verdict');
    assert.equal(await page.locator('#explain [aria-invalid]').count(), 0);
    await shot(page, 'e2-mistyped-then-right');
    await assertClean(page);
  });
});
