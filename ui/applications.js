// mynacert UI — the card's own renewal for staff (R-CARD-1..3; docs/api.md card applications):
// the applications by state, from the 交付申請書 J-LIS mailed to the new card handed over.
// noticed → applied (online by the holder, or by post / at the counter entered here, with or
// without a face-authentication card, R-FACE-1) → produced (a new chip) → notified (the
// 交付通知書 mailed) → picked_up (the counter's card_pickup case); cancelled by staff with a
// reason. Route: #/staff/applications[/STATE].
import { $, $$, state, t, esc, day, api, errorHtml, rule, show, busy, groupedId, applicationDigits } from './lib.js';
import { staffFrame, APP_STATE, APP_CHANNEL } from './staff.js';

const STATES = ['noticed', 'applied', 'produced', 'notified', 'picked_up', 'cancelled'];
const label = (map, k) => esc(map[k] ? t(...map[k]) : k);
// A short name for each state, for the tabs.
const TITLE = {
  noticed: ['申請待ち (交付申請書を送付済み)', 'Awaiting the holder\'s application'], applied: ['申請済み (製造待ち)', 'Applied, to be made'],
  produced: ['製造済み (交付通知書の送付待ち)', 'Made, pick-up notice to send'], notified: ['交付通知書を送付済み (受け取り待ち)', 'Pick-up notice sent, to be collected'],
  picked_up: ['交付済み', 'Handed over'], cancelled: ['取消', 'Cancelled'],
};
const TAB = {
  noticed: ['申請待ち', 'Awaiting'], applied: ['申請済み', 'Applied'], produced: ['製造済み', 'Made'],
  notified: ['通知済み', 'Notified'], picked_up: ['交付済み', 'Handed over'], cancelled: ['取消', 'Cancelled'],
};

export async function applicationsPage(main, which) {
  if (!(await staffFrame(main, 'applications'))) return;
  if (state.staff.role === 'hotline') { location.hash = '#/staff/hotline'; return; }
  const current = STATES.includes(which) ? which : 'applied';
  $('#staff-body').innerHTML = `<section aria-labelledby="h-apps"><h2 id="h-apps" tabindex="-1">${t('カードの交付申請', 'Card applications')}${rule('R-CARD-1')}</h2>
    <p class="hint">${t('カードの有効期限の通知とともに届く交付申請書 (申請書ID 23桁) から、新しいカードを渡すまで。郵送・窓口での申請はここで受け付けます。', 'From the application form mailed with the card-expiry notice (a 23-digit ID) to the new card handed over. Applications by post or at the counter are entered here.')}</p>
    <nav class="tabs" aria-label="${t('申請の状態', 'Application state')}">${STATES.map((s) => `<a href="#/staff/applications/${s}"${s === current ? ' aria-current="page"' : ''} data-state="${s}">${esc(t(...TAB[s]))}</a>`).join('')}</nav>
    <form id="app-find">
      <label>${t('申請書IDで探す', 'Find by application ID')}<input id="app-find-id" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="40" required></label>
      <button type="submit">${t('探す', 'Find')}</button>
    </form>
    <div id="app-found" aria-live="polite"></div>
    <h3 id="h-app-list">${esc(TITLE[current] ? t(...TITLE[current]) : current)} <small id="app-count"></small></h3>
    <div id="app-list" aria-live="polite"><p>${t('読み込み中…', 'Loading…')}</p></div></section>`;
  const names = new Map();
  const residentName = async (id) => {
    if (!names.has(id)) names.set(id, api('GET', `/api/residents/${encodeURIComponent(id)}`).then((r) => r.name).catch(() => ''));
    return names.get(id);
  };
  const render = async (list, where, emptyText) => {
    await Promise.all(list.map((a) => residentName(a.resident)));
    const rows = await Promise.all(list.map(async (a) => applicationHtml(a, await residentName(a.resident))));
    where.innerHTML = list.length ? `<ul class="apps">${rows.join('')}</ul>` : `<p>${emptyText}</p>`;
    wire(where);
  };
  const load = async () => {
    try {
      const r = await api('GET', `/api/card-applications?state=${encodeURIComponent(current)}`);
      const list = (r.applications || []).sort((x, y) => String(x.card_expiry).localeCompare(String(y.card_expiry)) || String(x.id).localeCompare(String(y.id)));
      $('#app-count').textContent = t(`${list.length} 件`, `(${list.length})`);
      await render(list, $('#app-list'), t('この状態の申請はありません', 'No application in this state'));
    } catch (err) { show($('#app-list'), errorHtml(err)); }
  };
  // Every action answers the application as it now is; the list is read again (it may have
  // left this state).
  const act = async (form, path, body, what) => {
    const out = $('.app-result', form.closest('li'));
    await busy(form, async () => {
      try {
        const a = await api('POST', path, body);
        const where = form.closest('#app-found') ? $('#app-found') : null;
        await load();
        const msg = `<p class="ok" role="status">${esc(what)}: <span class="mono nowrap">${esc(groupedId(a.id))}</span> — ${label(APP_STATE, a.state)}</p>`;
        if (where) await render([a], where, '');
        show($('#app-status'), msg, false);
      } catch (err) { show(out, errorHtml(err), true); }
    });
  };
  const wire = (root) => {
    $$('form[data-act]', root).forEach((form) => form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const id = form.dataset.id;
      const base = `/api/card-applications/${encodeURIComponent(id)}`;
      const v = (name) => form.elements[name];
      switch (form.dataset.act) {
        case 'apply':
          act(form, `${base}/apply`, { channel: v('channel').value, face: v('face').checked }, t('申請を受け付けました', 'Application entered'));
          break;
        case 'produce':
          act(form, `${base}/produce`, {}, t('カードを製造しました', 'Card made'));
          break;
        case 'booking': {
          const n = Number(String(v('booking').value).trim());
          if (!Number.isInteger(n) || n <= 0) {
            show($('.app-result', form.closest('li')), `<p class="error" role="alert">${t('予約番号を数字で入れてください', 'Enter the booking number in digits')}</p>`, true);
            return;
          }
          act(form, `${base}/booking`, { booking: n }, t('受け取りの予約を記録しました', 'Pick-up booking recorded'));
          break;
        }
        case 'cancel': {
          const reason = String(v('reason').value).trim();
          const box = v('reason').closest('.cancel-box');
          if (box.hidden) {  // the first click asks for the reason
            box.hidden = false;
            v('reason').focus();
            form.querySelector('button').textContent = t('理由を入れて取り消す (確認)', 'Cancel with this reason (confirm)');
            return;
          }
          if (!reason) { v('reason').setAttribute('aria-invalid', 'true'); v('reason').focus(); return; }
          act(form, `${base}/cancel`, { reason }, t('申請を取り消しました', 'Application cancelled'));
          break;
        }
        default:
      }
    }));
  };
  $('#app-find').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const id = applicationDigits($('#app-find-id').value);
    if (!/^\d{23}$/.test(id)) {
      show($('#app-found'), `<p class="error" role="alert">${t('申請書ID は23桁の数字です', 'The application ID has 23 digits')}</p>`, true);
      return;
    }
    try {
      const a = await api('GET', `/api/card-applications/${encodeURIComponent(id)}`);
      await render([a], $('#app-found'), '');
      $('#app-found').setAttribute('tabindex', '-1');
      $('#app-found').focus();
    } catch (err) { show($('#app-found'), errorHtml(err), true); }
  });
  $('#h-app-list').insertAdjacentHTML('beforebegin', '<div id="app-status" aria-live="polite"></div>');
  await load();
}

// One application: what it is, then what can be done with it now.
function applicationHtml(a, name) {
  const id = esc(a.id);
  const open = !['picked_up', 'cancelled'].includes(a.state);
  const facts = [
    [t('住民', 'Resident'), `<a href="#/staff/resident/${esc(a.resident)}">${esc(name || `#${a.resident}`)}</a> <small>(${esc(a.resident)})</small>`],
    [t('今のカードの有効期限', 'Current card expires'), day(a.card_expiry)],
    [t('申請', 'Applied'), a.applied_on ? `${day(a.applied_on)} — ${label(APP_CHANNEL, a.channel)}` : '—'],
    [t('カードの種類', 'Card type'), a.face ? `<strong>${t('顔認証マイナンバーカード', 'face-authentication card')}</strong>` : t('暗証番号のカード', 'PIN card')],
  ];
  if (a.produced_on) facts.push([t('製造', 'Made'), `${day(a.produced_on)}${a.new_card_expiry ? ` — ${t('新しいカードの有効期限', 'new card expires')} ${day(a.new_card_expiry)}` : ''}`]);
  if (a.notified_on) facts.push([t('交付通知書', 'Pick-up notice'), day(a.notified_on)]);
  if (a.pickup_booking) facts.push([t('受け取りの予約', 'Pick-up booking'), `${t('予約番号', 'No.')} ${esc(a.pickup_booking)}`]);
  if (a.picked_up_on) facts.push([t('交付', 'Handed over'), `${day(a.picked_up_on)}${a.case ? ` — <a href="#/staff/case/${esc(a.case)}">${t('案件', 'Case')} ${esc(a.case)}</a>` : ''}`]);
  const actions = [];
  if (a.state === 'noticed') {
    actions.push(`<form data-act="apply" data-id="${id}" class="app-act">
      <label>${t('申請の方法', 'How it came')}<select name="channel"><option value="post">${t('郵送 (写真を貼付)', 'by post')}</option><option value="counter">${t('窓口 (写真をその場で撮影)', 'at the counter')}</option></select></label>
      <label class="check"><input type="checkbox" name="face"> ${t('顔認証マイナンバーカードを希望', 'face-authentication card')}</label>
      <button class="primary" type="submit">${t('申請を受け付ける', 'Enter the application')}</button></form>`);
  }
  if (a.state === 'applied') {
    actions.push(`<form data-act="produce" data-id="${id}" class="app-act"><button class="primary" type="submit">${t('カードを製造する', 'Make the card')}</button></form>`);
  }
  if (a.state === 'produced' || a.state === 'notified') {
    actions.push(`<a class="button pickup" href="#/staff/resident/${esc(a.resident)}/pickup/${id}" data-pickup="${id}">${t('交付の受付 (案件を開く)', 'Hand it over (open a case)')}</a>`);
    actions.push(`<form data-act="booking" data-id="${id}" class="app-act">
      <label>${t('受け取りの予約番号', 'Pick-up booking number')}<input name="booking" inputmode="numeric" autocomplete="off" maxlength="12" required value="${esc(a.pickup_booking || '')}"></label>
      <button type="submit">${t('予約を記録', 'Record the booking')}</button></form>`);
  }
  if (open) {
    actions.push(`<form data-act="cancel" data-id="${id}" class="app-act cancel">
      <div class="cancel-box" hidden><label>${t('取消の理由 (転出・死亡・再申請など)', 'Reason (moved away, died, applied again…)')}<input name="reason" maxlength="500" autocomplete="off"></label></div>
      <button type="submit" class="danger">${t('申請を取り消す', 'Cancel the application')}</button></form>`);
  }
  return `<li class="app" data-id="${id}" data-state="${esc(a.state)}">
    <p class="app-head"><span class="sr">${t('申請書ID', 'Application ID')} </span><span class="mono app-id">${esc(groupedId(a.id))}</span> <span class="status ${esc(a.state)}">${label(APP_STATE, a.state)}</span></p>
    <dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
    ${actions.length ? `<div class="app-actions">${actions.join('')}</div>` : ''}
    <div class="app-result" aria-live="polite"></div></li>`;
}
