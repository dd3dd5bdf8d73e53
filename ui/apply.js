// mynacert UI — the holder applies for the new card online (R-CARD-1), from the QR code of the
// 交付申請書 that came with the card-expiry notice: #/apply/<申請書ID>. The birth date printed
// on the form proves the form is the holder's (POST /api/card-applications/{id}/online; a
// wrong ID or birth date answer alike, 403). A face-authentication card may be asked for
// (R-FACE-1). Plain sentences; rule IDs only in the details.
import { $, state, t, esc, api, show, busy, longDay, addDays, eraYear, residentErrorHtml, groupedId as grouped, applicationDigits as digits } from './lib.js';
import { eraDateHtml, eraDateValue, markField, FieldError } from './resident.js';

// The ID as on the form, each group kept whole when a narrow screen wraps the line.
const groupedHtml = (id) => String(id).match(/\d{1,4}/g).map((g) => `<span>${esc(g)}</span>`).join(' ');
const decoded = (s) => { try { return decodeURIComponent(s); } catch { return s; } };

// "2027年(令和9年)1月上旬ごろ" / "early January 2027": when about a month has passed.
const MONTH_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
function aboutAMonthAfter(iso) {
  const d = addDays(iso, 30);
  const [y, m, dd] = d.split('-').map(Number);
  const part = dd <= 10 ? ['上旬', 'early'] : dd <= 20 ? ['中旬', 'mid'] : ['下旬', 'late'];
  const era = eraYear(d);
  return t(`${y}年${era ? `(${era})` : ''}${m}月${part[0]}ごろ`, `${part[1]} ${MONTH_EN[m - 1]} ${y}`);
}

export function applyPage(main, raw) {
  const fromLink = digits(decoded(raw));
  const known = /^\d{23}$/.test(fromLink) ? fromLink : '';
  main.innerHTML = `<section aria-labelledby="h-apply"><h2 id="h-apply" tabindex="-1">${t('新しいマイナンバーカードの申請', 'Apply for your new My Number Card')}</h2>
    <p>${t('カードの有効期限のお知らせに同封の「交付申請書」の申請です。申請書ID と生年月日で、あなたの申請書であることを確かめます。', 'This is the application form (交付申請書) that came with the notice of your card\'s expiry. The application ID and your date of birth confirm the form is yours.')}</p>
    <form id="apply-form" novalidate>
      ${known
    ? `<p class="wide" id="ap-id-box">${t('申請書ID', 'Application ID')}<br><span class="mono apply-id" id="ap-id">${groupedHtml(known)}</span></p>`
    : `<label class="wide" id="ap-id-label">${t('申請書ID (23桁の数字、交付申請書に記載)', 'Application ID (23 digits, on the form)')}<input id="ap-id-input" name="id" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="40" value="${esc(raw ? grouped(fromLink) : '')}"></label>`}
      ${eraDateHtml('birth', '生年月日', 'Date of birth', '交付申請書に印字されている生年月日を入力してください。', 'As printed on the application form.', 'showa')}
      <fieldset class="wide" id="ap-face-box"><legend>${t('カードの種類 (任意)', 'Card type (optional)')}</legend>
        <label class="check"><input type="checkbox" id="ap-face" name="face" aria-describedby="ap-face-hint"> ${t('顔認証マイナンバーカードを希望する', 'I want a face-authentication card')}</label>
        <p class="hint" id="ap-face-hint">${t('暗証番号を使わず顔で本人確認をするカードで、健康保険証や顔写真付きの本人確認書類として使えますが、マイナポータル・コンビニでの証明書の取得・e-Tax など暗証番号が必要なサービスには使えません。', 'A card checked by your face instead of PINs: it works as your health-insurance card and as photo ID, but not for services that need a PIN (マイナポータル, certificates at convenience stores, e-Tax).')}</p>
      </fieldset>
      <button class="primary" type="submit" id="ap-submit">${t('申請する', 'Apply')}</button>
    </form>
    <div id="ap-result" aria-live="polite"></div>
    <details><summary>${t('根拠', 'Rules')}</summary><p class="rule">R-CARD-1 R-CARD-2 R-CARD-3 R-FACE-1</p></details>
  </section>`;
  const key = (id) => `apply:${id}`;
  // The answer survives a language switch (the page is drawn again).
  if (known) {
    const kept = sessionStorage.getItem(key(known));
    if (kept) { try { done(JSON.parse(kept), false); } catch { sessionStorage.removeItem(key(known)); } }
  }
  $('#apply-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const form = ev.target;
    const out = $('#ap-result');
    const id = known || digits($('#ap-id-input').value);
    await busy(form, async () => {
      try {
        if (!/^\d{23}$/.test(id)) {
          $('#ap-id-input').setAttribute('aria-invalid', 'true');
          $('#ap-id-input').focus();
          show(out, `<p class="error" role="alert">${t('申請書ID は23桁の数字です。交付申請書の申請書ID を確かめてください。', 'The application ID has 23 digits: check it on the form.')}</p>`, false);
          return;
        }
        $('#ap-id-input')?.removeAttribute('aria-invalid');
        const birth = eraDateValue(form, 'birth', t('生年月日', 'Date of birth'));
        if (!birth) throw new FieldError('birth', t('生年月日を入力してください。', 'Enter your date of birth.'));
        markField(form, null);
        const a = await api('POST', `/api/card-applications/${encodeURIComponent(id)}/online`, { birth, face: $('#ap-face').checked });
        sessionStorage.setItem(key(id), JSON.stringify(a));
        done(a, true);
      } catch (err) {
        if (err instanceof FieldError) {
          markField(form, err.field);
          show(out, `<p class="error" role="alert">${esc(err.message)}</p>`, false);
        } else if (err.status === 403) {
          markField(form, 'birth');
          show(out, `<p class="error" role="alert" id="ap-refused">${t('申請書ID と生年月日が一致しませんでした。交付申請書に印字されている生年月日を、年号に気をつけてもう一度入力してください。', 'The application ID and the date of birth do not match. Enter the date of birth printed on the form again, minding the era.')}</p>`, false);
        } else if (err.status === 409) {
          show(out, `<p class="error" role="alert" id="ap-refused">${t('この申請書では、すでに申請を受け付けているか、受付が終わっています。わからないときは、お住まいの市区町村の窓口にお問い合わせください。', 'This form has already been used to apply, or its application is closed. If in doubt, ask your municipality\'s counter.')}</p>`, true);
        } else if (err.status === 429) {
          show(out, `<p class="error" role="alert" id="ap-refused">${t('短い時間に何度も入力されたため、しばらく受け付けられません。時間をおいてから、もう一度お試しください。', 'Too many tries in a short time: please wait a while and try again.')}</p>`, true);
        } else {
          show(out, residentErrorHtml(err), true);
        }
      }
    });
  });

  function done(a, focus) {
    $('#apply-form').hidden = true;
    const applied = a.applied_on || state.today;
    show($('#ap-result'), `<div class="verdict go" role="status" id="ap-verdict" data-state="${esc(a.state)}">
      <p><strong>${t('申請を受け付けました。', 'Your application has been received.')}</strong></p>
      <p>${t(`受付日: ${longDay(applied)}`, `Received on ${longDay(applied)}.`)}</p>
      <p>${t(`約1か月後 (${aboutAMonthAfter(applied)}) に、新しいカードの「交付通知書」(はがき) がご自宅に届きます。届いたら受け取りの日時を予約し、交付通知書・今お持ちのカード・本人確認書類を持って窓口へお越しください。`, `In about a month (${aboutAMonthAfter(applied)}) a pick-up notice (交付通知書, a postcard) for the new card arrives at your home. Then book a time and come to the counter with the notice, your current card and an identity document.`)}</p>
      <p>${a.face
    ? t('顔認証マイナンバーカードとして申請しました。受け取りのときに設定する暗証番号は、住民基本台帳用と券面事項入力補助用だけです。', 'You applied for a face-authentication card: at the pick-up you set only the resident-registry and card-text PINs.')
    : t('受け取りのときに、窓口で新しい暗証番号を設定します。', 'You set the new PINs at the counter when you collect the card.')}</p></div>
      <details id="ap-details"><summary>${t('詳細', 'Details')}</summary>
        <p>${t('申請書ID', 'Application ID')}: <span class="mono apply-id-small">${groupedHtml(a.id)}</span></p>
        <p>${t('申請の方法: オンライン', 'Applied: online')}${a.face ? t(' — 顔認証マイナンバーカード', ' — face-authentication card') : ''}</p></details>`, focus);
  }
}
