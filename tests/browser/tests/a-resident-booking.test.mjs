// (a) A resident of Yokohama on a phone checks their dates, then books a visit to the ward
// office with the 予約ID of the city's notice (R-OFF-6, R-NOT-3): the ID is checked and its
// first bookable day shown, a day and a slot with free places chosen, the booking made; the
// 予約番号 and the cancel code are shown once and print alone with the QR code back to the
// booking; the booking goes into a calendar as an .ics file. A clerk then sees the booking in
// the counter's list of the day. The resident comes back through the receipt's link, finds the
// booking with the 予約ID, moves it to another time and cancels it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, seed, pick, login, shot, assertClean, assertAccessible, artifact, scenario, fillEraDate } from '../lib/harness.mjs';

let chrome;
before(async () => { chrome = await launch(); });
after(async () => { await chrome?.close(); });

const LONG_DAY = /^\d{4}年\((令和|平成)(元|\d+)年\)\d{1,2}月\d{1,2}日\([日月火水木金土]\)$/;

test('a Yokohama resident checks the dates and books a slot with the reservation ID', async () => {
  const { residents } = seed();
  // Inside the renewal window, so that the 予約ID is bookable today (R-OFF-6).
  const holder = pick(residents, (r) => r.municipality === 'yokohama' && r.reservation_id && r.situation === 'in_window',
    'Yokohama resident in the renewal window with a reservation_id');
  const page = await chrome.newPage({ phone: true });
  let number;
  let date;
  let start;
  let token;
  await scenario(page, 'a', async () => {
    await page.goto('/');
    await page.waitForSelector('#explain');

    // The date check (R-VAL, R-WIN) from what the holder has: the birth date in the era (昭和
    // or 平成, as residents know it) and the certificates' expiry from the city's letter.
    const expiry = holder.cert_expiry || holder.cert_expires;
    await page.selectOption('#ex-muni', 'yokohama');
    await fillEraDate(page, 'birth', holder.birth);
    await fillEraDate(page, 'cert_expires', expiry);
    await page.click('#explain button[type="submit"]');
    await page.waitForSelector('#answer #verdict');
    // The verdict first, in one sentence: come now, free, until the letter's date.
    const [y, m, d] = expiry.split('-').map(Number);
    const verdict = await page.textContent('#verdict');
    assert.match(verdict, /^今から.*まで、窓口で電子証明書を無料で更新できます。$/);
    assert.ok(verdict.includes(`${y}年(令和${y - 2018}年)${m}月${d}日(`), `the letter's date in the verdict: ${verdict}`);
    const cells = await page.$$eval('#answer tbody tr td', (tds) => tds.map((td) => td.textContent.trim()));
    assert.match(cells[0], LONG_DAY, 'the card expiry as 2031年(令和13年)7月7日(月)');
    assert.ok(cells[3].startsWith(`${y}年(令和${y - 2018}年)${m}月${d}日(`), `auth expiry ${cells[3]} is the record's ${expiry}`);
    // The rule IDs are in the details, not in the verdict.
    assert.doesNotMatch(verdict, /R-/);
    assert.equal(await page.isVisible('#why .reasons'), false);
    assert.match(await page.textContent('#why'), /R-WIN-1/);
    await assertAccessible(page, 'the check and its verdict (phone)');
    await shot(page, 'a1-resident-dates');
    await shot(page, 'a1-resident-verdict', { element: '#answer' });

    // The booking: Yokohama's 中区 counter takes bookings with the 予約ID only.
    await page.click('#to-booking');
    assert.equal(await page.inputValue('#bk-muni'), 'yokohama');
    // A counter change asks one month of the server, not a probe per day (issue 16).
    const asked = [];
    const count = (r) => { if (r.url().includes('/api/')) asked.push(new URL(r.url()).pathname); };
    page.on('request', count);
    await page.selectOption('#bk-counter', 'yokohama-naka');
    await page.waitForSelector('#bk-code-box:not([hidden])');
    await page.waitForSelector('#bk-cal table.cal');
    page.off('request', count);
    assert.deepEqual(asked, ['/api/availability'], `requests on a counter change: ${asked}`);
    await page.fill('#bk-code', holder.reservation_id.toLowerCase().replaceAll('-', ' '));
    await page.click('#bk-code-check');
    await page.waitForSelector('#bk-code-result .ok');
    const codeText = await page.textContent('#bk-code-result');
    assert.match(codeText, /予約受付開始/);
    assert.ok(codeText.includes(holder.reservation_id), 'the typed ID is read as meant and shown normalised');
    assert.equal(await page.inputValue('#bk-code'), holder.reservation_id);

    // The month calendar (one request per month): nothing chosen for the resident; the first
    // bookable day is named; the resident picks it, then a time with a free place.
    await page.waitForSelector('#bk-cal table.cal');
    assert.equal(await page.inputValue('#bk-date'), '', 'no day is chosen for the resident');
    assert.match(await page.textContent('#bk-cal'), /最初に予約できる日/);
    if (await page.locator('#bk-cal button.day').count() === 0) {
      await page.click('#cal-first');
      await page.waitForSelector('#bk-cal button.day');
    }
    await page.click('#bk-cal button.day >> nth=0');
    await page.waitForSelector('#bk-slots input[name="start"]');
    date = await page.inputValue('#bk-date');
    assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
    await assertAccessible(page, 'the calendar and the day\'s times (phone)');
    assert.equal(await page.locator('#bk-slots input[name="start"]:checked').count(), 0, 'no time is chosen for the resident');
    const slot = page.locator('#bk-slots input[name="start"]:not([disabled])').first();
    await slot.check();
    start = await slot.inputValue();
    assert.match(await page.textContent('#bk-slots'), /空き \d+\/\d+/);
    await page.fill('#bk-name', holder.name);
    await page.fill('#bk-phone', '045-000-0000');
    await shot(page, 'a2-resident-booking-form', { element: '#booking' });
    await page.click('#bk-submit');
    await page.waitForSelector('#receipt');
    number = (await page.textContent('#bk-number')).trim();
    assert.match(number, /^\S+$/, 'a 予約番号');
    token = (await page.textContent('#bk-token')).trim();
    assert.match(token, /^[0-9A-Z-]{8,}$/, 'the cancel code');
    const [by, bm, bd] = date.split('-').map(Number);
    assert.ok((await page.textContent('#receipt')).includes(`${by}年(令和${by - 2018}年)${bm}月${bd}日(`), 'the day as residents read it');
    assert.ok((await page.textContent('#receipt')).includes(start));
    assert.match(await page.textContent('#receipt'), new RegExp(`#/booking/${number}`), 'the way back to the booking');
    assert.equal(await page.locator('#receipt .qr svg').count(), 1, 'its QR code');
    assert.match(await page.textContent('#receipt'), /0120-769-706/, 'the city\'s phone (seed 003)');
    await assertAccessible(page, 'the receipt (phone)');
    await shot(page, 'a3-resident-booked', { element: '#booking' });

    // The calendar file: the browser saves it, and it holds the booked slot in Tokyo time.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#receipt [data-act="ics"]')]);
    assert.equal(download.suggestedFilename(), `mynacert-booking-${number}.ics`);
    const ics = fs.readFileSync(await download.path(), 'utf8');
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.ok(ics.includes(`DTSTART;TZID=Asia/Tokyo:${date.replaceAll('-', '')}T${start.replace(':', '')}00`), ics);

    // Print: only the receipt. (Headless Chromium's own print dialog would hold the page; the
    // button's call is recorded instead and the page printed to PDF below.)
    await page.evaluate(() => { window.print = () => { window.printAsked = true; }; });
    await page.click('#receipt [data-act="print"]');
    assert.equal(await page.evaluate(() => window.printAsked), true);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#explain'), false);
    assert.equal(await page.isVisible('#receipt'), true);
    await shot(page, 'a3-resident-receipt-print');
    fs.writeFileSync(artifact('a3-resident-receipt.pdf'), await page.pdf({ format: 'A4' }));
    await page.emulateMedia({ media: 'screen' });
    await assertClean(page);
  });

  // The counter's list of the day shows it.
  const staff = await chrome.newPage();
  await scenario(staff, 'a-staff', async () => {
    await login(staff, 'clerk');
    await staff.goto('/#/staff/bookings');
    await staff.selectOption('#bl-counter', 'yokohama-naka');
    await staff.fill('#bl-date', date);
    await staff.click('#bookings-form button[type="submit"]');
    await staff.waitForSelector('#bl-result table.bookings');
    const numbers = await staff.$$eval('#bl-result table.bookings tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent.trim()));
    assert.ok(numbers.includes(number), `booking ${number} in the day's list ${JSON.stringify(numbers)}`);
    await shot(staff, 'a4-clerk-bookings-of-the-day');
    await assertAccessible(staff, 'the counter\'s bookings of the day (desktop)');

    // A caller on the phone (seed 003's 電話予約): the clerk books Kanazawa City Hall on its
    // first bookable day for them, reads out the number and cancel code, then cancels it at the
    // caller's request — both acts audited (service_test checks the log).
    const first = await staff.evaluate(async () => (await (await fetch('/api/availability?counter=kanazawa-cityhall')).json()).first_bookable);
    assert.match(first, /^\d{4}-\d{2}-\d{2}$/);
    await staff.selectOption('#bl-counter', 'kanazawa-cityhall');
    await staff.fill('#bl-date', first);
    await staff.click('#bookings-form button[type="submit"]');
    await staff.waitForSelector('#ph-start option[value="09:00"]', { state: 'attached' });  // City Hall opens at 9:00
    await staff.selectOption('#ph-start', { index: 1 });
    await staff.fill('#ph-name', '金沢　電話');
    await staff.fill('#ph-phone', '076-000-1234');
    await staff.click('#phone-form button[type="submit"]');
    await staff.waitForSelector('#ph-receipt');
    const phoned = (await staff.textContent('#ph-receipt .big')).trim();
    await staff.waitForSelector(`#bl-result [data-cancel="${phoned}"]`);
    assert.match(await staff.textContent('#bl-result'), /電話 \(clerk\)/);
    await shot(staff, 'a4-clerk-phone-booking');
    await assertAccessible(staff, 'booking for a caller (desktop)');
    await staff.click(`#bl-result [data-cancel="${phoned}"]`);
    await staff.click(`#bl-result [data-cancel="${phoned}"]`);  // the confirming second click
    await staff.waitForFunction((n) => !document.querySelector(`#bl-result [data-cancel="${n}"]`), phoned);
    assert.match(await staff.textContent('#bl-result'), /取消 1 件/);
    await assertClean(staff);
  });

  // A second booking with the same 予約ID is refused while the first stands (code_in_use,
  // R-OFF-6): the message and the rule are shown.
  page.expectProblem(/status of 409/);
  await scenario(page, 'a-refused', async () => {
    await page.fill('#bk-name', holder.name);
    await page.locator('#bk-slots input[name="start"]:not([disabled])').first().check();
    await page.click('#bk-submit');
    await page.waitForSelector('#bk-result .error');
    const refused = await page.textContent('#bk-result');
    assert.match(refused, /予約できませんでした/);
    assert.match(refused, /予約番号/, 'the booking the 予約ID already holds is named');
    assert.doesNotMatch(refused, /R-OFF|\[code\]|This reservation/, 'one language, no rule ID or field token on a resident page');
    await shot(page, 'a5-resident-refused-code-in-use', { element: '#bk-result' });
  });

  // The resident cancels with the number and the cancel code; a wrong code finds nothing
  // (the same 404 whatever is wrong, so numbers cannot be probed).
  page.expectProblem(/status of 404/);
  await scenario(page, 'a-cancel', async () => {
    // The receipt survives a switch to English and back (issue 16): the cancel code shown once
    // is still there, in the other language.
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.waitForSelector('#receipt');
    assert.equal((await page.textContent('#bk-token')).trim(), token);
    assert.match(await page.textContent('#receipt'), /Booked/);
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'ja');
    await page.waitForSelector('#receipt');
    assert.equal((await page.textContent('#bk-number')).trim(), number);

    // The letter's QR code opens the booking form with its 予約ID checked (the city chosen).
    await page.goto(`/#/book/${holder.reservation_id}/yokohama-naka`);
    await page.waitForSelector('#bk-code-result .ok');
    assert.equal(await page.inputValue('#bk-muni'), 'yokohama');
    assert.equal(await page.inputValue('#bk-counter'), 'yokohama-naka', 'the ward\'s counter the letter names');
    assert.equal(await page.inputValue('#bk-code'), holder.reservation_id);

    // Back through the receipt's link (its QR code): the number is filled in; a wrong code
    // finds nothing, the 予約ID finds the booking.
    await page.goto(`/#/booking/${number}`);
    await page.waitForSelector('#find');
    assert.equal(await page.inputValue('#fd-number'), number);
    await page.fill('#fd-secret', 'WRONG-CODE-0000');
    await page.click('#find button[type="submit"]');
    await page.waitForSelector('#fd-result .error');
    await page.fill('#fd-secret', holder.reservation_id);
    await page.click('#find button[type="submit"]');
    await page.waitForSelector('#fd-card');
    assert.match(await page.textContent('#fd-card'), /予約中/);
    await assertAccessible(page, 'my booking, found (phone)');
    await shot(page, 'a6-resident-found', { element: '#mine' });

    // Move it: the booking form takes the booking's counter and 予約ID; another time is chosen.
    await page.click('#fd-card [data-act="change"]');
    await page.waitForSelector('#bk-change:not([hidden])');
    assert.equal(await page.isVisible('#bk-name'), false, 'the name stays as booked');
    await page.waitForSelector('#bk-cal button.day');
    await page.click(`#bk-cal button.day[data-date="${date}"]`).catch(async () => { await page.click('#bk-cal button.day >> nth=0'); });
    await page.waitForSelector('#bk-slots input[name="start"]');
    const other = page.locator(`#bk-slots input[name="start"]:not([disabled]):not([value="${start}"])`).first();
    await other.check();
    const newStart = await other.inputValue();
    await page.click('#bk-submit');
    await page.waitForSelector('#bk-result .receipt');
    const moved = await page.textContent('#bk-result');
    assert.match(moved, /予約を変更しました/);
    assert.ok(moved.includes(number) && moved.includes(newStart), `same number ${number}, new time ${newStart}: ${moved}`);
    assert.equal(await page.isVisible('#bk-change'), false);
    await shot(page, 'a6-resident-moved', { element: '#bk-result' });

    // Cancel it from its card, after saying yes.
    await page.click('#bk-result [data-act="cancel"]');
    await page.click('#bk-result [data-act="cancel-yes"]');
    await page.waitForSelector('#bk-result .receipt.cancelled');
    assert.match(await page.textContent('#bk-result'), /取り消しました/);
    await shot(page, 'a7-resident-cancelled', { element: '#bk-result' });
    await assertClean(page);
  });
});
