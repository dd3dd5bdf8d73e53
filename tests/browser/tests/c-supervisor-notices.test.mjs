// (c) A supervisor runs the day's expiry-notice batch (R-NOT), opens a letter of the print file
// (the link answers 200 application/pdf) and finds the holder with a forwarding request in the
// 転送不要 list (R-NOT-2). Running the batch again sends nothing twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, seed, pick, login, shot, assertClean, assertAccessible, clickForResponse, artifact, scenario } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

test('a supervisor runs the notice batch, opens a letter and sees the undeliverable holder', async () => {
  const { residents } = seed();
  pick(residents, (r) => r.situation === 'forwarding', 'resident with a forwarding request');
  const forwarding = residents.filter((r) => r.situation === 'forwarding');
  const page = await chrome.newPage();
  await scenario(page, 'c', async () => {
    await login(page, 'supervisor');
    await page.goto('/#/staff/notices');
    await page.waitForSelector('#nt-run');
    await page.click('#nt-run');
    await page.waitForSelector('#nt-run-report', { timeout: 120000 });
    const mailed = Number(await page.textContent('#nt-mailed-city')) + Number(await page.textContent('#nt-mailed-jlis'));
    assert.ok(mailed > 0, 'letters were mailed');
    assert.ok(Number(await page.textContent('#nt-undeliverable')) >= 1, 'the forwarding holder was not mailed');
    await page.waitForSelector('#nt-list table.undeliverable');
    const listed = await page.textContent('#nt-list table.undeliverable');
    assert.ok(forwarding.some((r) => listed.includes(r.name)), `the 転送不要 list names a holder with a forwarding request (${forwarding.map((r) => r.name)})`);
    await assertAccessible(page, 'c1-supervisor-notices-run (desktop)');
    await shot(page, 'c1-supervisor-notices-run');

    // A letter: the print file's link answers a PDF.
    const letter = page.locator('#nt-list table.mailed a[data-letter]').first();
    const id = await letter.getAttribute('data-letter');
    const resp = await clickForResponse(page, `#nt-list table.mailed a[data-letter="${id}"]`, '/api/notices/files/');
    assert.equal(resp.status, 200, `letter ${id}: HTTP ${resp.status}`);
    assert.match(resp.type, /^application\/pdf/);
    assert.match(resp.againType, /^application\/pdf/);
    const pdf = resp.body;
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    fs.writeFileSync(artifact('c2-notice-print-file.pdf'), pdf);

    // Again: nothing is sent twice.
    await page.click('#nt-run');
    await page.waitForFunction(() => /already|送付済み/.test(document.querySelector('#nt-run-report')?.textContent || '') && !document.querySelector('#notices-form[aria-busy]'));
    assert.equal(Number(await page.textContent('#nt-mailed-city')) + Number(await page.textContent('#nt-mailed-jlis')), 0, 'a second run mails nothing');
    await shot(page, 'c3-supervisor-notices-rerun');
    await assertClean(page);
  });
});
