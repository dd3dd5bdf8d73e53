// (j) A supervisor registers a verifier (R-VER-1) on the staff page: the API key is shown once
// and works on the verifier API; the list shows the registration; revoked (after a
// confirmation), the key is refused at once. A verifier's TLS client certificate is registered
// with it and replaced from the list; another verifier's certificate is refused. A clerk does not see the page. On a desktop and
// a phone-sized screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE, launch, login, shot, assertClean, assertAccessible, scenario } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

// A verifier's TLS client certificate, self-signed by OpenSSL: its PEM, its DER and the SHA-256
// of the DER as OpenSSL computes it.
function clientCert(cn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mynacert-j-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '30', '-subj', `/O=mynacert test/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=clientAuth'], { stdio: 'ignore' });
    execFileSync('openssl', ['x509', '-in', path.join(dir, 'c.pem'), '-outform', 'DER', '-out', path.join(dir, 'c.der')]);
    const sha256 = execFileSync('openssl', ['x509', '-in', path.join(dir, 'c.pem'), '-noout', '-fingerprint', '-sha256'])
      .toString().replace(/^.*=/, '').replace(/[:\s]/g, '').toLowerCase();
    return { pem: readFileSync(path.join(dir, 'c.pem')), der: readFileSync(path.join(dir, 'c.der')), sha256 };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

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

    // A verifier that calls with mTLS: its client certificate goes with the registration (PEM),
    // a renewed one (DER) replaces it from the list; each shows by subject and SHA-256.
    const first = clientCert('login.example'), renewed = clientCert('login.example');
    const mtls = `ログイン事業者${Date.now() % 100000}`;
    await page.fill('#vf-name', mtls);
    await page.selectOption('#vf-kinds', 'auth');
    await page.setInputFiles('#vf-cert', { name: 'login.pem', mimeType: 'application/x-pem-file', buffer: first.pem });
    await page.click('#vf-add button[type=submit]');
    await page.waitForSelector('#vf-cert-sha256');
    assert.equal((await page.textContent('#vf-cert-sha256')).trim(), first.sha256, 'the fingerprint OpenSSL computes');
    const mrow = page.locator('#vf-list tr', { hasText: mtls });
    await mrow.filter({ hasText: first.sha256.slice(0, 16) }).waitFor();
    assert.match(await mrow.textContent(), /login\.example/);
    await mrow.locator('input[data-cert]').setInputFiles({ name: 'login.der', mimeType: 'application/pkix-cert', buffer: renewed.der });
    await page.locator('#vf-list tr', { hasText: mtls }).filter({ hasText: renewed.sha256.slice(0, 16) }).waitFor();
    // Another verifier's certificate is refused with the field named.
    page.expectProblem(/status of 409/);
    const clash = `別の事業者${Date.now() % 100000}`;
    await page.fill('#vf-name', clash);
    await page.setInputFiles('#vf-cert', { name: 'login.pem', mimeType: 'application/x-pem-file', buffer: renewed.pem });
    await page.click('#vf-add button[type=submit]');
    await page.waitForSelector('#vf-msg .error');
    assert.match(await page.textContent('#vf-msg'), /登録済み/);
    assert.equal(await page.locator('#vf-list tr', { hasText: clash }).count(), 0, 'nothing registered');
    await assertAccessible(page, 'j4-verifier-client-certificate (desktop)');
    await shot(page, 'j4-verifier-client-certificate');
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
