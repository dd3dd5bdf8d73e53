// (g) Two more residents' journeys on a phone, from what they hold:
// - an agent in Yamagata without the inquiry-and-response form (R-PROC-6: 文書照会): two visits
//   with what happens between them — the form mailed to the holder — as a timeline;
// - a parent in Kanazawa checking a child's card: a minor's card and certificates end together,
//   so the page says to renew the card (R-WIN-6, R-CARD-4) and shows no counter checklist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, shot, assertClean, assertAccessible, scenario, fillEraDate } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

// A date `days` after the server's today.
async function plusDays(page, days) {
  const today = await page.evaluate(async () => (await (await fetch('/api/health')).json()).today);
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

test('an agent in Yamagata without the form sees two visits and what happens between them', async () => {
  const page = await chrome.newPage({ phone: true });
  await scenario(page, 'g-yamagata', async () => {
    await page.goto('/');
    await page.waitForSelector('#explain');
    await page.selectOption('#ex-muni', 'yamagata');
    // The letter's date a month ahead: inside the window (R-WIN-1), a certificate renewal.
    const expiry = await plusDays(page, 30);
    await fillEraDate(page, 'birth', `1961-${expiry.slice(5)}`);
    await fillEraDate(page, 'cert_expires', expiry);
    await page.selectOption('#explain select[name="applicant"]', 'agent_without_form');
    await page.click('#explain button[type="submit"]');
    await page.waitForSelector('#answer #verdict');
    assert.match(await page.textContent('#verdict'), /窓口で電子証明書を無料で更新できます/);
    await page.waitForSelector('#visits');
    assert.equal(await page.locator('#visits > li.visit').count(), 2, 'two visits (R-PROC-6)');
    const between = await page.textContent('#visits > li.between');
    assert.match(between, /照会書兼回答書が、本人の住民票の住所に郵便で届きます/);
    await assertAccessible(page, 'the agent\'s two visits (phone)');
    await shot(page, 'g1-yamagata-agent-timeline', { element: '#answer' });
    await assertClean(page);
  });
});

test('a parent in Kanazawa is told the child\'s card is renewed, with no certificate checklist', async () => {
  const page = await chrome.newPage({ phone: true });
  await scenario(page, 'g-kanazawa', async () => {
    await page.goto('/');
    await page.waitForSelector('#explain');
    await page.selectOption('#ex-muni', 'kanazawa');
    const expiry = await plusDays(page, 60);
    const birth = `${Number(expiry.slice(0, 4)) - 10}${expiry.slice(4)}`;  // ten years old on that day
    await fillEraDate(page, 'birth', birth);
    await fillEraDate(page, 'card_expires', expiry);
    await fillEraDate(page, 'cert_expires', expiry);
    await page.selectOption('#explain select[name="applicant"]', 'legal_rep_parent');
    await page.waitForSelector('#ex-parent:not([hidden])');
    await page.check('#explain input[name="honseki_in_city"]');
    await page.click('#explain button[type="submit"]');
    await page.waitForSelector('#answer #verdict');
    assert.match(await page.textContent('#verdict'), /カードの更新が必要です/);
    assert.equal(await page.locator('#answer #pins').count(), 0, 'no counter checklist for a card renewal');
    assert.doesNotMatch(await page.textContent('#answer'), /戸籍謄本/);
    await assertAccessible(page, 'a child\'s card renewal (phone)');
    await shot(page, 'g2-kanazawa-parent-card', { element: '#answer' });
    await assertClean(page);
  });
});
