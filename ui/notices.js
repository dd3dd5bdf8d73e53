// mynacert UI — expiry notices (R-NOT; docs/notices.md): supervisors run the day's batch, staff
// see what the day's runs produced, open the print files and CSVs, and the 転送不要 list of
// holders whose notice was not mailed because a forwarding request is on file (R-NOT-2).
import { $, state, t, esc, day, api, errorHtml, rule, show, busy, municipalities, table } from './lib.js';
import { staffFrame } from './staff.js';

const KIND = { jlis: ['J-LIS 通知書', 'J-LIS notice'], city: ['市の予約ID通知書', "city's notice"] };
const kindLabel = (k) => esc(KIND[k] ? t(...KIND[k]) : k);
const fileUrl = (date, name) => `/api/notices/files/${encodeURIComponent(date)}/${encodeURIComponent(name)}`;

export async function noticesPage(main) {
  if (!(await staffFrame(main, 'notices'))) return;
  const supervisor = state.staff.role === 'supervisor';
  const date = sessionStorage.getItem('notices_date') || state.today || '';
  $('#staff-body').innerHTML = `<section aria-labelledby="h-notices"><h2 id="h-notices" tabindex="-1">${t('有効期限通知', 'Expiry notices')}</h2>
    <form id="notices-form">
      <label>${t('実行日', 'Run date')}<input type="date" id="nt-date" value="${esc(date)}" required></label>
      <button type="submit">${t('一覧を表示', 'Show the list')}</button>
      ${supervisor ? `<label class="check"><input type="checkbox" id="nt-nopdf"> ${t('PDF を作らない (記録と CSV のみ)', 'no PDF (records and CSV only)')}</label>
      <button type="button" class="primary" id="nt-run">${t('この日のバッチを実行', "Run the day's batch")}</button>` : `<p class="hint">${t('バッチの実行は監督者のみです。', 'Only supervisors run the batch.')}</p>`}
    </form>
    <div id="nt-report" aria-live="polite"></div>
    <div id="nt-list" aria-live="polite"></div></section>`;
  $('#notices-form').addEventListener('submit', (ev) => { ev.preventDefault(); list(); });
  if (supervisor) $('#nt-run').addEventListener('click', () => run());
  list();
}

async function run() {
  const date = $('#nt-date').value;
  const form = $('#notices-form');
  await busy(form, async () => {
    show($('#nt-report'), `<p>${t('実行中…', 'Running…')}</p>`);
    try {
      const body = {};
      if (date) body.date = date;
      if ($('#nt-nopdf').checked) body.pdf = false;
      const r = await api('POST', '/api/notices/run', body);
      const runDate = r.date || r.run_date || date;
      const n = (x) => (Array.isArray(x) ? x.length : Number(x || 0));
      const mailed = r.mailed && typeof r.mailed === 'object' ? r.mailed : { city: r.mailed_city, jlis: r.mailed_jlis };
      show($('#nt-report'), `<div class="report" id="nt-run-report"><h3>${t('実行結果', 'Run report')}: ${esc(r.batch || r.batch_id)} — ${day(runDate)}${r.resumed ? ` <span class="tag">${t('再開', 'resumed')}</span>` : ''}</h3>
        <dl class="counts">
          <dt>${t('市の通知 (予約ID通知書) 郵送', "city notices mailed")}${rule('R-NOT-3')}</dt><dd id="nt-mailed-city">${n(mailed.city)}</dd>
          <dt>${t('J-LIS 有効期限通知書 郵送', 'J-LIS notices mailed')}${rule('R-NOT-1')}</dt><dd id="nt-mailed-jlis">${n(mailed.jlis)}</dd>
          <dt>${t('カードの有効期限通知書 (交付申請書つき) 郵送', 'card-expiry notices mailed (with the application form)')}${rule('R-CARD-1')}</dt><dd id="nt-mailed-card">${n(mailed.card)}</dd>
          <dt>${t('転送不要のため郵送せず', 'not mailed (forwarding request)')}${rule('R-NOT-2')}</dt><dd id="nt-undeliverable">${n(r.undeliverable)}</dd>
          <dt>${t('送付済みのため省略', 'already sent')}</dt><dd>${n(r.already_sent)}</dd>
          <dt>${t('市の通知待ち (J-LIS)', 'J-LIS waiting for the city')}${rule('R-NOT-3')}</dt><dd>${n(r.waiting_for_city)}</dd>
        </dl>
        ${r.problems && r.problems.length ? `<h4>${t('問題', 'Problems')}</h4><ul class="bad">${r.problems.map((p) => `<li>${esc(typeof p === 'string' ? p : (p.message || JSON.stringify(p)))}</li>`).join('')}</ul>` : ''}
        ${filesHtml(runDate, r.files)}</div>`, true);
      $('#nt-date').value = runDate;
      await list();
    } catch (err) { show($('#nt-report'), errorHtml(err), true); }
  });
}

const filesHtml = (date, files) => (files && files.length
  ? `<h4>${t('ファイル', 'Files')}</h4><ul class="files">${files.map((f) => `<li><a href="${fileUrl(date, f)}" target="_blank" rel="noopener" data-file="${esc(f)}">${esc(f)}</a> <small>${/\.pdf$/i.test(f) ? t('印刷用 PDF', 'print file (PDF)') : /^undeliverable/.test(f) ? t('転送不要一覧 CSV', 'undeliverable list (CSV)') : t('郵送業者 CSV', "mail vendor's CSV")}</small></li>`).join('')}</ul>`
  : '');

async function list() {
  const date = $('#nt-date').value;
  if (!date) return;
  sessionStorage.setItem('notices_date', date);
  try {
    const [res, munis] = await Promise.all([api('GET', `/api/notices?${new URLSearchParams({ date })}`), municipalities()]);
    const mname = (id) => { const m = munis.find((x) => x.id === id); return m ? t(m.name_ja, m.name_en) : id; };
    const notices = res.notices || [];
    const mailed = notices.filter((x) => x.outcome !== 'undeliverable');
    const undeliverable = notices.filter((x) => x.outcome === 'undeliverable');
    const letterLink = (x) => (x.file_name || x.file ? `<a href="${fileUrl(x.run_date || res.date || date, x.file_name || x.file)}${x.first_page ? `#page=${Number(x.first_page)}` : ''}" target="_blank" rel="noopener" data-letter="${esc(x.letter_id)}">${esc(x.letter_id)}</a>` : esc(x.letter_id));
    const row = (x, withFile) => `<tr><td class="mono nowrap">${withFile ? letterLink(x) : esc(x.letter_id)}</td><td>${kindLabel(x.kind)}</td><td><a href="#/staff/resident/${esc(x.resident)}">${esc(x.postal_name)}</a></td><td>${esc(x.address)}</td><td>${esc(mname(x.municipality))}</td><td>${day(x.cert_expiry)}</td><td class="mono nowrap">${esc(x.reservation_id || '')}</td>${withFile ? `<td class="nowrap">${x.pages ? `${t('', 'p. ')}${x.first_page}–${x.first_page + x.pages - 1}${t(' ページ', '')}` : ''}</td>` : ''}</tr>`;
    const head = [t('通知 ID', 'Letter'), t('種類', 'Kind'), t('宛名', 'Name'), t('住所', 'Address'), t('市区町村', 'Municipality'), t('証明書の有効期限', 'Cert expiry'), t('予約ID', 'Reservation ID')];
    show($('#nt-list'), `<h3>${day(res.date || date)} — ${t(`通知 ${notices.length} 件`, `${notices.length} notices`)}</h3>
      ${filesHtml(res.date || date, res.files)}
      <h3 id="h-undeliverable">${t('転送不要のため郵送されなかった通知', 'Not mailed: forwarding request on file (転送不要)')}${rule('R-NOT-2')}</h3>
      ${undeliverable.length ? `<p class="hint">${t('転送届が出ている方には通知が届きません。来庁や電話があった場合に案内してください (予約IDは記録されています)。', 'These holders will not receive the notice. Help them when they call or come (the reservation ID is on record).')}</p>${table(head, undeliverable.map((x) => row(x, false)), 'undeliverable')}` : `<p>${t('なし', 'none')}</p>`}
      <h3>${t('郵送した通知', 'Mailed')}</h3>
      ${mailed.length ? table([...head, t('印刷ファイル', 'Print file')], mailed.map((x) => row(x, true)), 'mailed') : `<p>${t('なし', 'none')}</p>`}`);
  } catch (err) { show($('#nt-list'), errorHtml(err)); }
}
