// mynacert UI: plain JavaScript modules over the JSON API (docs/api.md). No inline script (the
// CSP forbids it); Japanese first, English on a toggle; dates as 2026-07-07 (火).
//   #/                      residents: expiry dates, procedure, booking, cancelling
//   #/staff                 staff: login, resident search
//   #/staff/resident/ID     a resident, the certificate copy, opening a case
//   #/staff/resident/ID/pickup/APPLICATION   the same, the form on a new card's pick-up (R-CARD-2)
//   #/staff/case/ID         a case: documents, decision, execution with PINs
//   #/staff/bookings        the bookings of a counter and day
//   #/staff/notices         expiry notices: the day's batch, letters, 転送不要 list
//   #/staff/queue           tickets (整理券): issue, call the next number
//   #/staff/hotline         the loss hotline (R-LOST-1): hold a lost card's certificates
//   #/staff/applications[/STATE]  card applications (R-CARD-1..3): apply, produce, book, cancel
//   #/staff/verifiers       registered verifiers (R-VER-1): register, the API key once, revoke
//   #/queue[/COUNTER[/N]]   how busy a counter is, live (R-OFF-3); N: the resident's ticket
//   #/certificate           a lost card, a certificate's status, what the card itself does
//   #/apply/ID              the card application form's QR code: apply online (R-CARD-1, R-FACE-1)
import { $, state, t, day, api, errorHtml } from './lib.js';
import { residentPage } from './resident.js';
import { searchPage, residentDetail, casePage, bookingsPage } from './staff.js';
import { noticesPage } from './notices.js';
import { queuePage, staffQueuePage, stopQueue } from './queue.js';
import { hotlinePage } from './hotline.js';
import { holderPage } from './holder.js';
import { applicationsPage } from './applications.js';
import { applyPage } from './apply.js';
import { verifiersPage } from './verifiers.js';

function translateStatic() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll('[data-ja]').forEach((el) => { el.textContent = state.lang === 'ja' ? el.dataset.ja : el.dataset.en; });
  $('#lang').textContent = state.lang === 'ja' ? 'English' : '日本語';
  $('#lang').setAttribute('lang', state.lang === 'ja' ? 'en' : 'ja');
}

async function banner() {
  const h = await api('GET', '/api/health');
  state.today = h.today;
  state.mail = Boolean(h.mail);  // the deployment sends booking e-mails (serve --smtp-url)
  $('#today').textContent = t(`今日: ${day(h.today)}`, `Today: ${day(h.today)}`);
}

let first = true;
async function route() {
  translateStatic();
  const h = location.hash || '#/';
  const main = $('#main');
  main.setAttribute('aria-busy', 'true');
  document.querySelectorAll('header nav a').forEach((a) => {
    const here = a.getAttribute('href') === '#/staff' ? h.startsWith('#/staff') : !h.startsWith('#/staff');
    if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  stopQueue();  // a live page's event stream ends with the page
  try {
    await banner();
    let m;
    if ((m = h.match(/^#\/staff\/resident\/(\d+)(?:\/pickup\/(\d{23}))?$/))) await residentDetail(main, m[1], m[2]);
    else if ((m = h.match(/^#\/staff\/case\/(\d+)$/))) await casePage(main, m[1]);
    else if (h === '#/staff/bookings') await bookingsPage(main);
    else if (h === '#/staff/notices') await noticesPage(main);
    else if (h === '#/staff/queue') await staffQueuePage(main);
    else if (h === '#/staff/hotline') await hotlinePage(main);
    else if (h === '#/staff/verifiers') await verifiersPage(main);
    else if ((m = h.match(/^#\/staff\/applications(?:\/([a-z_]+))?$/))) await applicationsPage(main, m[1]);
    else if ((m = h.match(/^#\/queue(?:\/([a-z0-9-]+)(?:\/(\d{1,6}))?)?$/))) await queuePage(main, m[1], m[2]);
    else if (h.startsWith('#/staff')) await searchPage(main);
    else if (h === '#/certificate') holderPage(main);
    else if ((m = h.match(/^#\/apply(?:\/([^/]*))?$/))) applyPage(main, m[1] || '');
    else await residentPage(main);
  } catch (err) {
    main.innerHTML = errorHtml(err);
  } finally {
    main.removeAttribute('aria-busy');
  }
  // Focus the page's heading after a navigation (not on the first load), for screen readers
  // and keyboards.
  if (!first) (main.querySelector('h2[tabindex="-1"]') || main).focus();
  first = false;
  document.title = `${main.querySelector('h2')?.textContent || ''} — mynacert`;
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', () => {
  $('#lang').addEventListener('click', () => {
    state.lang = state.lang === 'ja' ? 'en' : 'ja';
    localStorage.setItem('lang', state.lang);
    $('#main').innerHTML = '';
    route();
  });
  route();
});
