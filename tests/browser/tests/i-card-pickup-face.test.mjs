// (i) The card's own renewal and face-authentication cards (R-CARD-1/2, R-FACE-1..4):
//  - a clerk takes an application by counter on the card applications page, has the card made,
//    and opens its pick-up case from there; the holder presents the 交付通知書, the old card and
//    a driver's licence; decided (accepted), the holder types the new PINs (each twice), the
//    case executes: the new card handed over with both certificates, the old one returned;
//  - on a phone, a holder applies online from the form's QR route (#/apply/<ID>): a wrong birth
//    date is refused in plain words, the right one accepted with the dates in words; English too;
//  - a clerk switches a holder's card to a face-authentication card from the case page (no PIN,
//    the sign certificate revoked), then back: a face mismatch is shown with the tries left and
//    changes nothing, a match with new PINs restores the sign certificate.
// The demo may seed `pickup_ready` and `card_renewal_noticed` residents (docs/demo.md); without
// them the test takes the applications the notice batch opens for cards expiring soon.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, seed, pick, login, shot, assertClean, assertAccessible, scenario } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

const GROUPED_ID = /^\d{4} \d{4} \d{4} \d{4} \d{4} \d{3}$/;
const NEW_PINS = { 'new:auth': '4321', 'new:sign': 'NEWPASS77', 'new:text': '8642', 'new:juki': '1357' };
const nextYear = () => `${new Date().getUTCFullYear() + 2}-01-31`;

// A JSON request with the page's staff session (its CSRF token from /api/staff/me).
async function staffApi(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/staff/me')).json();
    const r = await fetch(p, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf }, body: b === undefined ? undefined : JSON.stringify(b) });
    return { status: r.status, body: await r.json() };
  }, [method, path, body]);
}

// Records documents: those on the checklist by ticking their line, anything else through the
// "another document" fieldset, one at a time.
async function present(page, wanted) {
  const lines = await page.$$eval('fieldset.doc:not([data-i="x"])', (fs) => fs.map((f) => ({ i: f.dataset.i, item: f.dataset.item, whose: f.dataset.whose })));
  const other = [];
  let ticked = 0;
  for (const w of wanted) {
    const l = lines.find((x) => x.item === w.item && x.whose === w.whose);
    if (!l) { other.push(w); continue; }
    await page.check(`#doc-${l.i}-present`);
    if (w.kind) {
      await page.selectOption(`#doc-${l.i}-kind`, w.kind);
      await page.fill(`#doc-${l.i}-expires`, nextYear());
    }
    ticked += 1;
  }
  if (ticked) {
    await page.$eval('#docs-summary', (e) => { e.innerHTML = ''; });
    await page.click('#docs-submit');
    await page.waitForSelector('#docs-summary [role="status"]');
    assert.match(await page.textContent('#docs-summary'), new RegExp(`${ticked} 件記録、0 件`));
  }
  for (const w of other) {
    await page.check('#doc-x-present');
    await page.selectOption('#doc-x-item', w.item);
    await page.selectOption('#doc-x-whose', w.whose);
    if (w.kind) {
      await page.selectOption('#doc-x-kind', w.kind);
      await page.fill('#doc-x-expires', nextYear());
    }
    await page.$eval('#doc-x-result', (e) => { e.innerHTML = ''; });
    await page.click('#docs-submit');
    await page.waitForSelector('#doc-x-result p');
    assert.match(await page.textContent('#doc-x-result'), /記録しました/, `${w.item}/${w.whose}`);
  }
}

// Fills every PIN field of the execute form from `pins` (the second entry from the same key).
async function fillPins(page, pins) {
  const inputs = page.locator('#execute input[type="password"]');
  const n = await inputs.count();
  const keys = [];
  for (let i = 0; i < n; i += 1) {
    const el = inputs.nth(i);
    const key = (await el.getAttribute('name')) ?? (await el.getAttribute('data-confirm'));
    assert.ok(pins[key], `a PIN for ${key}`);
    await el.fill(pins[key]);
    keys.push(key);
  }
  return keys;
}

// An era date typed on the online application form (昭和/平成/令和, year of the era, month, day).
async function fillBirth(page, iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const [era, year] = iso >= '2019-05-01' ? ['reiwa', y - 2018] : iso >= '1989-01-08' ? ['heisei', y - 1988]
    : iso >= '1926-12-25' ? ['showa', y - 1925] : ['western', y];
  await page.selectOption('#apply-form select[name="birth-era"]', era);
  await page.fill('#apply-form input[name="birth-year"]', String(year));
  await page.fill('#apply-form input[name="birth-month"]', String(m));
  await page.fill('#apply-form input[name="birth-day"]', String(d));
}

test('a new card is applied for, made and handed over; a holder applies online; a card switched to face and back', async () => {
  const { residents } = seed();
  const page = await chrome.newPage();
  let online;  // {id, birth} of an application awaiting the holder
  await scenario(page, 'i-applications', async () => {
    await login(page, 'clerk');
    // The applications: the demo's own (pickup_ready, card_renewal_noticed), else those the
    // notice batch opens for cards expiring within its lead (run by a supervisor).
    const listOf = async (s) => (await staffApi(page, 'GET', `/api/card-applications?state=${s}`)).body.applications;
    let noticed = await listOf('noticed');
    const ready = residents.find((r) => r.situation === 'pickup_ready' && r.municipality !== 'yokohama');
    if (!ready && noticed.length < 2) {
      const sup = await chrome.newPage();
      await login(sup, 'supervisor');
      const run = await staffApi(sup, 'POST', '/api/notices/run', {});
      assert.equal(run.status, 200, JSON.stringify(run.body));
      await sup.context().close();
      noticed = await listOf('noticed');
    }
    const noticedFor = residents.find((r) => r.situation === 'card_renewal_noticed');
    const onlineApp = (noticedFor && noticed.find((a) => a.resident === noticedFor.id)) || noticed[noticed.length - 1];
    assert.ok(onlineApp, 'an application awaiting the holder');
    online = { id: onlineApp.id, birth: residents.find((r) => r.id === onlineApp.resident)?.birth };
    if (!online.birth) online.birth = (await staffApi(page, 'GET', `/api/residents/${onlineApp.resident}`)).body.birth;

    let app;
    if (ready) {
      app = (await staffApi(page, 'GET', `/api/card-applications?resident=${ready.id}`)).body.applications.find((a) => a.state === 'produced' || a.state === 'notified');
      assert.ok(app, `the pickup_ready resident ${ready.id} has a card to collect`);
    } else {
      // Taken at the counter and made, on the applications page.
      app = noticed.find((a) => a.id !== onlineApp.id);
      assert.ok(app, 'a second application awaiting the holder');
      await page.goto('/#/staff/applications/noticed');
      await page.waitForSelector(`li.app[data-id="${app.id}"]`);
      assert.match(await page.textContent(`li.app[data-id="${app.id}"] .app-id`), GROUPED_ID);
      await assertAccessible(page, 'i0-staff-applications-noticed (desktop)');
      await shot(page, 'i0-staff-applications-noticed', { element: `li.app[data-id="${app.id}"]` });
      await page.selectOption(`li.app[data-id="${app.id}"] select[name="channel"]`, 'counter');
      await page.click(`li.app[data-id="${app.id}"] form[data-act="apply"] button`);
      await page.waitForSelector('#app-status [role="status"]');
      assert.equal(await page.locator(`#app-list li.app[data-id="${app.id}"]`).count(), 0, 'no longer awaiting');
      await page.goto('/#/staff/applications/applied');
      await page.waitForSelector(`li.app[data-id="${app.id}"] form[data-act="produce"]`);
      assert.match(await page.textContent(`li.app[data-id="${app.id}"]`), /窓口/);
      await page.click(`li.app[data-id="${app.id}"] form[data-act="produce"] button`);
      await page.waitForSelector('#app-status [role="status"]');
      assert.match(await page.textContent('#app-status'), /製造しました/);
      app.state = 'produced';
    }
    await page.goto(`/#/staff/applications/${app.state}`);
    const row = `li.app[data-id="${app.id}"]`;
    await page.waitForSelector(row);
    // The pick-up booking recorded on the application.
    await page.fill(`${row} input[name="booking"]`, '4711');
    await page.click(`${row} form[data-act="booking"] button`);
    await page.waitForFunction((sel) => /4711/.test(document.querySelector(sel)?.textContent || ''), row);
    assert.match(await page.textContent(row), /新しいカードの有効期限/);
    await assertAccessible(page, 'i1-staff-applications (desktop)');
    await shot(page, 'i1-staff-applications-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await assertAccessible(page, 'i1-staff-applications (phone)');
    await shot(page, 'i1-staff-applications-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The pick-up: the case opened from the application, the ID filled in.
    await page.click(`${row} a.pickup`);
    await page.waitForURL(new RegExp(`#/staff/resident/${app.resident}/pickup/${app.id}$`));
    await page.waitForSelector('#open-case');
    assert.equal(await page.inputValue('#oc-procedure'), 'card_pickup');
    assert.equal((await page.inputValue('#oc-application')).replace(/ /g, ''), app.id);
    assert.match(await page.inputValue('#oc-application'), GROUPED_ID);
    assert.equal(await page.locator('#oc-card-type').isVisible(), false);
    await page.selectOption('#oc-applicant', 'self');
    await assertAccessible(page, 'i1b-clerk-pickup-open (desktop)');
    await shot(page, 'i1b-clerk-pickup-open');
    await page.click('#oc-submit');
    await page.waitForURL(/#\/staff\/case\/\d+$/);
    await page.waitForSelector('#docs');
    const caseId = page.url().match(/case\/(\d+)$/)[1];
    assert.match(await page.textContent('#case-application'), /\d{4} \d{4} \d{4} \d{4} \d{4} \d{3}/);
    const items = await page.$$eval('fieldset.doc:not([data-i="x"])', (fs) => fs.map((f) => `${f.dataset.item}/${f.dataset.whose}`));
    assert.deepEqual(items, ['pickup_notice/holder', 'holder_card/holder', 'id/holder']);
    await present(page, [{ item: 'pickup_notice', whose: 'holder' }, { item: 'holder_card', whose: 'holder' }, { item: 'id', whose: 'holder', kind: 'drivers_license' }]);
    await page.click('#decide');
    await page.waitForSelector('#outcome');
    assert.equal(await page.getAttribute('#outcome', 'data-outcome'), 'accepted', await page.textContent('#decision'));
    assert.match(await page.textContent('#decision'), /R-CARD-2/);
    const steps = await page.textContent('#decision ol.steps');
    assert.match(steps, /新しいカードを本人に交付し、古いカードを返納/);
    assert.match(steps, /新しい住民基本台帳用暗証番号を設定/);
    await page.waitForSelector('#execute');
    assert.equal(await page.locator('#face-check').count(), 0, 'no face check for a PIN card');
    const keys = await fillPins(page, NEW_PINS);
    assert.deepEqual([...new Set(keys)].sort(), ['new:auth', 'new:juki', 'new:sign', 'new:text'], 'the four new PINs, each twice');
    assert.equal(keys.length, 8);
    await assertAccessible(page, 'i2-clerk-pickup-pins (desktop)');
    await shot(page, 'i2-clerk-pickup-pins');
    await page.click('#exec-submit');
    await page.waitForSelector('#exec-done', { timeout: 60000 });
    assert.match(await page.textContent('#exec-done'), /新しいカードを交付しました/);
    assert.match(await page.textContent('#case-application'), /交付済み/);
    assert.match(await page.textContent('#case-state'), /完了/);
    assert.equal(await page.locator('input[type="password"]').count(), 0);
    await assertAccessible(page, 'i3-clerk-pickup-done (desktop)');
    await shot(page, 'i3-clerk-pickup-done');
    const c = (await staffApi(page, 'GET', `/api/cases/${caseId}`)).body;
    assert.equal(c.state, 'done');
    for (const pin of Object.values(NEW_PINS)) assert.ok(!JSON.stringify(c).includes(pin), 'no PIN in the case record');
    const r = (await staffApi(page, 'GET', `/api/residents/${app.resident}`)).body;
    assert.deepEqual(r.cards.map((x) => x.state).sort(), ['active', 'returned']);
    assert.equal(r.certificates.filter((x) => x.state === 'active').length, 2, JSON.stringify(r.certificates));
    const done = (await staffApi(page, 'GET', `/api/card-applications/${app.id}`)).body;
    assert.equal(done.state, 'picked_up');
    await assertClean(page);
  });

  // The holder, on a phone, from the form's QR code.
  const phone = await chrome.newPage({ phone: true });
  phone.expectProblem(/status of 403/);
  await scenario(phone, 'i-online', async () => {
    await phone.goto(`/#/apply/${online.id}`);
    await phone.waitForSelector('#apply-form');
    assert.match(await phone.textContent('#ap-id'), GROUPED_ID);
    assert.match(await phone.textContent('#ap-face-hint'), /暗証番号が必要なサービスには使えません/);
    await assertAccessible(phone, 'i4-apply-online (phone)');
    await shot(phone, 'i4-apply-online-phone');
    // A wrong birth date: refused in plain words, the field marked, nothing applied.
    const wrong = new Date(`${online.birth}T00:00:00Z`);
    wrong.setUTCDate(wrong.getUTCDate() + 1);
    await fillBirth(phone, wrong.toISOString().slice(0, 10));
    await phone.click('#ap-submit');
    await phone.waitForSelector('#ap-refused');
    const refusal = await phone.textContent('#ap-result');
    assert.match(refusal, /生年月日が一致しませんでした/);
    assert.doesNotMatch(refusal, /R-CARD|\[birth\]|\(the application/);
    assert.equal(await phone.getAttribute('#apply-form input[name="birth-day"]', 'aria-invalid'), 'true');
    await assertAccessible(phone, 'i5-apply-refused (phone)');
    await shot(phone, 'i5-apply-refused-phone');
    // The right one, with a face-authentication card.
    await fillBirth(phone, online.birth);
    await phone.check('#ap-face');
    await phone.click('#ap-submit');
    await phone.waitForSelector('#ap-verdict');
    const verdict = await phone.textContent('#ap-verdict');
    assert.match(verdict, /申請を受け付けました/);
    assert.match(verdict, /交付通知書/);
    assert.match(verdict, /\d{4}年\(令和\d+年\)\d{1,2}月\d{1,2}日\([日月火水木金土]\)/);
    assert.match(verdict, /\d{4}年\(令和\d+年\)\d{1,2}月(上旬|中旬|下旬)ごろ/);
    assert.match(verdict, /顔認証マイナンバーカード/);
    assert.doesNotMatch(verdict, /R-[A-Z]+-\d/, 'rule IDs stay in the details');
    assert.equal(await phone.isVisible('#apply-form'), false);
    await assertAccessible(phone, 'i6-apply-accepted (phone)');
    await shot(phone, 'i6-apply-accepted-phone');
    // English alongside: the answer is kept across the switch.
    await phone.setViewportSize({ width: 1280, height: 900 });
    await phone.click('#lang');
    await phone.waitForSelector('#ap-verdict');
    assert.match(await phone.textContent('#ap-verdict'), /Your application has been received/);
    assert.match(await phone.textContent('#ap-verdict'), /(early|mid|late) [A-Z][a-z]+ \d{4}/);
    await assertAccessible(phone, 'i6-apply-accepted (desktop, English)');
    await shot(phone, 'i6b-apply-accepted-desktop-en');
    await phone.click('#lang');
    await assertClean(phone);
  });
  const applied = (await staffApi(page, 'GET', `/api/card-applications/${online.id}`)).body;
  assert.equal(applied.state, 'applied');
  assert.equal(applied.channel, 'online');
  assert.equal(applied.face, true);

  // The clerk finds it by the ID as printed (spaces and all); another one is cancelled with a
  // reason (asked for on the first click).
  await scenario(page, 'i-find-cancel', async () => {
    await page.goto('/#/staff/applications/noticed');
    await page.waitForSelector('#app-list li.app, #app-list p');
    await page.fill('#app-find-id', online.id.replace(/(\d{4})(?=\d)/g, '$1 '));
    await page.click('#app-find button[type="submit"]');
    await page.waitForSelector(`#app-found li.app[data-id="${online.id}"]`);
    const found = await page.textContent('#app-found');
    assert.match(found, /オンライン/);
    assert.match(found, /顔認証マイナンバーカード/);
    assert.equal(await page.locator('#app-found form[data-act="produce"]').count(), 1);
    const other = page.locator('#app-list li.app').first();
    const otherId = await other.getAttribute('data-id');
    await other.locator('form[data-act="cancel"] button').click();
    assert.equal(await other.locator('input[name="reason"]').isVisible(), true);
    await other.locator('input[name="reason"]').fill('転出のため (test)');
    await other.locator('form[data-act="cancel"] button').click();
    await page.waitForSelector('#app-status [role="status"]');
    assert.match(await page.textContent('#app-status'), /取り消しました/);
    assert.equal((await staffApi(page, 'GET', `/api/card-applications/${otherId}`)).body.state, 'cancelled');
    await page.click('#lang');
    await page.waitForSelector('#h-apps');
    assert.match(await page.textContent('#h-apps'), /Card applications/);
    await assertAccessible(page, 'i9b-staff-applications (desktop, English)');
    await shot(page, 'i9b-staff-applications-en');
    await page.click('#lang');
    await assertClean(page);
  });

  // A face-authentication card and back, from the case page (its checklist from /api/procedure
  // with card_type, and face_card going back).
  await scenario(page, 'i-face', async () => {
    const holder = pick(residents, (r) => r.municipality === 'suzuka' && r.situation === 'before_window', 'Suzuka resident before the window');
    await page.goto(`/#/staff/resident/${holder.id}`);
    await page.waitForSelector('#open-case');
    assert.equal(await page.locator('#oc-card-type').isVisible(), false);
    await page.selectOption('#oc-procedure', 'face_switch');
    assert.equal(await page.locator('#oc-card-type').isVisible(), true);
    assert.equal(await page.locator('#oc-application').isVisible(), false);
    await page.selectOption('#oc-card-type', 'face');
    await page.selectOption('#oc-applicant', 'self');
    await page.click('#oc-submit');
    await page.waitForURL(/#\/staff\/case\/\d+$/);
    await page.waitForSelector('#docs');
    assert.match(await page.textContent('#case-card-type'), /顔認証マイナンバーカードへ切り替える/);
    await present(page, [{ item: 'holder_card', whose: 'holder' }]);
    await page.click('#decide');
    await page.waitForSelector('#outcome');
    assert.equal(await page.getAttribute('#outcome', 'data-outcome'), 'accepted', await page.textContent('#decision'));
    assert.match(await page.textContent('#decision'), /R-FACE-1/);
    assert.match(await page.textContent('#decision ol.steps'), /顔認証マイナンバーカードに切り替え/);
    await page.waitForSelector('#execute');
    assert.equal(await page.locator('#execute input[type="password"]').count(), 0, 'no PIN to a face card');
    assert.match(await page.textContent('#execute'), /暗証番号は使いません/);
    await page.click('#exec-submit');
    await page.waitForSelector('#exec-done', { timeout: 60000 });
    assert.match(await page.textContent('#exec-done'), /顔認証マイナンバーカードに切り替えました/);
    assert.match(await page.textContent('#exec-done'), /署名用電子証明書/);
    await assertAccessible(page, 'i7-clerk-face-on (desktop)');
    await shot(page, 'i7-clerk-face-on');
    let r = (await staffApi(page, 'GET', `/api/residents/${holder.id}`)).body;
    assert.deepEqual(r.certificates.filter((x) => x.state === 'active').map((x) => x.kind), ['auth']);

    // Back to PINs: the face is checked; another document shows who the holder is.
    await page.goto(`/#/staff/resident/${holder.id}`);
    await page.waitForSelector('#open-case');
    await page.selectOption('#oc-procedure', 'face_switch');
    await page.selectOption('#oc-card-type', 'pin');
    await page.selectOption('#oc-applicant', 'self');
    await page.click('#oc-submit');
    await page.waitForURL(/#\/staff\/case\/\d+$/);
    await page.waitForSelector('#docs');
    await present(page, [{ item: 'holder_card', whose: 'holder' }, { item: 'id', whose: 'holder', kind: 'drivers_license' }]);
    await page.click('#decide');
    await page.waitForSelector('#outcome');
    assert.equal(await page.getAttribute('#outcome', 'data-outcome'), 'accepted', await page.textContent('#decision'));
    await page.waitForSelector('#execute #face-check');
    const keys = await fillPins(page, NEW_PINS);
    assert.deepEqual([...new Set(keys)].sort(), ['new:auth', 'new:sign']);
    // No answer chosen: the browser keeps the form (the choice is required); nothing is sent.
    let executed = 0;
    page.on('request', (q) => { if (q.url().includes('/execute')) executed += 1; });
    await page.click('#exec-submit');
    await page.waitForTimeout(300);
    assert.equal(executed, 0, 'the face check result is required');
    await page.check('#face-mismatch');
    await page.click('#exec-submit');
    await page.waitForSelector('#face-failure');
    const failure = await page.textContent('#face-failure');
    assert.match(failure, /本人と確認できませんでした/);
    assert.match(failure, /あと 9 回/);
    assert.match(await page.textContent('#case-state'), /受付可/);
    await assertAccessible(page, 'i8-clerk-face-mismatch (desktop)');
    await shot(page, 'i8-clerk-face-mismatch');
    await fillPins(page, NEW_PINS);  // cleared after each try
    await page.check('#face-match');
    await page.click('#exec-submit');
    await page.waitForSelector('#exec-done', { timeout: 60000 });
    assert.match(await page.textContent('#exec-done'), /暗証番号のカードに戻しました/);
    assert.ok(await page.locator('#exec-done a[data-copy="sign"]').count() === 1, 'the new sign certificate can be copied');
    await shot(page, 'i9-clerk-face-off');
    r = (await staffApi(page, 'GET', `/api/residents/${holder.id}`)).body;
    assert.deepEqual(r.certificates.filter((x) => x.state === 'active').map((x) => x.kind).sort(), ['auth', 'sign']);
    await assertClean(page);
  });
});
