// mynacert UI — the loss hotline (R-LOST-1; docs/lifecycle.md): an operator of the `hotline`
// role (or a supervisor) identifies the caller's holder by name, birth date and address, and
// suspends the card with both certificates held in one step. The hold is final (R-LOST-2): the
// form says so and asks the operator to confirm before anything is sent.
import { $, $$, state, t, esc, api, errorHtml, reasonsHtml, show, busy, rule } from './lib.js';
import { staffFrame } from './staff.js';

const KIND = { auth: ['利用者証明用電子証明書', 'authentication certificate'], sign: ['署名用電子証明書', 'signature certificate'] };

export async function hotlinePage(main) {
  if (!(await staffFrame(main, 'hotline'))) return;
  const body = $('#staff-body');
  if (state.staff.role === 'clerk') {  // the server refuses too (403 role)
    body.innerHTML = `<section aria-labelledby="h-hotline"><h2 id="h-hotline" tabindex="-1">${t('紛失・盗難の受付', 'Lost or stolen card')}</h2>
      <p class="notice">${t('紛失・盗難の受付は受付担当 (hotline) と監督者だけが行います。窓口では「一時停止解除」または「紛失届・カードの廃止」の手続きをします。', 'Only hotline operators and supervisors take these calls. At the counter, use the found-card or the lost-card procedure.')}</p></section>`;
    return;
  }
  body.innerHTML = `<section aria-labelledby="h-hotline"><h2 id="h-hotline" tabindex="-1">${t('紛失・盗難の受付', 'Lost or stolen card')}${rule('R-LOST-1')}</h2>
    <p class="hint">${t('24時間受け付けます。本人の氏名・生年月日・住所で本人を特定し、カードを一時停止して2つの電子証明書を一時保留にします。',
      'Open 24 hours. The holder is identified by name, birth date and address; the card is suspended and both certificates put on hold.')}</p>
    <form id="hotline" novalidate>
      <fieldset><legend>${t('本人 (カードの名義人)', 'The holder (whose card it is)')}</legend>
        <label>${t('氏名', 'Name')}<input name="name" id="hl-name" autocomplete="off" required></label>
        <label>${t('生年月日', 'Date of birth')}<input name="birth" id="hl-birth" type="date" required></label>
        <label>${t('住所 (住民票のとおり)', 'Address (as registered)')}<input name="address" id="hl-address" autocomplete="off" required></label>
      </fieldset>
      <fieldset><legend>${t('何があったか', 'What happened')}</legend>
        <label class="check"><input type="radio" name="event" value="lost" id="hl-lost" checked> ${t('紛失', 'lost')}</label>
        <label class="check"><input type="radio" name="event" value="stolen" id="hl-stolen"> ${t('盗難', 'stolen')}</label>
        <label class="check"><input type="checkbox" name="outside_home" id="hl-outside"> ${t('家の外でなくした', 'lost outside the home')}</label>
        <label>${t('警察の受理番号 (分かれば)', 'Police receipt number (if known)')}<input name="police_receipt" id="hl-police" autocomplete="off" inputmode="latin" pattern="[A-Za-z0-9-]{0,32}"></label>
      </fieldset>
      <fieldset><legend>${t('電話をかけた方', 'The caller')}</legend>
        <label>${t('続柄', 'Who')}<select name="caller" id="hl-caller">
          <option value="holder">${t('本人', 'the holder')}</option><option value="family">${t('家族', 'family')}</option><option value="other">${t('その他', 'someone else')}</option></select></label>
        <label data-caller>${t('電話をかけた方の氏名', "Caller's name")}<input name="caller_name" id="hl-caller-name" autocomplete="off"></label>
        <label>${t('メモ', 'Note')}<textarea name="note" id="hl-note" maxlength="500" rows="2"></textarea></label>
      </fieldset>
      <p class="notice">${t('一時保留は解除できません。カードが見つかっても、窓口で新しい電子証明書を発行することになります。', 'A hold is never released: even if the card is found, new certificates are issued at a counter.')}${rule('R-LOST-2')}</p>
      <label class="check"><input type="checkbox" id="hl-confirm" required> ${t('本人を特定し、一時保留が解除できないことを伝えました', 'I identified the holder and told the caller the hold is final')}</label>
      <button class="primary" type="submit" id="hl-submit">${t('一時停止・一時保留する', 'Suspend the card and hold both certificates')}</button>
    </form>
    <div id="hl-result" aria-live="polite"></div></section>`;
  const sync = () => { $$('[data-caller]', body).forEach((el) => { el.hidden = $('#hl-caller').value === 'holder'; }); };
  $('#hl-caller').addEventListener('change', sync);
  sync();
  $('#hotline').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!$('#hl-confirm').checked) {
      show($('#hl-result'), `<p class="error" role="alert">${t('確認の欄にチェックを入れてください。', 'Tick the confirmation first.')}</p>`, true);
      return;
    }
    const f = new FormData(ev.target);
    const req = {
      name: f.get('name'), birth: f.get('birth'), address: f.get('address'), event: f.get('event'),
      caller: f.get('caller'), outside_home: $('#hl-outside').checked,
    };
    for (const k of ['police_receipt', 'note']) if (String(f.get(k) || '').trim()) req[k] = String(f.get(k)).trim();
    if (req.caller !== 'holder') req.caller_name = f.get('caller_name');
    await busy(ev.target, async () => {
      try {
        const r = await api('POST', '/api/hotline/calls', req);
        const m = r.municipality || {};
        show($('#hl-result'), `<div class="verdict go" role="status"><h3>${r.already_suspended
          ? t('このカードは既に一時停止されています (通話を記録しました)', 'This card was already suspended (the call is recorded)')
          : t('カードを一時停止し、電子証明書を一時保留にしました', 'The card is suspended and its certificates are on hold')}</h3>
          <p>${t('受付番号', 'Call number')} <strong id="hl-call">${esc(r.call)}</strong> — ${esc(t(m.name_ja || m.id, m.name_en || m.id))}${m.phone ? ` (${esc(m.department_ja || '')} ${esc(m.phone)})` : ''}</p>
          ${r.held.length ? `<ul id="hl-held">${r.held.map((c) => `<li>${esc(t(...KIND[c.kind]))} <span class="mono">${esc(c.serial)}</span>: ${c.state === 'hold' ? t('一時保留', 'on hold') : esc(c.state)}</li>`).join('')}</ul>` : ''}
          <h4>${t('電話口で伝えること', 'Tell the caller')}</h4>${reasonsHtml(r.next)}</div>`, true);
        ev.target.reset();
        sync();
      } catch (err) { show($('#hl-result'), errorHtml(err), true); }
    });
  });
}
