// mynacert UI — the residents' page: expiry dates and procedure (/api/explain, /api/procedure),
// booking a visit (/api/availability, /api/slots, /api/reservation-ids, /api/bookings), and a
// booking found again by its number and 予約ID or cancel code to change, cancel, print or add to
// a calendar. No login, no resident data (docs/api.md, docs/reservations.md).
// Routes: #/ the page; #/book/<予約ID>[/<counter>] (the letter's QR code) the booking form with
// the ID, on the ward's counter the letter names;
// #/booking/<number> (the receipt's QR code) the "my booking" form with the number.
import { $, $$, state, t, esc, day, longDay, statusText, nowJst, api, ApiError, residentErrorHtml, reasonsHtml, rule, refusalText, show, busy, municipalities, counterName, findCounter } from './lib.js';

const MODE = {
  walk_in: ['予約不要 (直接お越しください)', 'no reservation (walk in)'],
  optional: ['予約できます', 'reservation possible'],
  required: ['予約制', 'by reservation only'],
};

export async function residentPage(main) {
  const munis = await municipalities();
  const muniOptions = munis.map((m) => `<option value="${esc(m.id)}">${esc(t(m.name_ja, m.name_en))}</option>`).join('');
  main.innerHTML = `
  <section aria-labelledby="h-explain">
    <h2 id="h-explain" tabindex="-1">${t('有効期限と更新の確認', 'Check your expiry dates')}</h2>
    <form id="explain" novalidate>
      <label>${t('市区町村', 'Municipality')}<select name="municipality" id="ex-muni">${muniOptions}</select></label>
      ${eraDateHtml('birth', '生年月日', 'Date of birth', '', '', 'showa')}
      <p class="hint wide" id="held-hint">${t('お手元のどちらか一方(両方あればより確実です):', 'Enter at least one of these (both is better):')}</p>
      ${eraDateHtml('card_expires', 'カードの有効期限', 'Card expiry date', 'カードの表面「○年○月○日まで有効」', 'On the front of the card: "valid until …"', 'western')}
      ${eraDateHtml('cert_expires', '電子証明書の有効期限', 'Certificate expiry date', '市から届いた通知書、またはカード表面の「電子証明書の有効期限」の欄', 'In the notice letter, or the certificate box on the front of the card', 'reiwa')}
      <fieldset class="wide" id="ex-questions"><legend>${t('あてはまるものにチェック', 'Tick what applies')}</legend>
        <label class="check"><input type="checkbox" name="renewed" value="1">${t('カードを受け取った後に、電子証明書を更新したことがある', 'I have renewed the certificates since I got the card')}</label>
        <label class="check"><input type="checkbox" name="has_stay" id="ex-has-stay" value="1">${t('外国人住民で、在留期間が決まっている', 'I am a foreign resident with a fixed period of stay')}</label>
        <div id="ex-stay" hidden>${eraDateHtml('stay_until', '在留期間の満了日', 'End of the period of stay', '在留カードに記載', 'On the residence card', 'western')}</div>
        <label class="check"><input type="checkbox" name="abroad" value="1">${t('国外に住んでいて、カードを引き続き使っている', 'I live abroad and keep using the card')}</label>
        <label class="check"><input type="checkbox" name="adult_ward" value="1">${t('成年被後見人である', 'I am an adult ward (成年被後見人)')}</label>
      </fieldset>
      <label>${t('手続きに来る人', 'Who comes')}<select name="applicant">
        <option value="self">${t('本人', 'The holder')}</option>
        <option value="agent_with_form">${t('代理人 (照会書兼回答書あり)', 'An agent with the inquiry form')}</option>
        <option value="agent_without_form">${t('代理人 (照会書なし)', 'An agent without the form')}</option>
        <option value="legal_rep_parent">${t('親権者', 'A parent')}</option>
        <option value="legal_rep_guardian">${t('成年後見人', 'A guardian')}</option></select></label>
      <fieldset class="wide" id="ex-parent" hidden><legend>${t('親権者の方へ', 'For a parent')}</legend>
        <label class="check"><input type="checkbox" name="same_household" value="1">${t('お子さんと同じ世帯(住民票が同じ)', 'The child is in my household (same residence record)')}</label>
        <label class="check"><input type="checkbox" name="honseki_in_city" value="1">${t('お子さんの本籍がこの市区町村にある', 'The child\'s family register (本籍) is in this city')}</label>
      </fieldset>
      <button class="primary" type="submit">${t('確認する', 'Check')}</button>
    </form>
    <p class="hint"><a href="#/certificate" id="to-certificate">${t('カードをなくしたとき・電子証明書が有効か確かめるとき', 'Lost your card? Is your certificate still valid?')}</a></p>
    <div id="answer" aria-live="polite"></div>
  </section>

  <section id="booking" aria-labelledby="h-booking">
    <h2 id="h-booking" tabindex="-1">${t('窓口の予約', 'Book a visit to a counter')}</h2>
    <p class="hint">${t('電子証明書の更新は窓口でのみできます。予約制の窓口は予約してからお越しください。', 'Certificates are renewed at a counter only. Book first where the counter works by reservation.')}</p>
    <form id="book" novalidate>
      <div id="bk-change" class="notice wide" hidden></div>
      <label>${t('市区町村', 'Municipality')}<select name="municipality" id="bk-muni">${muniOptions}</select></label>
      <label>${t('窓口', 'Counter')}<select name="counter" id="bk-counter"></select></label>
      <div id="bk-counter-info" class="wide" aria-live="polite"></div>
      <fieldset id="bk-code-box" class="wide" hidden>
        <legend>${t('予約ID (市から届いた白い封筒「予約ID通知書」に記載)', 'Reservation ID (in the city\'s white envelope)')}</legend>
        <label>${t('予約ID', 'Reservation ID')}<input name="code" id="bk-code" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="7KQ2-M9XD-4TC" aria-describedby="bk-code-result"></label>
        <button type="button" id="bk-code-check">${t('予約IDを確認', 'Check the ID')}</button>
        <div id="bk-code-result" aria-live="polite"></div>
      </fieldset>
      <div id="bk-when" class="wide" hidden>
        <div id="bk-cal" class="cal-box" aria-live="polite"></div>
        <input type="hidden" name="date" id="bk-date">
        <fieldset id="bk-slots-box"><legend>${t('時間帯 (空き/定員)', 'Time (free/places)')}</legend><div id="bk-slots" aria-live="polite"></div></fieldset>
        <label id="bk-name-label">${t('お名前', 'Name')}<input name="name" id="bk-name" autocomplete="name" required maxlength="100"></label>
        <label id="bk-phone-label">${t('電話番号 (任意)', 'Phone (optional)')}<input name="phone" id="bk-phone" type="tel" autocomplete="tel" maxlength="20" inputmode="tel"></label>
        <label id="bk-email-label"${state.mail ? '' : ' hidden'}>${t('確認メールの宛先 (任意)', 'E-mail for the confirmation (optional)')}<input name="email" id="bk-email" type="email" autocomplete="email" maxlength="254" inputmode="email" spellcheck="false"></label>
        <button class="primary" type="submit" id="bk-submit">${t('予約する', 'Book')}</button>
      </div>
    </form>
    <div id="bk-result" aria-live="polite"></div>
  </section>

  <section id="mine" aria-labelledby="h-mine">
    <h2 id="h-mine" tabindex="-1">${t('予約の確認・変更・取消', 'My booking: check, change or cancel')}</h2>
    <p class="hint">${t('予約番号と、予約ID または 取消コードで、予約を確かめ、日時の変更・取消・カレンダーへの追加・印刷ができます。', 'With the booking number and the reservation ID or cancel code you can see your booking, change its time, cancel it, add it to a calendar or print it.')}</p>
    <form id="find">
      <label>${t('予約番号', 'Booking number')}<input name="number" id="fd-number" inputmode="numeric" required autocomplete="off"></label>
      <label>${t('予約ID または 取消コード', 'Reservation ID or cancel code')}<input name="secret" id="fd-secret" required autocomplete="off" spellcheck="false"></label>
      <button type="submit">${t('予約を表示', 'Show my booking')}</button>
    </form>
    <div id="fd-result" aria-live="polite"></div>
  </section>`;

  $('#explain').addEventListener('submit', onExplain);
  $('#ex-has-stay').addEventListener('change', (ev) => { $('#ex-stay').hidden = !ev.target.checked; });
  // A parent is asked about household and 本籍, which decide whether a 戸籍謄本 is needed (R-PROC-2).
  $('#explain select[name="applicant"]').addEventListener('change', (ev) => { $('#ex-parent').hidden = ev.target.value !== 'legal_rep_parent'; });
  $('#ex-muni').addEventListener('change', (ev) => {
    // The booking follows the municipality chosen for the check.
    $('#bk-muni').value = ev.target.value;
    onMunicipality();
  });
  $('#bk-muni').addEventListener('change', onMunicipality);
  $('#bk-counter').addEventListener('change', onCounter);
  $('#bk-code-check').addEventListener('click', checkCode);
  $('#bk-code').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); checkCode(); } });
  $('#book').addEventListener('submit', onBook);
  $('#find').addEventListener('submit', onFind);
  change = null;
  onMunicipality();
  restoreReceipt();
  // The letters' and receipts' QR codes lead here (docs/reservations.md).
  let m;
  if ((m = /^#\/book\/([0-9A-Za-z-]{6,20})(?:\/([a-z0-9-]+))?$/.exec(location.hash))) {
    $('#bk-code').value = m[1];
    const r = await codeFromLetter(m[1], m[2]);
    if (r) $('#booking').scrollIntoView();
  } else if ((m = /^#\/booking\/(\d{1,12})$/.exec(location.hash))) {
    $('#fd-number').value = m[1];
    $('#mine').scrollIntoView();
    $('#fd-secret').focus();
  }
}

// The 予約ID of a letter's QR code: the municipality it belongs to is chosen, then the ID is
// checked as if typed.
async function codeFromLetter(code, counterId) {
  try {
    const r = await api('GET', `/api/reservation-ids/${encodeURIComponent(code)}`);
    if (r.municipality && state.munis.some((x) => x.id === r.municipality)) {
      $('#bk-muni').value = r.municipality;
      $('#ex-muni').value = r.municipality;
      onMunicipality();
      // The ward's counter the letter names (R-NOT-3), else the first that takes bookings.
      const m = currentMuni();
      const first = m.counters.find((c) => c.id === counterId) || m.counters.find((c) => c.reservation !== 'walk_in');
      if (first) { $('#bk-counter').value = first.id; await onCounter(); }
    }
    $('#bk-code').value = code;
    return await checkCode();
  } catch (err) {
    show($('#bk-code-result'), residentErrorHtml(err));
    return null;
  }
}

// A date as residents write it: an era (西暦, 令和, 平成, 昭和, 大正) and year, month, day — the
// letters print 和暦, the card's face 西暦, and a birth date is best known in the era.
const ERAS = [
  ['western', '西暦', 'Western', 0, 1873, 2200],
  ['reiwa', '令和', 'Reiwa', 2018, 1, 99],
  ['heisei', '平成', 'Heisei', 1988, 1, 31],
  ['showa', '昭和', 'Showa', 1925, 1, 64],
  ['taisho', '大正', 'Taisho', 1911, 1, 15],
];
export function eraDateHtml(name, ja, en, hintJa, hintEn, era) {
  const hint = hintJa ? `<p class="hint" id="${name}-hint">${t(hintJa, hintEn)}</p>` : '';
  const described = hintJa ? ` aria-describedby="${name}-hint"` : '';
  return `<fieldset class="era-date wide" id="ex-${name}"${described}><legend>${t(ja, en)}</legend>${hint}
    <div class="era-fields">
      <label>${t('年号', 'Era')}<select name="${name}-era">${ERAS.map(([id, eja, een]) => `<option value="${id}"${id === era ? ' selected' : ''}>${t(eja, een)}</option>`).join('')}</select></label>
      <label>${t('年', 'Year')}<input name="${name}-year" inputmode="numeric" autocomplete="off" maxlength="4"></label>
      <label>${t('月', 'Month')}<input name="${name}-month" inputmode="numeric" autocomplete="off" maxlength="2"></label>
      <label>${t('日', 'Day')}<input name="${name}-day" inputmode="numeric" autocomplete="off" maxlength="2"></label>
    </div></fieldset>`;
}
export class FieldError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}
// '' when left empty; "YYYY-MM-DD" when it is a real date of that era; else a FieldError.
export function eraDateValue(form, name, label) {
  const get = (k) => String(new FormData(form).get(`${name}-${k}`) || '').trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0));
  const [y, m, d] = [get('year'), get('month'), get('day')];
  if (!y && !m && !d) return '';
  const era = ERAS.find((e) => e[0] === get('era')) || ERAS[0];
  const bad = () => new FieldError(name, t(`${label}: 年・月・日を数字で正しく入力してください`, `${label}: enter a real year, month and day in numbers`));
  if (![y, m, d].every((v) => /^\d+$/.test(v))) throw bad();
  const [yn, mn, dn] = [Number(y), Number(m), Number(d)];
  if (yn < era[4] || yn > era[5]) throw bad();
  const year = era[3] + yn;
  const date = new Date(Date.UTC(year, mn - 1, dn));
  if (mn < 1 || mn > 12 || date.getUTCMonth() !== mn - 1 || date.getUTCDate() !== dn) throw bad();
  return `${String(year).padStart(4, '0')}-${String(mn).padStart(2, '0')}-${String(dn).padStart(2, '0')}`;
}
// Marks the field at fault (the API's field names are the form's), clearing earlier marks.
export function markField(form, field) {
  $$('[aria-invalid]', form).forEach((el) => el.removeAttribute('aria-invalid'));
  $$('.invalid', form).forEach((el) => el.classList.remove('invalid'));
  const box = field && ($(`#ex-${field}`, form) || $(`[name="${field}"]`, form)?.closest('label'));
  if (!box) return;
  box.classList.add('invalid');
  $$('input, select', box).forEach((el) => el.setAttribute('aria-invalid', 'true'));
  $('input, select', box)?.focus();
}

const VERDICT_CLASS = { come_now: 'go', expired: 'go', not_yet: 'wait', renew_card: 'card', card_expired: 'card' };

// The visits as a timeline: what to bring each time, what the counter does, and what happens
// between two visits — the inquiry form mailed to the holder (R-PROC-6), and the deadline of
// the next visit.
function visitsHtml(visits) {
  if (visits.length === 1) {
    return `<ul>${visits[0].documents.map((d) => `<li>${esc(t(d.text, d.text_en))}</li>`).join('')}</ul>`;
  }
  return `<ol class="timeline" id="visits">${visits.map((vi, i) => {
    const acts = vi.staff_actions || [];
    const mailed = acts.some((a) => a.id === 'mail_inquiry_form');
    const next = visits[i + 1];
    const between = next ? `<li class="between"><p>${mailed
      ? t('その後: 照会書兼回答書が、本人の住民票の住所に郵便で届きます (転送されません)。本人が記入・署名し、暗証番号を書いて封をしてから、代理人に渡します。',
        'Then: the inquiry-and-response form arrives by post at the holder\'s registered address (never forwarded). The holder fills it in, signs, writes the PINs, seals it and gives it to the agent.')
      : t('その後、次の来庁へ。', 'Then the next visit.')}${next.deadline_days_after_previous
      ? ` <strong>${t(`次の来庁は前回から${next.deadline_days_after_previous}日以内です。`, `The next visit must be within ${next.deadline_days_after_previous} days.`)}</strong>` : ''}${next.any_counter
      ? ` ${t('前回と違う窓口でもかまいません。', 'Any counter will do.')}` : ''}</p></li>` : '';
    return `<li class="visit"><h4>${t(`${vi.number}回目の来庁`, `Visit ${vi.number}`)}</h4>
      <ul>${vi.documents.map((d) => `<li>${esc(t(d.text, d.text_en))}</li>`).join('')}</ul>
      ${acts.length ? `<p class="small">${t('窓口では', 'At the counter')}: ${acts.map((a) => esc(t(a.text, a.text_en))).join(t('。', '; '))}</p>` : ''}</li>${between}`;
  }).join('')}</ol>`;
}

async function onExplain(ev) {
  ev.preventDefault();
  const form = ev.target;
  const f = new FormData(form);
  const out = $('#answer');
  await busy(form, async () => {
    try {
      const q = new URLSearchParams({ municipality: f.get('municipality') });
      const birth = eraDateValue(form, 'birth', t('生年月日', 'Date of birth'));
      if (!birth) throw new FieldError('birth', t('生年月日を入力してください', 'Enter your date of birth'));
      q.set('birth', birth);
      for (const [name, ja, en] of [['card_expires', 'カードの有効期限', 'Card expiry date'], ['cert_expires', '電子証明書の有効期限', 'Certificate expiry date']]) {
        const v = eraDateValue(form, name, t(ja, en));
        if (v) q.set(name, v);
      }
      if (!q.has('card_expires') && !q.has('cert_expires')) {
        throw new FieldError('card_expires', t('カードの有効期限か、電子証明書の有効期限のどちらかを入力してください', 'Enter the card\'s expiry date or the certificates\' expiry date'));
      }
      if (f.get('has_stay')) {
        const stay = eraDateValue(form, 'stay_until', t('在留期間の満了日', 'End of the period of stay'));
        if (!stay) throw new FieldError('stay_until', t('在留期間の満了日を入力してください', 'Enter the end of your period of stay'));
        q.set('stay_until', stay);
      }
      for (const flag of ['renewed', 'abroad', 'adult_ward']) if (f.get(flag)) q.set(flag, '1');
      markField(form, null);
      const e = await api('GET', `/api/explain?${q}`);
      const today = state.today || nowJst().date;
      let age = Number(today.slice(0, 4)) - Number(birth.slice(0, 4));
      if (today.slice(5) < birth.slice(5)) age -= 1;
      const v = e.verdict;
      // Only a certificate visit gets a counter checklist; a card renewal is applied for with
      // the form J-LIS sends (R-WIN-6, R-CARD-4).
      let visit = '';
      if (v.counter_visit || v.code === 'not_yet') {
        const pq = { municipality: f.get('municipality'), applicant: f.get('applicant'), holder_age: String(Math.max(0, age)) };
        if (f.get('adult_ward')) pq.adult_ward = '1';
        if (v.code === 'expired') pq.cert_expired = '1';
        if (f.get('applicant') === 'legal_rep_parent') {
          for (const flag of ['same_household', 'honseki_in_city']) if (f.get(flag)) pq[flag] = '1';
        }
        const p = await api('GET', `/api/procedure?${new URLSearchParams(pq)}`);
        visit = `
        <h3>${t('持ち物と来庁回数', 'What to bring, how many visits')}</h3>
        ${p.pins && p.pins.length ? `<h4>${t('暗証番号', 'PINs')}</h4><ul id="pins">${p.pins.map((r) => `<li>${esc(t(r.text, r.text_en))}</li>`).join('')}</ul>` : ''}
        ${p.possible ? visitsHtml(p.visits) : reasonsHtml(p.refusals)}
        <h3>${t('窓口', 'Counters')}</h3><ul>${p.counters.map((c) => `<li>${esc(counterName(c))}</li>`).join('')}</ul>
        ${v.counter_visit ? `<p><a href="#booking" id="to-booking">${t('窓口を予約する →', 'Book a visit →')}</a></p>` : ''}
        <details><summary>${t('持ち物の根拠', 'Why these documents')}</summary>${reasonsHtml(p.reasons, 'small')}</details>`;
      }
      const cert = (c, ja, en) => `<tr><th scope="row">${t(ja, en)}</th><td>${c.expires ? longDay(c.expires) : '—'}</td><td><span class="status ${esc(c.status)}">${esc(statusText(c))}</span></td><td>${c.renewal_from && c.status !== 'card_expired' ? longDay(c.renewal_from) : '—'}</td></tr>`;
      show(out, `
        <div class="verdict ${VERDICT_CLASS[v.code] || ''}" id="verdict"><p>${esc(t(v.text, v.text_en))}</p></div>
        <h3>${t('有効期限', 'Expiry dates')}</h3>
        <div class="scroll" tabindex="0" role="region" aria-label="${t('有効期限の表', 'Expiry dates')}"><table><thead><tr><th></th><th scope="col">${t('有効期限', 'Expires')}</th><th scope="col">${t('状態', 'Status')}</th><th scope="col">${t('無料更新の開始', 'Free renewal from')}</th></tr></thead><tbody>
        <tr><th scope="row">${t('カード', 'Card')}</th><td>${longDay(e.card.expires)}</td><td></td><td></td></tr>
        ${cert(e.certificates.auth, '利用者証明用電子証明書', 'Authentication certificate')}
        ${cert(e.certificates.sign, '署名用電子証明書', 'Signature certificate')}</tbody></table></div>
        ${visit}
        <details id="why"><summary>${t('くわしい理由 (規則)', 'Why (the rules)')}</summary>${reasonsHtml(e.reasons)}${rule(v.rules)}</details>`, true);
      $('#to-booking')?.addEventListener('click', (e2) => { e2.preventDefault(); $('#h-booking').focus(); $('#booking').scrollIntoView(); });
    } catch (err) {
      markField(form, err.field);
      show(out, residentErrorHtml(err));
    }
  });
}

// ---- booking ----

function currentMuni() { return state.munis.find((m) => m.id === $('#bk-muni').value); }
function currentCounter() { return findCounter($('#bk-counter').value); }
// Yokohama: the 予約ID is required (R-OFF-6). The profile's flag where the API gives it, else a
// counter that takes reservations only.
function needsCode(muni, counter) {
  const flag = muni.reservation && muni.reservation.requires_reservation_id;
  return flag === undefined ? counter.reservation === 'required' : Boolean(flag);
}

function onMunicipality() {
  const m = currentMuni();
  if (!change) cal.code = '';  // a 予約ID belongs to one municipality
  // Bookable counters first; walk-in counters stay listed so residents learn to walk in.
  const sorted = [...m.counters].sort((a, b) => (a.reservation === 'walk_in') - (b.reservation === 'walk_in'));
  $('#bk-counter').innerHTML = sorted.map((c) => `<option value="${esc(c.id)}">${esc(counterName(c))} — ${esc(t(...(MODE[c.reservation] || [c.reservation, c.reservation])))}</option>`).join('');
  onCounter();
}

async function onCounter() {
  const found = currentCounter();
  const info = $('#bk-counter-info');
  $('#bk-result').innerHTML = '';
  $('#bk-code-result').innerHTML = '';
  if (!found) return;
  const { muni, counter } = found;
  const walkIn = counter.reservation === 'walk_in';
  $('#bk-when').hidden = walkIn;
  // Changing a booking keeps its 予約ID, name and phone: only the day and time are chosen.
  $('#bk-code-box').hidden = walkIn || Boolean(change) || !needsCode(muni, counter);
  $('#bk-code').required = !$('#bk-code-box').hidden;
  $('#bk-name-label').hidden = Boolean(change);
  $('#bk-phone-label').hidden = Boolean(change);
  $('#bk-email-label').hidden = Boolean(change) || !state.mail;
  $('#bk-submit').textContent = change ? t('この日時に変更する', 'Change to this time') : t('予約する', 'Book');
  const note = counterDetailsHtml(muni, counter) + (counter.note_ja ? `<p class="hint">${esc(counter.note_ja)}</p>` : '');
  if (walkIn) {
    // No booking: the counter's next open days instead (R-OFF-1).
    show(info, `<p class="notice"><strong>${t('この窓口は予約を受け付けていません。直接お越しください。', 'This counter takes no bookings: please walk in.')}</strong></p>${note}<p>${t('読み込み中…', 'Loading…')}</p>`);
    try {
      const [cal, slots] = await Promise.all([
        api('GET', `/api/calendar?${new URLSearchParams({ counter: counter.id, days: '14' })}`),
        api('GET', `/api/slots?${new URLSearchParams({ counter: counter.id, date: state.today || nowJst().date })}`).catch(() => null),
      ]);
      if (currentCounter()?.counter.id !== counter.id) return;
      const why = slots && slots.refusal ? `<p>${esc(refusalText(slots.refusal))}${rule(slots.refusal.rule)}</p>` : '';
      show(info, `<p class="notice"><strong>${t('この窓口は予約を受け付けていません。直接お越しください。', 'This counter takes no bookings: please walk in.')}</strong></p>${why}${note}
        <h3>${t('開庁日 (14日間)', 'Open days (14 days)')}</h3>
        <ul class="days">${cal.days.filter((d) => d.open).map((d) => `<li>${day(d.date)} ${esc(d.from)}〜${esc(d.to)}</li>`).join('')}</ul>`);
    } catch (err) { show(info, residentErrorHtml(err)); }
    return;
  }
  show(info, `<p>${esc(t(...MODE[counter.reservation]))}${needsCode(muni, counter) ? t('。予約には市から届いた予約IDが必要です', ': the reservation ID from the city\'s notice is needed') : ''}${rule(counter.reservation === 'required' ? 'R-OFF-6' : '')}</p>${note}`);
  await loadDays(counter);
}

// The month calendar (GET /api/availability: one request per month): each day marked ○ (free
// places), △ (a quarter or less free), × (full) or － (not bookable), nothing chosen for the
// resident, and under it every day that cannot be booked with the reason in words. With a
// checked 予約ID the days before the renewal window say so (R-OFF-6). The server checks every
// rule again when the booking is made.
const LEVEL = {
  many: ['○', '空きあり', 'places free'],
  few: ['△', '残りわずか', 'few places left'],
  none: ['×', '予約できません', 'cannot be booked'],
  closed: ['－', '閉庁日', 'closed'],
};
const REASON = {
  closed_day: ['閉庁日', 'Closed days'],
  before_window: ['更新期間の前', 'Before your renewal window'],
  too_soon: ['直前のため予約できない日', 'Too soon to book'],
  too_far_ahead: ['まだ予約を受け付けていない日', 'Not yet open for booking'],
  deadline_passed: ['前日17時の締切を過ぎた日', 'Past the deadline (17:00 the day before)'],
  past: ['過ぎた日', 'Past days'],
  full: ['満席の日', 'Fully booked days'],
};
const cal = { month: null, code: '' };
const monthOf = (iso) => String(iso).slice(0, 7);
const addMonth = (ym, n) => {
  const d = new Date(`${ym}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};
const monthTitle = (ym) => t(`${Number(ym.slice(0, 4))}年${Number(ym.slice(5, 7))}月`, new Date(`${ym}-01T00:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }));

async function loadDays(counter, month) {
  const box = $('#bk-cal');
  $('#bk-date').value = '';
  $('#bk-slots').innerHTML = '';
  box.innerHTML = `<p>${t('読み込み中…', 'Loading…')}</p>`;
  const q = { counter: counter.id };
  if (month) q.month = month;
  if (cal.code && (change || !$('#bk-code-box').hidden)) q.code = cal.code;
  try {
    const a = await api('GET', `/api/availability?${new URLSearchParams(q)}`);
    if (currentCounter()?.counter.id !== counter.id) return;
    cal.month = a.month;
    const thisMonth = monthOf(state.today || nowJst().date);
    const lastMonth = a.last_bookable ? monthOf(a.last_bookable) : addMonth(thisMonth, 12);
    const lead = new Date(`${a.days[0].date}T00:00:00Z`).getUTCDay();
    const cells = [...Array(lead).fill(null), ...a.days];
    while (cells.length % 7) cells.push(null);
    const weeks = [];
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
    const wd = state.lang === 'ja' ? ['日', '月', '火', '水', '木', '金', '土'] : ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const cell = (d) => {
      if (!d) return '<td></td>';
      const n = Number(d.date.slice(8, 10));
      const level = d.bookable ? d.level : d.open ? 'none' : 'closed';
      const [mark, ja, en] = LEVEL[level];
      if (d.bookable) {
        return `<td><button type="button" class="day ${level}" data-date="${esc(d.date)}" aria-pressed="false" aria-label="${esc(`${longDay(d.date)} ${t(ja, en)}`)}">${n}<span class="mark" aria-hidden="true">${mark}</span></button></td>`;
      }
      const why = d.refusal ? (REASON[d.refusal.code] || [d.refusal.text, d.refusal.text_en]) : [ja, en];
      return `<td><span class="day off ${level}">${n}<span class="mark" aria-hidden="true">${mark}</span><span class="sr">${esc(t(why[0], why[1]))}</span></span></td>`;
    };
    // Unbookable days grouped by their reason, each reason in words with its rule.
    const groups = new Map();
    for (const d of a.days) {
      if (d.bookable || !d.refusal || d.refusal.code === 'past') continue;
      const g = groups.get(d.refusal.code) || { days: [], refusal: d.refusal };
      g.days.push(d.date);
      groups.set(d.refusal.code, g);
    }
    const reasons = [...groups.entries()].map(([code, g]) => {
      const label = REASON[code] || [g.refusal.text, g.refusal.text_en];
      const days = g.days.map((x) => t(`${Number(x.slice(8, 10))}日`, String(Number(x.slice(8, 10))))).join(t('・', ', '));
      return `<li><strong>${esc(t(label[0], label[1]))}</strong>: ${esc(days)}<br><span class="small">${esc(refusalText(g.refusal))}${rule(g.refusal.rule)}</span></li>`;
    }).join('');
    const firstLine = a.first_bookable
      ? `<p>${t('最初に予約できる日', 'First bookable day')}: <strong>${longDay(a.first_bookable)}</strong>${monthOf(a.first_bookable) !== a.month ? ` <button type="button" id="cal-first">${t('その月を表示', 'Show that month')}</button>` : ''}</p>`
      : `<p class="error">${t('予約できる日がありません', 'No day can be booked')}</p>`;
    show(box, `<div class="cal-head">
        <button type="button" id="cal-prev"${a.month <= thisMonth ? ' disabled' : ''} aria-label="${t('前の月', 'Previous month')}">‹</button>
        <h3 id="cal-title">${monthTitle(a.month)}</h3>
        <button type="button" id="cal-next"${a.month >= lastMonth ? ' disabled' : ''} aria-label="${t('次の月', 'Next month')}">›</button></div>
      ${firstLine}
      <p class="hint">${t('○ 空きあり　△ 残りわずか　× 満席・予約できない日　－ 閉庁日。日付を選ぶと時間帯が出ます。', '○ places free　△ few left　× full or not bookable　－ closed. Choose a day to see its times.')}</p>
      <table class="cal" aria-labelledby="cal-title"><thead><tr>${wd.map((w) => `<th scope="col">${w}</th>`).join('')}</tr></thead>
      <tbody>${weeks.map((w) => `<tr>${w.map(cell).join('')}</tr>`).join('')}</tbody></table>
      ${reasons ? `<details class="cal-reasons"><summary>${t('予約できない日とその理由', 'Days that cannot be booked, and why')}</summary><ul>${reasons}</ul></details>` : ''}`);
    $('#cal-prev').addEventListener('click', () => loadDays(counter, addMonth(a.month, -1)));
    $('#cal-next').addEventListener('click', () => loadDays(counter, addMonth(a.month, 1)));
    $('#cal-first')?.addEventListener('click', () => loadDays(counter, monthOf(a.first_bookable)));
    box.querySelectorAll('button.day').forEach((b) => b.addEventListener('click', () => {
      box.querySelectorAll('button.day[aria-pressed="true"]').forEach((x) => x.setAttribute('aria-pressed', 'false'));
      b.setAttribute('aria-pressed', 'true');
      $('#bk-date').value = b.dataset.date;
      loadSlots();
    }));
  } catch (err) {
    show(box, residentErrorHtml(err));
  }
}

async function loadSlots() {
  const box = $('#bk-slots');
  const date = $('#bk-date').value;
  const found = currentCounter();
  if (!date || !found) { box.innerHTML = ''; return; }
  box.innerHTML = `<p>${t('読み込み中…', 'Loading…')}</p>`;
  try {
    const s = await api('GET', `/api/slots?${new URLSearchParams({ counter: found.counter.id, date })}`);
    if ($('#bk-date').value !== date) return;
    if (s.refusal) { show(box, `<p class="error">${esc(refusalText(s.refusal))}${rule(s.refusal.rule)}</p>`); return; }
    // A slot is offered when the server says it is bookable now (free and inside every rule).
    const ok = (x) => (x.bookable_now ?? x.available > 0) && x.available > 0;
    const why = s.slots.find((x) => !ok(x) && x.available > 0 && x.refusal);
    // Nothing is chosen for the resident; the day's slots grouped into morning and afternoon.
    const slotHtml = (x) => {
      const full = x.available <= 0;
      const closed = !full && !ok(x);
      return `<label class="slot${full || closed ? ' full' : ''}"><input type="radio" name="start" value="${esc(x.start)}"${full || closed ? ' disabled' : ''}>
        <span>${esc(x.start)}〜${esc(x.end)}</span> <span class="places">${full ? t('満席', 'full') : closed ? t('受付外', 'not bookable') : t(`空き ${x.available}/${x.capacity}`, `${x.available}/${x.capacity} free`)}</span></label>`;
    };
    const parts = [[t('午前', 'Morning'), s.slots.filter((x) => x.start < '12:00')], [t('午後', 'Afternoon'), s.slots.filter((x) => x.start >= '12:00')]]
      .filter(([, list]) => list.length);
    show(box, s.slots.length ? `<p><strong>${longDay(date)}</strong></p>${parts.map(([label, list]) => `<h4>${label}</h4><div class="slots">${list.map(slotHtml).join('')}</div>`).join('')}${why ? `<p class="hint">${t('受付外', 'Not bookable')}: ${esc(refusalText(why.refusal))}${rule(why.refusal.rule)}</p>` : ''}` : `<p>${t('この日は予約枠がありません', 'No slots on this day')}</p>`);
  } catch (err) { show(box, residentErrorHtml(err)); }
}

async function checkCode() {
  const out = $('#bk-code-result');
  const code = $('#bk-code').value.trim();
  if (!code) { show(out, `<p class="error" role="alert">${t('予約IDを入力してください', 'Enter the reservation ID')}</p>`); return null; }
  try {
    const r = await api('GET', `/api/reservation-ids/${encodeURIComponent(code)}`);
    const m = state.munis.find((x) => x.id === r.municipality);
    const today = state.today || nowJst().date;
    const wrongCity = r.municipality && r.municipality !== $('#bk-muni').value;
    show(out, `<p class="ok">${t('予約ID', 'Reservation ID')} <strong class="code">${esc(r.code)}</strong> (${esc(m ? t(m.name_ja, m.name_en) : r.municipality)}) —
      ${t('予約受付開始', 'bookable from')} <strong>${day(r.bookable_from)}</strong>${r.valid_until ? ` — ${t('有効期限', 'valid until')} ${day(r.valid_until)}` : ''}${rule('R-OFF-6')}</p>
      ${r.bookable_from && r.bookable_from > today ? `<p class="error">${t(`更新期間の前のため、${day(r.bookable_from)} から予約できます。`, `Before the renewal window: bookable from ${day(r.bookable_from)}.`)}</p>` : ''}
      ${wrongCity ? `<p class="error">${t('この予約IDは別の市区町村のものです。', 'This ID belongs to another municipality.')}</p>` : ''}`);
    $('#bk-code').value = r.code;
    if (!wrongCity) {
      cal.code = r.code;
      const found = currentCounter();
      if (found) await loadDays(found.counter, r.bookable_from && r.bookable_from > today ? monthOf(r.bookable_from) : cal.month);
    }
    return r;
  } catch (err) {
    show(out, residentErrorHtml(err));
    return null;
  }
}

async function onBook(ev) {
  ev.preventDefault();
  const form = ev.target;
  const out = $('#bk-result');
  const found = currentCounter();
  const start = $('input[name="start"]:checked', form);
  const name = $('#bk-name').value.trim();
  const problems = [];
  if (!$('#bk-date').value) problems.push(t('来庁日を選んでください', 'Choose a day'));
  if (!start) problems.push(t('時間帯を選んでください', 'Choose a time'));
  if (!change && !name) problems.push(t('お名前を入力してください', 'Enter your name'));
  if ($('#bk-code').required && !$('#bk-code').value.trim()) problems.push(t('予約IDを入力してください', 'Enter the reservation ID'));
  if (problems.length) { show(out, `<ul class="error" role="alert">${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`); return; }
  if (change) {
    const moving = change;
    await busy(form, async () => {
      try {
        const b = await api('POST', `/api/bookings/${moving.number}/change`, { secret: moving.secret, counter: found.counter.id, date: $('#bk-date').value, start: start.value });
        // A kept receipt follows its booking (its cancel code stays valid).
        const kept = JSON.parse(sessionStorage.getItem('receipt') || 'null');
        if (kept && String(kept.b.number) === String(b.number)) {
          sessionStorage.setItem('receipt', JSON.stringify({ b: { ...b, cancel_token: kept.b.cancel_token }, counter: b.counter }));
        }
        endChange();
        showCard($('#bk-result'), b, moving.secret, { title: t('予約を変更しました', 'Booking changed'), focus: true });
        $('#fd-result').innerHTML = '';
      } catch (err) {
        show(out, `<h3>${t('変更できませんでした', 'Not changed')}</h3>${residentErrorHtml(err)}`, true);
        if (err.code === 'full') loadSlots();
      }
    });
    return;
  }
  const body = { counter: found.counter.id, date: $('#bk-date').value, start: start.value, name };
  const phone = $('#bk-phone').value.trim();
  if (phone) body.phone = phone;
  const email = $('#bk-email').value.trim();
  if (email && state.mail) body.email = email;
  if (!$('#bk-code-box').hidden && $('#bk-code').value.trim()) body.code = $('#bk-code').value.trim();
  await busy(form, async () => {
    try {
      const b = await api('POST', '/api/bookings', body);
      // Kept for this tab only, so that a language switch or a reload does not lose the cancel
      // code that is shown once; closing the tab or "閉じる" forgets it.
      sessionStorage.setItem('receipt', JSON.stringify({ b, counter: found.counter.id }));
      showReceipt(b, true);
      // The counter, the day and the 予約ID stay as chosen; the slot list shows the new count.
      $('#bk-name').value = '';
      $('#bk-phone').value = '';
      $('#bk-email').value = '';
      loadSlots();
    } catch (err) {
      show(out, `<h3>${t('予約できませんでした', 'Not booked')}</h3>${residentErrorHtml(err)}`, true);
      if (err.code === 'full') loadSlots();
    }
  });
}

// The receipt right after booking: the booking's card with the cancel code shown once.
function showReceipt(b, focus) {
  showCard($('#bk-result'), b, b.cancel_token || b.code, { title: t('予約を受け付けました', 'Booked'), receipt: true, focus });
}

function restoreReceipt() {
  try {
    const kept = JSON.parse(sessionStorage.getItem('receipt') || 'null');
    if (kept && kept.b && kept.b.status === 'confirmed') showReceipt(kept.b, false);
  } catch { sessionStorage.removeItem('receipt'); }
}

// A booking as residents keep it: number, place (address and a map link, or the city's
// contact), day and time, the way back to it (its page's address and QR code) and what can be
// done with it. `secret` opens it (its 予約ID or cancel code), kept in this page only.
function cardHtml(b, opts) {
  const cancelled = b.status !== 'confirmed';
  const c = findCounter(b.counter);
  const counter = b.counter_name_ja ? t(b.counter_name_ja, b.counter_name_en || b.counter_name_ja) : counterName(c && c.counter);
  const contact = b.contact || (c && c.muni.contact) || {};
  const place = b.counter_address_ja
    ? `${esc(b.counter_address_ja)}`
    : contact.address_ja ? `${t('問い合わせ先', 'Enquiries')}: ${esc(contact.address_ja)}` : '';
  const id = opts.receipt ? 'receipt' : 'fd-card';
  return `<div class="receipt${cancelled ? ' cancelled' : ''}" id="${id}">
    <h3>${esc(opts.title || (cancelled ? t('取り消し済みの予約', 'Cancelled booking') : t('予約の内容', 'Your booking')))}</h3>
    <div class="card-body"><dl>
      <dt>${t('予約番号', 'Booking number')}</dt><dd class="big" id="${opts.receipt ? 'bk-number' : 'fd-number-shown'}">${esc(b.number)}</dd>
      <dt>${t('状態', 'Status')}</dt><dd>${cancelled ? `<strong class="error">${t('取り消し済み', 'Cancelled')}</strong>` : t('予約中', 'Booked')}</dd>
      <dt>${t('日時', 'When')}</dt><dd><strong>${longDay(b.date)} ${esc(b.start)}〜${esc(b.end)}</strong></dd>
      <dt>${t('窓口', 'Counter')}</dt><dd>${esc(counter)}${b.municipality_name_ja ? ` (${esc(t(b.municipality_name_ja, b.municipality_name_en))})` : ''}
        ${place ? `<br><span class="small">${place}</span>` : ''}
        ${b.map_url ? `<br><a href="${esc(b.map_url)}" rel="noopener noreferrer" target="_blank">${t('地図を開く (Google マップ、新しいタブ)', 'Open a map (Google Maps, new tab)')}</a>` : ''}</dd>
      ${b.code ? `<dt>${t('予約ID', 'Reservation ID')}</dt><dd class="code">${esc(b.code)}</dd>` : ''}
      <dt>${t('お名前', 'Name')}</dt><dd>${esc(b.name)}</dd>
      ${opts.receipt && b.cancel_token ? `<dt>${t('取消コード', 'Cancel code')}</dt><dd class="code big" id="bk-token">${esc(b.cancel_token)}</dd>` : ''}
      ${contact.phone ? `<dt>${t('お問い合わせ', 'Enquiries')}</dt><dd>${esc(contact.department_ja || '')} <a href="tel:${esc(contact.phone.replace(/-/g, ''))}">${esc(contact.phone)}</a></dd>` : ''}
      ${b.url ? `<dt>${t('この予約のページ', 'This booking online')}</dt><dd class="small url">${esc(b.url)}</dd>` : ''}
    </dl>${b.qr_svg ? `<div class="qr">${b.qr_svg}<p class="small">${t('スマートフォンで読み取ると、この予約のページが開きます', 'Scan to open this booking on a phone')}</p></div>` : ''}</div>
    ${opts.receipt && b.cancel_token ? `<p class="warn">${t('取消コードはこの画面にだけ表示されます。印刷するか控えてください。予約の変更・取消には、予約番号と予約ID または 取消コードが必要です。',
      'The cancel code is shown only now: print it or write it down. To change or cancel you need the booking number and the reservation ID or the cancel code.')}</p>` : ''}
    ${b.mail === 'queued' ? `<p class="ok">${t('確認メールを送ります。届かないときも、この予約は有効です。', 'A confirmation e-mail is on its way; the booking stands even if it does not arrive.')}</p>` : ''}
    ${cancelled ? '' : `<p class="hint">${t('当日は本人のマイナンバーカードと、上の「確認する」で出た持ち物をお持ちください。', 'On the day, bring the holder\'s My Number Card and what the check above lists.')}</p>`}
    <div class="actions">
      ${cancelled ? '' : `<button type="button" data-act="ics">${t('カレンダーに追加 (.ics)', 'Add to calendar (.ics)')}</button>`}
      <button type="button" data-act="print">${t('印刷する', 'Print')}</button>
      ${cancelled ? '' : `<button type="button" data-act="change">${t('日時を変更する', 'Change the time')}</button>
      <button type="button" data-act="cancel">${t('予約を取り消す', 'Cancel the booking')}</button>`}
      ${opts.receipt ? `<button type="button" data-act="forget">${t('控えを閉じる (この画面から消す)', 'Close the receipt (remove it from this page)')}</button>` : ''}
    </div>
    <div class="card-out" aria-live="polite"></div>
  </div>`;
}

function showCard(box, b, secret, opts) {
  show(box, cardHtml(b, opts), opts.focus);
  const card = box.querySelector('.receipt');
  const out = card.querySelector('.card-out');
  const on = (act, fn) => card.querySelector(`[data-act="${act}"]`)?.addEventListener('click', fn);
  on('print', () => {
    // Only this card on paper (style.css, @media print); the mark stays until another card is
    // printed, since browsers differ on when (and whether) afterprint fires.
    $$('.print-me').forEach((el) => el.classList.remove('print-me'));
    card.classList.add('print-me');
    document.body.classList.add('print-one');
    window.print();
  });
  on('ics', async () => {
    try { await downloadIcs(b.number, secret); } catch (err) { show(out, residentErrorHtml(err), true); }
  });
  on('change', () => startChange(b, secret));
  on('cancel', () => {
    // One more click to be sure: a cancelled place may be taken at once.
    show(out, `<p>${t('この予約を取り消しますか。取り消した枠はすぐに他の方が予約できます。', 'Cancel this booking? Its place can be booked by someone else at once.')}</p>
      <button type="button" class="danger" data-act="cancel-yes">${t('はい、取り消す', 'Yes, cancel it')}</button>
      <button type="button" data-act="cancel-no">${t('いいえ', 'No')}</button>`, true);
    out.querySelector('[data-act="cancel-no"]').addEventListener('click', () => { out.innerHTML = ''; });
    out.querySelector('[data-act="cancel-yes"]').addEventListener('click', async () => {
      try {
        const done = await api('POST', `/api/bookings/${encodeURIComponent(b.number)}/cancel`, { secret });
        // A cancelled booking's receipt is no longer kept.
        const kept = JSON.parse(sessionStorage.getItem('receipt') || 'null');
        if (kept && String(kept.b.number) === String(b.number)) sessionStorage.removeItem('receipt');
        if (change && String(change.number) === String(b.number)) endChange();
        showCard(box, { ...b, ...done, status: 'cancelled' }, secret, { title: t('予約を取り消しました', 'The booking is cancelled'), focus: true });
        const cal = currentCounter();
        if (cal && $('#bk-date').value) loadSlots();
      } catch (err) { show(out, residentErrorHtml(err), true); }
    });
  });
  on('forget', () => {
    sessionStorage.removeItem('receipt');
    box.innerHTML = '';
  });
}

// The booking as an iCalendar file (POST /api/bookings/{n}/calendar), saved by the browser.
async function downloadIcs(number, secret) {
  const r = await fetch(`/api/bookings/${encodeURIComponent(number)}/calendar`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ secret }), credentials: 'same-origin',
  });
  if (!r.ok) {
    const body = await r.json().catch(() => ({}));
    throw new ApiError(r.status, body.error || {});
  }
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `mynacert-booking-${number}.ics`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Changing a booking: the booking form above switches to its municipality and counter, without
// the 予約ID, name and phone it keeps; the calendar and the slots are chosen as for a booking.
let change = null;
function startChange(b, secret) {
  change = { number: b.number, secret, code: b.code || '' };
  const box = $('#bk-change');
  box.hidden = false;
  box.innerHTML = `<p><strong>${t(`予約番号 ${esc(b.number)} の日時を変更します`, `Changing booking ${esc(b.number)}`)}</strong> —
    ${t('今の予約', 'now')}: ${longDay(b.date)} ${esc(b.start)}。${t('新しい日と時間帯を選んでください。変更が終わるまで今の予約はそのままです。', 'Choose the new day and time; the booking stays as it is until the change is made.')}</p>
    <button type="button" id="bk-change-stop">${t('変更をやめる', 'Stop changing')}</button>`;
  $('#bk-change-stop').addEventListener('click', () => { endChange(); onCounter(); });
  $('#bk-muni').value = b.municipality;
  $('#bk-muni').disabled = true;  // a booking moves within its municipality
  cal.code = change.code;  // its window (R-OFF-6) still decides the bookable days
  onMunicipality();
  $('#bk-counter').value = b.counter;
  onCounter();
  $('#booking').scrollIntoView();
  $('#h-booking').focus();
}
function endChange() {
  change = null;
  $('#bk-change').hidden = true;
  $('#bk-change').innerHTML = '';
  $('#bk-muni').disabled = false;
  $('#bk-name-label').hidden = false;
  $('#bk-phone-label').hidden = false;
  $('#bk-email-label').hidden = !state.mail;
  $('#bk-submit').textContent = t('予約する', 'Book');
}

async function onFind(ev) {
  ev.preventDefault();
  const form = ev.target;
  const out = $('#fd-result');
  const number = $('#fd-number').value.trim();
  const secret = $('#fd-secret').value.trim();
  if (!/^\d+$/.test(number) || !secret) {
    show(out, `<p class="error" role="alert">${t('予約番号 (数字) と 予約ID または 取消コードを入力してください', 'Enter the booking number and the reservation ID or cancel code')}</p>`);
    (!/^\d+$/.test(number) ? $('#fd-number') : $('#fd-secret')).setAttribute('aria-invalid', 'true');
    return;
  }
  $$('#find [aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  await busy(form, async () => {
    try {
      const b = await api('POST', `/api/bookings/${encodeURIComponent(number)}/find`, { secret });
      showCard(out, b, secret, { focus: true });
    } catch (err) { show(out, residentErrorHtml(err), true); }
  });
}

// What a resident needs to know of a counter before going: hours in words (marked when no
// seed gives them), address, and the municipality's phone.
function counterDetailsHtml(muni, counter) {
  const hours = counter.hours_ja ? t(counter.hours_ja, counter.hours_en) : '';
  const unsure = counter.hours_from_seed === false
    ? ` <span class="warn-inline">${t('(この受付時間は市区のページに記載がなく、このサイトの想定です。お出かけ前にお問い合わせください)', '(not given on the municipality\'s page: an assumption of this site; please check before you go)')}</span>` : '';
  const contact = muni.contact || {};
  const phone = contact.booking_phone || contact.phone;
  return `<p class="small">${hours ? `${t('受付時間', 'Hours')}: ${esc(hours)}${unsure}` : ''}
    ${counter.address_ja ? `<br>${t('所在地', 'Address')}: ${esc(counter.address_ja)}` : ''}
    <br><a href="#/queue/${esc(counter.id)}">${t('いまの混雑状況を見る', 'How busy it is now')}</a>
    ${phone ? `<br>${contact.booking_phone ? t('電話予約', 'Book by phone') : t('お問い合わせ', 'Enquiries')}: <a href="tel:${esc(phone.replace(/-/g, ''))}">${esc(phone)}</a>${contact.booking_phone_hours_ja && state.lang === 'ja' ? ` (${esc(contact.booking_phone_hours_ja)})` : ''}` : ''}</p>`;
}
