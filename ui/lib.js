// mynacert UI — shared helpers (an ES module; no inline script, the CSP forbids it).
// Japanese first, English on a toggle; dates as 2026-07-07 (火).
'use strict';

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

// The UI's state: the language and the staff session ({name, role, csrf}) of this tab.
export const state = {
  lang: localStorage.getItem('lang') === 'en' ? 'en' : 'ja',
  staff: null,
  today: null,      // the server's today (JST), from /api/health
  munis: null,      // /api/municipalities, loaded once
};

export const t = (ja, en) => (state.lang === 'ja' ? ja : en);
// A 23-digit 申請書ID (R-CARD-1) as typed (full-width digits, spaces, hyphens) → its digits;
// and grouped by four for reading, as the form prints it.
export const applicationDigits = (s) => String(s ?? '').replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/[\s-]/g, '');
export const groupedId = (id) => String(id ?? '').replace(/(\d{4})(?=\d)/g, '$1 ');
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

const WD_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WD_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// "2026-07-07" → "2026-07-07 (火)" (the weekday of the calendar date itself, not of a time zone).
export const day = (iso) => {
  if (!iso) return '—';
  const d = new Date(String(iso).slice(0, 10) + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return esc(iso);
  return `${String(iso).slice(0, 10)} (${(state.lang === 'ja' ? WD_JA : WD_EN)[d.getUTCDay()]})`;
};
// What residents read (core/date_text.h does the same on the server): "2027年(令和9年)2月10日(水)"
// and "Wed 10 February 2027". Eras change on their first day.
const ERA_FIRST = [['2019-05-01', '令和'], ['1989-01-08', '平成'], ['1926-12-25', '昭和'], ['1912-07-30', '大正']];
const MONTH_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const eraYear = (iso) => {
  const e = ERA_FIRST.find(([first]) => iso >= first);
  if (!e) return '';
  const n = Number(iso.slice(0, 4)) - Number(e[0].slice(0, 4)) + 1;
  return `${e[1]}${n === 1 ? '元' : n}年`;
};
export const longDay = (iso) => {
  if (!iso) return '—';
  const s = String(iso).slice(0, 10);
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return esc(iso);
  const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  if (state.lang !== 'ja') return `${WD_EN[d.getUTCDay()]} ${dd} ${MONTH_EN[m - 1]} ${y}`;
  const era = eraYear(s);
  return `${y}年${era ? `(${era})` : ''}${m}月${dd}日(${WD_JA[d.getUTCDay()]})`;
};
// The status of a certificate in the selected language (the API's status_ja is Japanese).
const STATUS_EN = {
  valid: 'Valid', renewable: 'Renewable now', expired: 'Expired', card_expired: 'Card expired',
  revoked: 'Revoked', not_eligible: 'Not eligible', not_issued: 'Not issued',
};
export const statusText = (c) => t(c.status_ja, STATUS_EN[c.status] || c.status);
export const addDays = (iso, n) => {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};
// The time in Japan now, whatever the browser's time zone: {date: "YYYY-MM-DD", minutes}.
export const nowJst = () => {
  const d = new Date(Date.now() + 9 * 3600 * 1000);
  return { date: d.toISOString().slice(0, 10), minutes: d.getUTCHours() * 60 + d.getUTCMinutes() };
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    Object.assign(this, body);
    this.status = status;
  }
}

// One JSON request. Errors throw ApiError with {status, code, field, message, rule}.
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.staff && method !== 'GET') headers['X-CSRF-Token'] = state.staff.csrf;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const j = await r.json().catch(() => ({ error: { message: `HTTP ${r.status}` } }));
  if (!r.ok) {
    if (r.status === 401 && state.staff) forgetStaff();
    throw new ApiError(r.status, j.error || { message: `HTTP ${r.status}` });
  }
  return j;
}

// The staff session: remembered for this browser only as a hint that a session cookie may
// exist (the cookie is HttpOnly), so a resident's visit never asks /api/staff/me for nothing.
export function rememberStaff(s) { state.staff = s; localStorage.setItem('staff_hint', '1'); }
export function forgetStaff() { state.staff = null; localStorage.removeItem('staff_hint'); }
export async function loadStaff() {
  if (state.staff || localStorage.getItem('staff_hint') !== '1') return state.staff;
  try { state.staff = await api('GET', '/api/staff/me'); } catch { forgetStaff(); }
  return state.staff;
}

export async function municipalities() {
  if (!state.munis) state.munis = await api('GET', '/api/municipalities');
  return state.munis;
}
export const counterName = (c) => (c ? t(c.name_ja, c.name_en || c.name_ja) : '');
export function findCounter(id) {
  for (const m of state.munis || []) for (const c of m.counters) if (c.id === id) return { muni: m, counter: c };
  return null;
}

// A refusal of the reservation rules: {code, rule, text, text_en} (docs/api.md).
export const refusalText = (r) => (r ? t(r.text ?? r.message ?? '', r.text_en ?? r.message ?? '') : '');
export const rule = (r) => (r ? ` <span class="rule">${esc(Array.isArray(r) ? r.join(' ') : r)}</span>` : '');
// An error as the API gives it: the message (Japanese with the English in parentheses), the
// field at fault and the rule ID.
export const errorHtml = (e) => `<p class="error" role="alert">${esc(e.message)}${e.field ? ` <span class="field">[${esc(e.field)}]</span>` : ''}${rule(e.rule)}</p>`;
// The API's messages are "日本語 (English)": a resident reads the selected language only, with
// no field names or rule IDs (the field is marked on the form instead).
export const oneLanguage = (message) => {
  const m = /^(.*[^\x00-\x7F].*?)\s*\(([^()]*[A-Za-z][^()]*)\)\s*$/s.exec(String(message || ''));
  if (!m) return String(message || '');
  return t(m[1], m[2].charAt(0).toUpperCase() + m[2].slice(1));
};
export const residentErrorHtml = (e) => `<p class="error" role="alert">${esc(oneLanguage(e.message))}</p>`;
// Reasons {rule, ja|text, en|text_en} as a list, each with its rule ID first.
export const reasonsHtml = (list, cls = '') => (list && list.length
  ? `<ul class="reasons ${cls}">${list.map((r) => `<li><span class="rule">[${esc(r.rule)}]</span> ${esc(t(r.ja ?? r.text, r.en ?? r.text_en))}</li>`).join('')}</ul>`
  : '');

// Puts html into a live region and moves focus there when asked (results after a submit).
export function show(el, html, focus = false) {
  el.innerHTML = html;
  if (focus) {
    el.setAttribute('tabindex', '-1');
    el.focus();
  }
}

// Disables a form's submit button while its request runs.
export async function busy(form, fn) {
  const buttons = $$('button', form);
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try { return await fn(); } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}

export const table = (head, rows, cls = '') => `<div class="scroll" tabindex="0"><table class="${cls}"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
