// (h) A lost card's life (R-LOST-1/2): a hotline operator, on a phone-sized screen, takes the
// call — the form refuses to hold before the operator confirms the hold is final — and both
// certificates are held; the counter's clerk then sees the suspended card and the call on the
// resident, opens the found-card procedure, and with the holder's card and PINs the held
// certificates are revoked and new ones issued; a card that stays lost is abolished without
// being reached (R-LOST-4). The operator sees no counter page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launch, seed, pick, login, shot, assertClean, assertAccessible, scenario } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

test('a hotline operator holds a lost card; the clerk lifts the suspension when it is found', async () => {
  const { residents, pins } = seed();
  // An adult of Yamagata whose certificates are in force and not yet renewable (the other
  // scenarios use the renewable ones).
  const holder = pick(residents, (r) => r.municipality === 'yamagata' && r.situation === 'before_window' && r.address,
    'Yamagata resident before the window, with an address');

  const phone = await chrome.newPage({ phone: true });
  await scenario(phone, 'h-hotline', async () => {
    await login(phone, 'hotline');
    await phone.waitForURL(/#\/staff\/hotline$/);
    await phone.waitForSelector('#hotline');
    const nav = await phone.textContent('.staffnav');
    assert.match(nav, /紛失・盗難の受付/);
    assert.doesNotMatch(nav, /住民の検索|予約一覧/, 'the hotline sees no counter page');
    await assertAccessible(phone, 'h1-hotline-form (phone)');
    await shot(phone, 'h1-hotline-form-phone');

    // The caller: a family member; the card was stolen; the holder's data as registered.
    await phone.fill('#hl-name', holder.name.replace('　', ' '));
    await phone.fill('#hl-birth', holder.birth);
    await phone.fill('#hl-address', holder.address);
    await phone.check('#hl-stolen');
    await phone.fill('#hl-police', '0123-4567');
    await phone.selectOption('#hl-caller', 'family');
    await phone.fill('#hl-caller-name', '山形　一郎');
    let posted = 0;
    phone.on('request', (r) => { if (r.url().includes('/api/hotline/calls')) posted += 1; });
    await phone.click('#hl-submit');
    await phone.waitForSelector('#hl-result [role="alert"]');
    assert.equal(posted, 0, 'nothing is held before the operator confirms');
    await phone.check('#hl-confirm');
    await phone.click('#hl-submit');
    await phone.waitForSelector('#hl-held');
    assert.equal(await phone.locator('#hl-held li').count(), 2);
    const result = await phone.textContent('#hl-result');
    assert.match(result, /一時保留/);
    assert.match(result, /盗難届/);
    assert.match(result, /一時保留は解除できません/);
    assert.match(result, /山形市/);
    await assertAccessible(phone, 'h2-hotline-held (phone)');
    await shot(phone, 'h2-hotline-held-phone');
    await phone.setViewportSize({ width: 1280, height: 900 });
    await assertAccessible(phone, 'h2-hotline-held (desktop)');
    await shot(phone, 'h2-hotline-held-desktop');
    await assertClean(phone);
  });

  // The holder, on a phone, checks the certificate exported with the client: on hold.
  const home = process.env.MYNACERT_HOME;
  const card = fs.readdirSync(path.join(home, 'cards')).find((f) => f.startsWith(`resident-${holder.id}-`) && f.endsWith('.card'));
  assert.ok(card, `no card file for resident ${holder.id}`);
  const exported = path.join(home, `h-auth-${holder.id}.der`);
  execFileSync(process.env.MYNACERT_BIN, ['card', 'export', '--slot', 'auth', '--out', exported,
    '--card', path.join(home, 'cards', card), '--secret', 'env:MYNACERT_CARD_SECRET']);
  const resident = await chrome.newPage({ phone: true });
  await scenario(resident, 'h-holder-status', async () => {
    await resident.goto('/#/');
    await resident.click('#to-certificate');
    await resident.waitForSelector('#status-form');
    assert.match(await resident.textContent('#lost-steps'), /0120-95-0178/);
    await resident.setInputFiles('#status-file', exported);
    await resident.click('#status-form button[type="submit"]');
    await resident.waitForSelector('#status-verdict');
    assert.equal(await resident.getAttribute('#status-verdict', 'data-state'), 'hold');
    assert.match(await resident.textContent('#status-verdict'), /一時保留中です/);
    assert.doesNotMatch(await resident.textContent('#status-verdict'), /R-LOST/, 'rule IDs stay in the details');
    await assertAccessible(resident, 'h2b-holder-status (phone)');
    await shot(resident, 'h2b-holder-status-phone');
    await resident.setViewportSize({ width: 1280, height: 900 });
    await resident.click('#lang');  // English alongside
    await resident.waitForSelector('#status-form');
    assert.match(await resident.textContent('#lost-steps'), /My Number hotline/);
    await assertAccessible(resident, 'h2b-holder-status (desktop, English)');
    await shot(resident, 'h2b-holder-page-desktop-en');
    await assertClean(resident);
  });

  const page = await chrome.newPage();
  await scenario(page, 'h-found-card', async () => {
    await login(page, 'clerk');
    await page.goto('/#/staff/hotline');  // not the clerk's: said on the page, nothing to send
    await page.waitForSelector('#h-hotline');
    assert.equal(await page.locator('#hotline').count(), 0);
    await page.goto(`/#/staff/resident/${holder.id}`);
    await page.waitForSelector('#card-suspended');
    const detail = await page.textContent('#main');
    assert.match(detail, /一時停止中/);
    assert.match(detail, /0123-4567/);
    assert.match(detail, /一時保留/);
    assert.equal(await page.locator('#oc-card-event').isVisible(), false);
    await page.selectOption('#oc-procedure', 'abolish_card');
    assert.equal(await page.locator('#oc-card-event').isVisible(), true);
    await assertAccessible(page, 'h3-clerk-suspended-card (desktop)');
    await shot(page, 'h3-clerk-suspended-card');

    // The card was found: the holder comes with it and knows the PINs.
    await page.selectOption('#oc-procedure', 'found_card');
    await page.selectOption('#oc-applicant', 'self');
    await page.click('#oc-submit');
    await page.waitForURL(/#\/staff\/case\/\d+$/);
    await page.waitForSelector('#docs');
    const items = await page.$$eval('fieldset.doc:not([data-i="x"])', (fs) => fs.map((f) => `${f.dataset.item}/${f.dataset.whose}`));
    assert.deepEqual(items, ['holder_card/holder']);
    await page.check('#doc-0-present');
    await page.click('#docs-submit');
    await page.waitForSelector('#docs-summary [role="status"]');
    await page.click('#decide');
    await page.waitForSelector('#outcome');
    assert.equal(await page.getAttribute('#outcome', 'data-outcome'), 'accepted');
    assert.match(await page.textContent('#decision'), /R-LOST-2/);
    await page.waitForSelector('#execute');
    const inputs = page.locator('#execute input');
    const n = await inputs.count();
    assert.equal(n, 2, 'the holder types the auth and sign PINs, once each');
    for (let i = 0; i < n; i += 1) {
      const el = inputs.nth(i);
      const name = (await el.getAttribute('name')) ?? (await el.getAttribute('data-confirm'));
      await el.fill(pins[name] ?? pins.auth);
    }
    await page.click('#exec-submit');
    await page.waitForSelector('#exec-done', { timeout: 60000 });
    assert.match(await page.textContent('#case-state'), /完了/);
    await shot(page, 'h4-clerk-found-card-done');

    // The resident again: the card in force, the old certificates revoked, new ones active.
    await page.goto(`/#/staff/resident/${holder.id}`);
    await page.waitForSelector('#open-case');
    assert.equal(await page.locator('#card-suspended').count(), 0);
    const r = await page.evaluate(async (id) => (await fetch(`/api/residents/${id}`)).json(), holder.id);
    assert.equal(r.cards[0].state, 'active');
    const states = r.certificates.map((c) => c.state);
    assert.equal(states.filter((s) => s === 'active').length, 2);
    assert.ok(states.filter((s) => s === 'superseded').length >= 2, JSON.stringify(r.certificates));

    // A card that stays lost (the demo's card_on_hold resident, held by the seed's call): the
    // 紛失届 revokes and abolishes without the card, no PIN asked, the fee shown (R-LOST-4).
    const lost = pick(residents, (x) => x.municipality === 'yamagata' && x.situation === 'card_on_hold', 'Yamagata card_on_hold resident');
    await page.goto(`/#/staff/resident/${lost.id}`);
    await page.waitForSelector('#card-suspended');
    await page.selectOption('#oc-procedure', 'abolish_card');
    await page.selectOption('#oc-card-event', 'lost');
    await page.click('#oc-submit');
    await page.waitForURL(/#\/staff\/case\/\d+$/);
    await page.waitForSelector('#docs');
    const lostItems = await page.$$eval('fieldset.doc:not([data-i="x"])', (fs) => fs.map((f) => `${f.dataset.item}/${f.dataset.whose}`));
    assert.deepEqual(lostItems, ['id/holder']);
    await page.check('#doc-0-present');
    await page.selectOption('#doc-0-kind', 'drivers_license');
    await page.fill('#doc-0-expires', `${new Date().getUTCFullYear() + 2}-01-31`);
    await page.click('#docs-submit');
    await page.waitForSelector('#docs-summary [role="status"]');
    await page.click('#decide');
    await page.waitForSelector('#outcome');
    assert.equal(await page.getAttribute('#outcome', 'data-outcome'), 'accepted');
    assert.match(await page.textContent('#fee'), /1000/);
    await page.waitForSelector('#execute');
    assert.equal(await page.locator('#execute input[type="password"]').count(), 0, 'no PIN for a lost card');
    assert.match(await page.textContent('#exec-submit'), /失効とカードの廃止/);
    await page.click('#exec-submit');
    await page.waitForSelector('#exec-done', { timeout: 60000 });
    assert.match(await page.textContent('#exec-done'), /カードを廃止しました/);
    assert.equal(await page.locator('#exec-done a[data-copy]').count(), 0, 'nothing issued, nothing to copy');
    await assertAccessible(page, 'h5-clerk-abolished (desktop)');
    await shot(page, 'h5-clerk-abolished');
    const gone = await page.evaluate(async (id) => (await fetch(`/api/residents/${id}`)).json(), lost.id);
    assert.equal(gone.cards[0].state, 'abolished');
    assert.ok(gone.certificates.every((c) => c.state !== 'active' && c.state !== 'held'), JSON.stringify(gone.certificates));
    await assertClean(page);
  });
});
