// (b) A clerk renews the certificates of a holder for an agent who brought the inquiry-and-
// response form (agent_with_form, R-PROC-4): opens the case, records the holder's card, the
// agent's photo ID and the form, decides (accepted, each line with its rule ID), executes with
// the PINs from the form (fields cleared afterwards), and prints the certificate copy
// (R-PROC-11: the PDF answers 200 application/pdf).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, seed, pick, login, shot, assertClean, assertAccessible, clickForResponse, artifact, scenario } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

test('a clerk renews for an agent with the inquiry-and-response form and prints the certificate copy', async () => {
  const { residents, pins } = seed();
  // A holder inside the renewal window, not in Yokohama (whose residents are kept for the
  // booking scenario) and without a forwarding request.
  const order = ['yamagata', 'kanazawa', 'suzuka', 'setagaya'];
  const candidates = residents.filter((r) => r.situation === 'in_window' && order.includes(r.municipality))
    .sort((x, y) => order.indexOf(x.municipality) - order.indexOf(y.municipality));
  const holder = pick(candidates, () => true, 'resident in the renewal window outside Yokohama');
  const page = await chrome.newPage();
  await scenario(page, 'b', async () => {
    await login(page, 'clerk');
    await page.fill('#search-q', holder.name);
    await page.click('#search button[type="submit"]');
    await page.click(`#results a[href="#/staff/resident/${holder.id}"]`);
    await page.waitForSelector('#open-case');
    await assertAccessible(page, 'b1-clerk-resident (desktop)');
    await shot(page, 'b1-clerk-resident');

    // Open the case: a renewal, an agent with the form.
    await page.selectOption('#oc-procedure', 'renewal');
    await page.selectOption('#oc-applicant', 'agent_with_form');
    await page.click('#oc-submit');
    await page.waitForURL(/#\/staff\/case\/\d+$/);
    await page.waitForSelector('#docs');
    const caseId = page.url().match(/case\/(\d+)$/)[1];
    assert.match(await page.textContent('#case-state'), /受付中/);

    // The checklist comes from the plan of R-PROC-4: the holder's card, the agent's A document,
    // the form. Tick all three; the agent shows a passport.
    const items = await page.$$eval('fieldset.doc:not([data-i="x"])', (fs) => fs.map((f) => `${f.dataset.item}/${f.dataset.whose}`));
    assert.deepEqual(items, ['holder_card/holder', 'id/agent', 'inquiry_form/holder']);
    for (let i = 0; i < items.length; i += 1) await page.check(`#doc-${i}-present`);
    await page.selectOption('#doc-1-kind', 'passport');
    const nextYear = `${new Date().getUTCFullYear() + 2}-01-31`;
    await page.fill('#doc-1-expires', nextYear);
    await shot(page, 'b2-clerk-documents-ticked');
    await page.click('#docs-submit');
    await page.waitForSelector('#docs-summary [role="status"]');
    assert.match(await page.textContent('#docs-summary'), /3 件記録、0 件/);
    assert.equal(await page.locator('#docs-recorded table.docs tbody tr').count(), 3);

    // Decide: accepted, each line citing its rule.
    await page.click('#decide');
    await page.waitForSelector('#outcome');
    assert.equal(await page.getAttribute('#outcome', 'data-outcome'), 'accepted');
    const decision = await page.textContent('#decision');
    assert.match(decision, /R-PROC-4/);
    assert.match(decision, /R-WIN-4/);
    await page.waitForSelector('#execute');
    await assertAccessible(page, 'b3-clerk-decision-accepted (desktop)');
    await shot(page, 'b3-clerk-decision-accepted');

    // Execute with the PINs written on the form: password fields, no autocomplete, cleared after;
    // each typed twice by the clerk (issue 16).
    const pinInputs = page.locator('#execute input');
    const n = await pinInputs.count();
    assert.ok(n >= 4, 'auth and sign PIN fields, each twice');
    const fillPins = async (typo) => {
      for (let i = 0; i < n; i += 1) {
        const el = pinInputs.nth(i);
        assert.equal(await el.getAttribute('type'), 'password');
        assert.equal(await el.getAttribute('autocomplete'), 'off');
        const name = (await el.getAttribute('name')) ?? (await el.getAttribute('data-confirm'));
        const value = pins[name] ?? pins.auth;
        const again = (await el.getAttribute('data-confirm')) !== null;
        await el.fill(typo && again && name === 'sign' ? `${value}X` : value);
      }
    };
    // A typo in the second entry of the sign password: refused on the page, nothing sent, no
    // try of the card spent; the message names the PIN in words.
    let executed = 0;
    page.on('request', (r) => { if (r.url().includes('/execute')) executed += 1; });
    await fillPins(true);
    await page.click('#exec-submit');
    await page.waitForSelector('#exec-result [role="alert"]');
    const typo = await page.textContent('#exec-result');
    assert.match(typo, /署名用電子証明書の暗証番号が2回の入力で一致しません/);
    assert.match(typo, /試行回数は減っていません/);
    assert.doesNotMatch(typo, /\(sign\)|\(auth\)/);
    assert.equal(executed, 0, 'nothing was sent to the card');
    assert.equal(await page.getAttribute('#pin-sign', 'aria-invalid'), 'true');
    await shot(page, 'b3b-clerk-pin-typo', { element: '#exec-result' });
    await fillPins(false);
    await page.click('#exec-submit');
    await page.waitForSelector('#exec-done', { timeout: 60000 });
    assert.match(await page.textContent('#exec-done'), /電子証明書を発行しました/);
    assert.match(await page.textContent('#case-state'), /完了/);
    assert.equal(await page.locator('#execute').count(), 0, 'the PIN form is gone');
    assert.equal(await page.locator('input[type="password"]').count(), 0);
    await assertAccessible(page, 'b4-clerk-executed (desktop)');
    await shot(page, 'b4-clerk-executed');

    // The case as the server keeps it: done, and no PIN anywhere in its record.
    const c = await page.evaluate(async (id) => (await fetch(`/api/cases/${id}`)).json(), caseId);
    assert.equal(c.state, 'done');
    assert.ok(!JSON.stringify(c).includes(pins.sign), 'the sign PIN is not in the case record');

    // 電子証明書の写し: the link answers a PDF.
    const copy = page.locator('#exec-done a[data-copy="auth"]');
    assert.match(await copy.textContent(), /電子証明書の写し \(PDF\)/);
    const resp = await clickForResponse(page, '#exec-done a[data-copy="auth"]', '/certificate-copy');
    assert.equal(resp.status, 200, `certificate copy: HTTP ${resp.status}`);
    assert.match(resp.type, /^application\/pdf/);
    assert.match(resp.againType, /^application\/pdf/);
    const pdf = resp.body;
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    fs.writeFileSync(artifact('b5-certificate-copy-auth.pdf'), pdf);

    await assertClean(page);
  });
});
