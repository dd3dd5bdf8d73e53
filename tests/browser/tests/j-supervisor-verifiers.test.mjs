// (j) A supervisor registers a verifier (R-VER-1) on the staff page: the API key is shown once
// and works on the verifier API; the list shows the registration; revoked (after a
// confirmation), the key is refused at once. A clerk does not see the page. On a desktop and
// a phone-sized screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, login, shot, assertClean, assertAccessible, scenario } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

// The verifier API as the verifier calls it, with its key (from outside the browser).
const me = async (key) => (await fetch(`${BASE}/api/verifier/v1/me`, { headers: { Authorization: `Bearer ${key}` } })).status;

test('a supervisor registers a verifier, hands over the key once and revokes it', async () => {
  const page = await chrome.newPage();
  await scenario(page, 'j', async () => {
    await login(page, 'supervisor');
    await page.goto('/#/staff/verifiers');
    await page.waitForSelector('#vf-add');
    const name = `電子契約テスト${Date.now() % 100000}`;
    await page.fill('#vf-name', name);
    await page.selectOption('#vf-kinds', 'sign');
    await page.click('#vf-add button[type=submit]');
    await page.waitForSelector('#vf-key');
    const key = (await page.textContent('#vf-key')).trim();
    assert.match(key, /^mvk_[0-9a-f]{64}$/);
    const row = page.locator('#vf-list tr', { hasText: name });
    await row.waitFor();
    assert.match(await row.textContent(), /署名検証者/);
    assert.equal(await me(key), 200, 'the new key works');
    await assertAccessible(page, 'j1-verifier-registered (desktop)');
    await shot(page, 'j1-verifier-registered');

    page.once('dialog', (d) => d.accept());
    await row.locator('button[data-revoke]').click();
    await page.locator('#vf-list tr', { hasText: name }).filter({ hasText: '取消' }).waitFor();
    assert.equal(await me(key), 401, 'a revoked key is refused');
    // Gone with the page: the key is shown nowhere else.
    await page.goto('/#/staff');
    await page.goto('/#/staff/verifiers');
    await page.waitForSelector('#vf-list table');
    assert.ok(!(await page.content()).includes(key), 'the key is not shown again');
    await shot(page, 'j2-verifier-revoked');
    await assertClean(page);
  });

  const phone = await chrome.newPage({ phone: true });
  await scenario(phone, 'j-phone', async () => {
    await login(phone, 'supervisor');
    await phone.goto('/#/staff/verifiers');
    await phone.waitForSelector('#vf-list table');
    await assertAccessible(phone, 'j3-verifiers (phone)');
    await shot(phone, 'j3-verifiers-phone');
    await assertClean(phone);
  });

  const clerk = await chrome.newPage();
  await scenario(clerk, 'j-clerk', async () => {
    await login(clerk, 'clerk');
    assert.equal(await clerk.locator('nav.staffnav a[href="#/staff/verifiers"]').count(), 0, 'no link for a clerk');
    await clerk.goto('/#/staff/verifiers');
    await clerk.waitForSelector('#h-verifiers');
    assert.equal(await clerk.locator('#vf-add').count(), 0);
    await assertClean(clerk);
  });
});
