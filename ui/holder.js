// mynacert UI — for the holder (docs/lifecycle.md): what to do when the card is lost (R-LOST-1),
// whether a certificate is still valid, from the certificate file the holder exported with the
// client (R-HOLDER-1: 有効性確認; POST /api/holder/status), and where the functions that need
// the card itself are (a PIN change, the kiosk reset, the revocation of a certificate no longer
// used: R-HOLDER-1, R-KIOSK-1, R-REV-2). Plain sentences; rule IDs in the details.
import { $, t, esc, api, show, busy, longDay, residentErrorHtml } from './lib.js';

const KIND = { auth: ['利用者証明用電子証明書', 'authentication certificate'], sign: ['署名用電子証明書', 'signature certificate'] };
const REASON = {
  certificateHold: ['紛失・盗難の届出により一時保留されています。見つかった場合は市区町村の窓口で手続きをしてください。', 'It is on hold after a loss report. If the card is found, go to your municipality\'s counter.'],
  cessationOfOperation: ['使わなくなったため失効しています。', 'It was revoked because it is no longer used.'],
  superseded: ['更新されたため失効しています。新しい証明書がカードに入っています。', 'It was replaced by a renewal: the new one is on the card.'],
  affiliationChanged: ['住所・氏名などが変わったため失効しています。窓口で新しい証明書を発行できます。', 'It was revoked because your address or name changed: a counter issues a new one.'],
  keyCompromise: ['カードの紛失・盗難などにより失効しています。', 'It was revoked after a loss, theft or misuse of the card.'],
};

// DER bytes of a certificate file: DER as it is, or PEM ("-----BEGIN CERTIFICATE-----").
function derOf(bytes) {
  const text = new TextDecoder('latin1').decode(bytes);
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  if (!m) return bytes;
  const bin = atob(m[1].replace(/\s+/g, ''));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
const hexOf = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function holderPage(main) {
  main.innerHTML = `<section aria-labelledby="h-lost"><h2 id="h-lost" tabindex="-1">${t('カードをなくしたとき', 'If you lose your card')}</h2>
      <div class="verdict" id="lost-steps"><p>${t('すぐに電話してください。24時間365日、カードの機能と電子証明書を止めます。', 'Call at once, any time of day, every day: the card and its certificates are stopped.')}</p>
      <p class="big"><strong>${t('マイナンバー総合フリーダイヤル', 'My Number hotline')} <a href="tel:0120950178">0120-95-0178</a></strong><br><small>${t('海外から', 'From abroad')}: <a href="tel:+81367340170">+81-3-6734-0170</a></small></p></div>
      <ul>
        <li>${t('家の外でなくした・盗まれたときは、警察にも届けて受理番号を控えてください。', 'If it was lost outside your home or stolen, report it to the police too and keep the receipt number.')}</li>
        <li>${t('お住まいの市区町村の窓口にも届け出てください。見つからなければカードを廃止し、新しいカードを申請します (手数料がかかることがあります)。', 'Tell your municipality too. If the card stays lost, it is cancelled and a new one applied for (a fee may apply).')}</li>
        <li>${t('見つかっても、止めた電子証明書は元に戻りません。窓口で新しい電子証明書を入れます。', 'If it is found, the stopped certificates do not come back: a counter puts new ones on the card.')}</li>
      </ul>
      <details><summary>${t('根拠', 'Rules')}</summary><p class="rule">R-LOST-1 R-LOST-2 R-LOST-4</p></details>
    </section>
    <section aria-labelledby="h-status"><h2 id="h-status">${t('電子証明書が有効か確かめる', 'Is my certificate still valid?')}</h2>
      <p>${t('利用者クライアントソフト (mynacert card export) で書き出した証明書のファイルを選んでください。', 'Choose the certificate file you exported with the client (mynacert card export).')}</p>
      <form id="status-form"><label>${t('証明書のファイル (.der, .cer, .pem)', 'Certificate file (.der, .cer, .pem)')}<input type="file" id="status-file" accept=".der,.cer,.crt,.pem" required></label>
      <button class="primary" type="submit">${t('確かめる', 'Check')}</button></form>
      <div id="status-result" aria-live="polite"></div>
    </section>
    <section aria-labelledby="h-card"><h2 id="h-card">${t('カードを使ってできること', 'With the card itself')}</h2>
      <ul>
        <li>${t('暗証番号を変える: 今の暗証番号が分かれば、カードリーダーで変えられます (mynacert card change-pin)。', 'Change a PIN: with a card reader, if you know the current one (mynacert card change-pin).')}</li>
        <li>${t('暗証番号を忘れた: もう一方の電子証明書の暗証番号が分かれば、予約してコンビニで再設定できます。住民基本台帳用・券面事項入力補助用、両方とも忘れた場合は窓口へ。', 'Forgot a PIN: if you know the other certificate\'s PIN, book and reset it at a convenience store. The other PINs, or both forgotten: a counter.')}</li>
        <li>${t('使わなくなった電子証明書を止める: カードで署名して、いつでも申請できます (mynacert card revoke-request)。なくした・盗まれたときは上の電話へ。', 'Stop a certificate you no longer use: sign with the card, at any time (mynacert card revoke-request). Lost or stolen: call the number above.')}</li>
      </ul>
      <details><summary>${t('根拠', 'Rules')}</summary><p class="rule">R-HOLDER-1 R-HOLDER-2 R-KIOSK-1 R-KIOSK-2 R-REV-2</p></details>
    </section>`;
  $('#status-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const file = $('#status-file').files[0];
    if (!file) return;
    await busy(ev.target, async () => {
      try {
        const der = derOf(new Uint8Array(await file.arrayBuffer()));
        const r = await api('POST', '/api/holder/status', { certificate_hex: hexOf(der) });
        const kind = t(...(KIND[r.kind] || [r.kind, r.kind]));
        const until = longDay(new Date(r.not_after * 1000 + 9 * 3600 * 1000).toISOString().slice(0, 10));
        let html;
        if (r.state === 'good') {
          html = `<div class="verdict go" role="status" id="status-verdict" data-state="good"><p><strong>${esc(kind)}: ${t('有効です', 'valid')}</strong></p><p>${t(`${until} まで使えます。`, `Usable until ${until}.`)}</p></div>`;
        } else {
          const why = REASON[r.reason] || [r.reason, r.reason];
          html = `<div class="verdict card" role="status" id="status-verdict" data-state="${esc(r.state)}"><p><strong>${esc(kind)}: ${r.state === 'hold' ? t('一時保留中です', 'on hold') : t('失効しています', 'revoked')}</strong></p><p>${esc(t(...why))}</p></div>`;
        }
        show($('#status-result'), `${html}<details><summary>${t('詳細', 'Details')}</summary><p class="mono">${esc(r.serial)} — ${esc(r.state)}${r.reason ? ` (${esc(r.reason)})` : ''}</p></details>`, true);
      } catch (err) { show($('#status-result'), residentErrorHtml(err), true); }
    });
  });
}
