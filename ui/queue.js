// mynacert UI — live congestion at a counter (R-OFF-3, seed 001: 混雑状況): the public page
// (#/queue/<counter>[/<ticket>]) shows the number being served, the people waiting and the
// expected wait, kept up to date by server-sent events (GET /api/queue/{counter}/events); a
// ticket's QR code opens it with the ticket's number. Staff issue and call the tickets
// (#/staff/queue). docs/api.md, docs/reservations.md.
import { $, state, t, esc, longDay, api, residentErrorHtml, errorHtml, show, busy, municipalities, counterName, findCounter } from './lib.js';
import { staffFrame } from './staff.js';

let source = null;  // the open EventSource, closed on every navigation
export function stopQueue() {
  if (source) source.close();
  source = null;
}

const waitText = (q) => (q.waiting === 0 ? t('なし', 'none')
  : t(`約 ${q.wait_minutes} 分`, `about ${q.wait_minutes} min`));

function stateHtml(q, ticket, live = true) {
  const mine = ticket ? Number(ticket) : 0;
  let yours = '';
  if (mine) {
    const ahead = Math.max(0, mine - q.serving - 1);
    yours = `<p class="your-ticket" id="q-yours">${mine <= q.serving
      ? t(`あなたの番号 ${mine} はお呼びしました。窓口へお越しください。`, `Your number ${mine} has been called: please go to the counter.`)
      : t(`あなたの番号は ${mine} です。前に ${ahead} 人います。`, `Your number is ${mine}. ${ahead} ahead of you.`)}</p>`;
  }
  const how = q.measured
    ? t(`今日の実績 (1人 約${q.service_minutes}分、窓口 ${q.windows}) から`, `from today's service times (about ${q.service_minutes} min each, ${q.windows} window(s))`)
    : t('1人約10分 (所要時間の目安) から', 'from about 10 minutes each (the usual time)');
  const closed = !q.open
    ? `<p class="notice">${t('ただいま受付時間外です。', 'The counter is closed now.')} ${q.hours ? t(`本日の受付: ${esc(q.hours)}`, `Today: ${esc(q.hours)}`) : t('本日は閉庁日です。', 'Closed today.')}${q.hours_from_seed === false ? t(' (受付時間は市区のページに記載がありません)', ' (hours not given by the municipality)') : ''}</p>
       ${q.note_ja ? `<p class="hint">${esc(q.note_ja)}</p>` : ''}`
    : '';
  return `${closed}<div class="queue-board">
      <div><span class="label">${t('ただいまの番号', 'Now serving')}</span><span class="num" id="q-serving">${q.serving || '—'}</span></div>
      <div><span class="label">${t('お待ちの方', 'Waiting')}</span><span class="num" id="q-waiting">${q.waiting}</span></div>
      <div><span class="label">${t('待ち時間の目安', 'Expected wait')}</span><span class="num small-num" id="q-wait">${waitText(q)}</span></div>
    </div>${yours}
    <p class="hint">${t('待ち時間は', 'The wait is estimated ')}${how}${t('の目安です。', '.')} ${live ? t('この画面は自動で更新されます。', 'This page updates by itself.') : ''}</p>`;
}

export async function queuePage(main, counterId, ticket) {
  stopQueue();
  const munis = await municipalities();
  if (!counterId) {
    main.innerHTML = `<section aria-labelledby="h-queue"><h2 id="h-queue" tabindex="-1">${t('窓口の混雑状況', 'How busy the counters are')}</h2>
      <ul>${munis.map((m) => m.counters.map((c) => `<li><a href="#/queue/${esc(c.id)}">${esc(t(m.name_ja, m.name_en))} — ${esc(counterName(c))}</a></li>`).join('')).join('')}</ul></section>`;
    return;
  }
  const found = findCounter(counterId);
  main.innerHTML = `<section aria-labelledby="h-queue"><h2 id="h-queue" tabindex="-1">${t('混雑状況', 'How busy it is')}: ${esc(found ? counterName(found.counter) : counterId)}</h2>
    <div id="q-state" aria-live="polite"><p>${t('読み込み中…', 'Loading…')}</p></div>
    <p><a href="#/">${t('住民の方のページへ', 'Back to the residents\' page')}</a></p></section>`;
  try {
    const q = await api('GET', `/api/queue/${encodeURIComponent(counterId)}`);
    show($('#q-state'), stateHtml(q, ticket));
  } catch (err) { show($('#q-state'), residentErrorHtml(err)); return; }
  // Live: each event carries the whole state; the browser reconnects by itself.
  source = new EventSource(`/api/queue/${encodeURIComponent(counterId)}/events`);
  let version = -1;
  source.addEventListener('queue', (ev) => {
    const q = JSON.parse(ev.data);
    if (q.version === version || !$('#q-state')) return;
    version = q.version;
    $('#q-state').innerHTML = stateHtml(q, ticket);
  });
}

// Staff: issue a ticket (its number and QR code for the resident) and call the next number.
export async function staffQueuePage(main) {
  stopQueue();
  if (!(await staffFrame(main, 'queue'))) return;
  const munis = await municipalities();
  const last = sessionStorage.getItem('queue_counter');
  $('#staff-body').innerHTML = `<section aria-labelledby="h-squeue"><h2 id="h-squeue" tabindex="-1">${t('整理券と呼び出し', 'Tickets and calling')}</h2>
    <form id="queue-form"><label>${t('窓口', 'Counter')}<select id="sq-counter">${munis.map((m) => `<optgroup label="${esc(t(m.name_ja, m.name_en))}">${m.counters.map((c) => `<option value="${esc(c.id)}"${c.id === last ? ' selected' : ''}>${esc(counterName(c))}</option>`).join('')}</optgroup>`).join('')}</select></label>
      <button type="button" class="primary" id="sq-issue">${t('整理券を発行', 'Issue a ticket')}</button>
      <button type="button" class="primary" id="sq-next">${t('次の方を呼ぶ', 'Call the next number')}</button></form>
    <div id="sq-out" aria-live="polite"></div>
    <div id="sq-state" aria-live="polite"></div>
    <p><a id="sq-public" href="#/queue">${t('公開の混雑状況ページ', 'The public page')}</a></p></section>`;
  const counter = () => $('#sq-counter').value;
  // The clerk's own page is refreshed by each action, and the answers can arrive out of order: the
  // page's first read, the read after choosing a counter and an issue run at once. An answer for
  // another counter, or older (a lower version: issued + called, per counter and day) than the one
  // shown, is dropped, so a slow read never puts back a count an issue already moved on.
  let shown = { counter: '', date: '', version: -1 };
  const showState = (q) => {
    if (q.counter !== counter()) return;
    if (q.counter === shown.counter && q.date === shown.date && q.version < shown.version) return;
    shown = { counter: q.counter, date: q.date, version: q.version };
    show($('#sq-state'), stateHtml(q, 0, false));
    $('#sq-state .queue-board').dataset.counter = q.counter;
    $('#sq-public').href = `#/queue/${encodeURIComponent(counter())}`;
  };
  const refresh = async () => {
    sessionStorage.setItem('queue_counter', counter());
    try { showState(await api('GET', `/api/queue/${encodeURIComponent(counter())}`)); } catch (err) { show($('#sq-state'), errorHtml(err)); }
  };
  $('#sq-counter').addEventListener('change', () => { $('#sq-out').innerHTML = ''; refresh(); });
  $('#sq-issue').addEventListener('click', () => busy($('#queue-form'), async () => {
    try {
      const r = await api('POST', `/api/staff/queue/${encodeURIComponent(counter())}/tickets`, {});
      show($('#sq-out'), `<div class="receipt ticket" id="sq-ticket"><h3>${t('整理券', 'Ticket')} <span class="num">${esc(r.number)}</span></h3>
        <p>${longDay(r.queue.date)} — ${esc(t(r.queue.counter_name_ja, r.queue.counter_name_en))}</p>
        <p>${t(`前に ${r.queue.waiting - 1} 人、待ち時間の目安 ${r.queue.wait_minutes} 分`, `${r.queue.waiting - 1} ahead, about ${r.queue.wait_minutes} min`)}</p>
        ${r.qr_svg ? `<div class="qr">${r.qr_svg}<p class="small">${t('読み取ると、呼び出しの状況が見られます', 'Scan to follow the queue')}</p></div>` : ''}</div>`, true);
      showState(r.queue);
    } catch (err) { show($('#sq-out'), errorHtml(err), true); }
  }));
  $('#sq-next').addEventListener('click', () => busy($('#queue-form'), async () => {
    try {
      const r = await api('POST', `/api/staff/queue/${encodeURIComponent(counter())}/next`, {});
      show($('#sq-out'), r.called
        ? `<p class="ok" role="status">${t(`番号 ${r.called} の方をお呼びください`, `Call number ${r.called}`)}</p>`
        : `<p role="status">${t('お待ちの方はいません', 'Nobody is waiting')}</p>`, true);
      showState(r.queue);
    } catch (err) { show($('#sq-out'), errorHtml(err), true); }
  }));
  refresh();
}
