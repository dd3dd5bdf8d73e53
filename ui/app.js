// mynacert UI: plain JavaScript over the JSON API (docs/api.md). No inline script (the CSP
// forbids it); Japanese first, English on a toggle; dates as 2026-07-07 (火).
'use strict';
const $ = (sel, root = document) => root.querySelector(sel);
let lang = localStorage.getItem('lang') || 'ja';
let staff = null;  // {name, role, csrf}
const WD = ['日', '月', '火', '水', '木', '金', '土'];
const t = (ja, en) => (lang === 'ja' ? ja : en);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const day = (iso) => {
  if (!iso) return '—';
  const d = new Date(iso + 'T00:00:00Z');
  return `${iso} (${WD[d.getUTCDay()]})`;
};

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (staff && method !== 'GET') headers['X-CSRF-Token'] = staff.csrf;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const j = await r.json().catch(() => ({ error: { message: `HTTP ${r.status}` } }));
  if (!r.ok) throw j.error || { message: `HTTP ${r.status}` };
  return j;
}
const errorHtml = (e) => `<p class="error" role="alert">${esc(e.message)}${e.field ? ` <span class="rule">[${esc(e.field)}]</span>` : ''}${e.rule ? ` <span class="rule">${esc(e.rule)}</span>` : ''}</p>`;
const reasons = (list) => `<ul>${(list || []).map((r) => `<li><span class="rule">[${esc(r.rule)}]</span> ${esc(lang === 'ja' ? r.text : r.text_en)}</li>`).join('')}</ul>`;

function translateStatic() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-ja]').forEach((el) => { el.textContent = lang === 'ja' ? el.dataset.ja : el.dataset.en; });
  $('#lang').textContent = lang === 'ja' ? 'English' : '日本語';
}

async function banner() {
  const h = await api('GET', '/api/health');
  $('#today').textContent = t(`今日: ${day(h.today)}`, `Today: ${day(h.today)}`);
}

// ---- residents ----
async function residentPage() {
  const munis = await api('GET', '/api/municipalities');
  $('#main').innerHTML = `
  <section>
    <h2>${t('有効期限と更新の確認', 'Check your expiry dates')}</h2>
    <form id="explain">
      <label>${t('市区町村', 'Municipality')}<select name="municipality">${munis.map((m) => `<option value="${esc(m.id)}">${esc(t(m.name_ja, m.name_en))}</option>`).join('')}</select></label>
      <label>${t('生年月日', 'Birth date')}<input name="birth" type="date" required></label>
      <label>${t('カードの発行日', 'Card issue date')}<input name="card_issued" type="date" required></label>
      <label>${t('手続きに来る人', 'Who comes')}<select name="applicant">
        <option value="self">${t('本人', 'The holder')}</option>
        <option value="agent_with_form">${t('代理人 (照会書兼回答書あり)', 'An agent with the inquiry form')}</option>
        <option value="agent_without_form">${t('代理人 (照会書なし)', 'An agent without the form')}</option>
        <option value="legal_rep_parent">${t('親権者', 'A parent')}</option>
        <option value="legal_rep_guardian">${t('成年後見人', 'A guardian')}</option></select></label>
      <button class="primary" type="submit">${t('確認する', 'Check')}</button>
    </form>
    <div id="answer" aria-live="polite"></div>
  </section>`;
  $('#explain').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const q = new URLSearchParams({ municipality: f.get('municipality'), birth: f.get('birth'), card_issued: f.get('card_issued') });
    try {
      const e = await api('GET', `/api/explain?${q}`);
      const age = new Date().getFullYear() - Number(String(f.get('birth')).slice(0, 4));
      const p = await api('GET', `/api/procedure?${new URLSearchParams({ municipality: f.get('municipality'), applicant: f.get('applicant'), holder_age: String(Math.max(0, age)) })}`);
      const cert = (c, ja, en) => `<tr><th>${t(ja, en)}</th><td>${day(c.expires)}</td><td><span class="status ${esc(c.status)}">${esc(t(c.status_ja, c.status))}</span></td><td>${day(c.renewal_from)}</td></tr>`;
      $('#answer').innerHTML = `
        <table><thead><tr><th></th><th>${t('有効期限', 'Expires')}</th><th>${t('状態', 'Status')}</th><th>${t('無料更新の開始', 'Free renewal from')}</th></tr></thead><tbody>
        <tr><th>${t('カード', 'Card')}</th><td>${day(e.card.expires)}</td><td></td><td></td></tr>
        ${cert(e.certificates.auth, '利用者証明用電子証明書', 'Authentication certificate')}
        ${cert(e.certificates.sign, '署名用電子証明書', 'Signature certificate')}</tbody></table>
        ${reasons(e.reasons)}
        <h3>${t('持ち物と来庁回数', 'What to bring, how many visits')}</h3>
        ${p.possible ? p.visits.map((v) => `<h4>${t(`${v.number}回目`, `Visit ${v.number}`)}</h4><ul>${v.documents.map((d) => `<li>${esc(t(d.text, d.text_en))} <span class="rule">${esc((d.rules || []).join(' '))}</span></li>`).join('')}</ul>`).join('') : reasons(p.refusals)}
        <h3>${t('窓口', 'Counters')}</h3><ul>${p.counters.map((c) => `<li>${esc(t(c.name_ja, c.name_en))}</li>`).join('')}</ul>`;
    } catch (err) {
      $('#answer').innerHTML = errorHtml(err);
    }
  });
}

// ---- staff ----
async function staffPage() {
  if (!staff) {
    try { staff = await api('GET', '/api/staff/me'); } catch { staff = null; }
  }
  if (!staff) {
    $('#main').innerHTML = `<section><h2>${t('職員ログイン', 'Staff login')}</h2>
      <form id="login"><label>${t('職員名', 'Name')}<input name="name" autocomplete="username" required></label>
      <label>${t('パスワード', 'Password')}<input name="password" type="password" autocomplete="current-password" required></label>
      <button class="primary" type="submit">${t('ログイン', 'Log in')}</button></form><div id="msg"></div></section>`;
    $('#login').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      try {
        staff = await api('POST', '/api/staff/login', { name: f.get('name'), password: f.get('password') });
        staffPage();
      } catch (err) { $('#msg').innerHTML = errorHtml(err); }
    });
    return;
  }
  $('#main').innerHTML = `<section><h2>${t('住民の検索', 'Find a resident')} <small>${esc(staff.name)} (${esc(staff.role)})</small></h2>
    <form id="search"><label>${t('氏名・カナ・番号', 'Name, kana or number')}<input name="q"></label><button class="primary" type="submit">${t('検索', 'Search')}</button></form>
    <div id="results"></div></section><div id="detail"></div>`;
  $('#search').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const list = await api('GET', `/api/residents?q=${encodeURIComponent(new FormData(ev.target).get('q'))}`);
      $('#results').innerHTML = `<table>${list.map((r) => `<tr><td>${r.id}</td><td><a href="#/staff/resident/${r.id}">${esc(r.name)}</a></td><td>${day(r.birth)}</td><td>${esc(r.municipality)}</td></tr>`).join('')}</table>`;
    } catch (err) { $('#results').innerHTML = errorHtml(err); }
  });
}

async function residentDetail(id) {
  if (!staff) return staffPage();
  await staffPage();
  try {
    const r = await api('GET', `/api/residents/${id}`);
    $('#detail').innerHTML = `<section><h2>${esc(r.name)} <small>${esc(r.name_kana)}</small></h2>
      <p>${esc(r.address)} — ${day(r.birth)}</p>
      ${r.today ? `<p>${t('利用者証明用', 'Auth')}: <span class="status ${esc(r.today.auth)}">${esc(t(r.today.auth_ja, r.today.auth))}</span>
        ${t('署名用', 'Sign')}: <span class="status ${esc(r.today.sign)}">${esc(t(r.today.sign_ja, r.today.sign))}</span>
        ${t('更新開始', 'Renewal from')} ${day(r.today.renewal_from)}</p>` : ''}
      <table><tr><th>${t('種類', 'Kind')}</th><th>${t('シリアル', 'Serial')}</th><th>${t('発行', 'Issued')}</th><th>${t('最終日', 'Last day')}</th><th>${t('状態', 'State')}</th></tr>
      ${r.certificates.map((c) => `<tr><td>${esc(c.kind)}</td><td class="rule">${esc(c.serial)}</td><td>${day(c.issued)}</td><td>${day(c.last_valid_day)}</td><td>${esc(c.state)} ${esc(c.reason)}</td></tr>`).join('')}</table></section>`;
  } catch (err) { $('#detail').innerHTML = errorHtml(err); }
}

async function route() {
  translateStatic();
  const h = location.hash || '#/';
  try {
    await banner();
    const m = h.match(/^#\/staff\/resident\/(\d+)$/);
    if (m) await residentDetail(m[1]);
    else if (h.startsWith('#/staff')) await staffPage();
    else await residentPage();
  } catch (err) { $('#main').innerHTML = errorHtml(err); }
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', () => {
  $('#lang').addEventListener('click', () => { lang = lang === 'ja' ? 'en' : 'ja'; localStorage.setItem('lang', lang); route(); });
  route();
});
