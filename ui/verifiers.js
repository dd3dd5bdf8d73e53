// mynacert UI — registered verifiers (R-VER-1; docs/relying-parties.md): supervisors register
// the parties that may read revocation status and use the verifier API (署名検証者 / 利用者証明
// 検証者), see the API key once, register a verifier's TLS client certificate (mTLS through the
// proxy in front; a renewed one replaces the old), and revoke a registration. Every change is
// audited.
import { $, $$, state, t, esc, api, errorHtml, show, busy, rule, table } from './lib.js';
import { staffFrame } from './staff.js';

const KINDS = {
  sign: ['署名検証者', 'signature verifier'],
  auth: ['利用者証明検証者', 'user-authentication verifier'],
  'sign,auth': ['署名検証者・利用者証明検証者', 'both'],
};
const kindLabel = (k) => esc(KINDS[k] ? t(...KINDS[k]) : k);
// A certificate file as the API takes it: PEM as it is, DER wrapped into PEM.
async function certificatePem(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder('latin1').decode(bytes);
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  const b64 = btoa(bin).replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}
const CERT_ACCEPT = '.pem,.crt,.cer,.der,application/x-x509-ca-cert,application/pkix-cert';
const certCell = (v) => (v.client_certificate
  ? `<span class="small">${esc(v.client_certificate.subject)}</span><br><code class="mono small" title="SHA-256 ${esc(v.client_certificate.sha256)}">SHA-256 ${esc(v.client_certificate.sha256.slice(0, 16))}…</code>`
  : `<span class="small">${t('なし (API キーのみ)', 'none (API key only)')}</span>`);
const when = (s) => esc(new Date(s * 1000).toLocaleString(state.lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo' }));

export async function verifiersPage(main) {
  if (!(await staffFrame(main, 'verifiers'))) return;
  const body = $('#staff-body');
  if (state.staff.role !== 'supervisor') {  // the server refuses too (403 role)
    body.innerHTML = `<section aria-labelledby="h-verifiers"><h2 id="h-verifiers" tabindex="-1">${t('登録された検証者', 'Registered verifiers')}</h2>
      <p class="notice">${t('検証者の登録は監督者だけが行います。', 'Only supervisors manage verifiers.')}</p></section>`;
    return;
  }
  body.innerHTML = `<section aria-labelledby="h-verifiers"><h2 id="h-verifiers" tabindex="-1">${t('登録された検証者', 'Registered verifiers')}${rule('R-VER-1')}</h2>
    <p class="hint">${t('失効情報 (CRL・OCSP) と検証者 API を使う事業者です。API キーは登録のときに一度だけ表示されます。', 'Parties that read revocation status and use the verifier API. The API key is shown once, at registration.')}</p>
    <div id="vf-access"></div>
    <form id="vf-add">
      <label>${t('名称', 'Name')}<input id="vf-name" name="name" maxlength="100" autocomplete="off" required></label>
      <label>${t('種別', 'Kind')}<select id="vf-kinds" name="kinds">
        <option value="sign">${kindLabel('sign')}</option><option value="auth">${kindLabel('auth')}</option><option value="sign,auth">${kindLabel('sign,auth')}</option></select></label>
      <label>${t('TLS クライアント証明書 (任意: mTLS で呼ぶ事業者)', 'TLS client certificate (optional: for a verifier calling with mTLS)')}<input id="vf-cert" type="file" accept="${CERT_ACCEPT}"></label>
      <button class="primary" type="submit">${t('登録する', 'Register')}</button>
    </form>
    <div id="vf-msg" aria-live="assertive"></div>
    <div id="vf-list" aria-live="polite"></div></section>`;
  $('#vf-add').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await busy(ev.target, async () => {
      try {
        const req = { name: $('#vf-name').value, kinds: $('#vf-kinds').value };
        const file = $('#vf-cert').files[0];
        if (file) req.client_certificate = await certificatePem(file);
        const v = await api('POST', '/api/verifiers', req);
        $('#vf-name').value = '';
        $('#vf-cert').value = '';
        show($('#vf-msg'), `<div class="report" id="vf-new"><p>${t(`登録しました: ${esc(v.name)} (${esc(v.id)})`, `Registered: ${esc(v.name)} (${esc(v.id)})`)}</p>
          <p>${t('API キー (この画面を離れると二度と表示できません。事業者に安全な方法で渡してください):', 'API key (never shown again once you leave this page; hand it over safely):')}</p>
          <p><code class="mono" id="vf-key">${esc(v.api_key)}</code></p>
          ${v.client_certificate ? `<p>${t('TLS クライアント証明書も登録しました', 'Its TLS client certificate is registered too')}: ${esc(v.client_certificate.subject)} <code class="mono small" id="vf-cert-sha256">${esc(v.client_certificate.sha256)}</code></p>` : ''}</div>`, true);
        await list();
      } catch (err) { show($('#vf-msg'), errorHtml(err), true); }
    });
  });
  await list();
}

async function list() {
  try {
    const r = await api('GET', '/api/verifiers');
    show($('#vf-access'), `<p>${r.status_access === 'restricted'
      ? t('失効情報 (CRL・OCSP) は登録された検証者だけに提供しています (J-LIS と同じ)。', 'Revocation status goes to registered verifiers only (as J-LIS does).')
      : t('失効情報 (CRL・OCSP) は誰でも取得できます (試験環境の既定)。検証者 API は登録された検証者だけが使えます。', 'Revocation status is public (the sandbox default); the verifier API is for registered verifiers only.')}</p>`);
    // data-label: on a phone each row is a card whose cells say what they are (style.css).
    const L = { name: t('名称', 'Name'), kind: t('種別', 'Kind'), state: t('状態', 'State'), at: t('登録日時', 'Registered'), cert: t('クライアント証明書', 'Client certificate') };
    const rows = r.verifiers.map((v) => `<tr data-verifier="${esc(v.id)}"><td class="mono nowrap">${esc(v.id)}</td><td data-label="${L.name}">${esc(v.name)}</td><td data-label="${L.kind}">${kindLabel(v.kinds)}</td>
      <td data-label="${L.state}">${v.state === 'active' ? t('有効', 'active') : `${t('取消', 'revoked')} ${when(v.revoked_at)}`}</td><td class="nowrap" data-label="${L.at}">${when(v.created_at)}</td>
      <td class="cert" data-label="${L.cert}">${certCell(v)}</td>
      <td>${v.state === 'active' ? `<label class="file-button">${t('証明書を登録・更新', 'Register a certificate')}<input type="file" class="sr" data-cert="${esc(v.id)}" accept="${CERT_ACCEPT}"></label>
        <button type="button" data-revoke="${esc(v.id)}">${t('登録を取り消す', 'Revoke')}</button>` : ''}</td></tr>`);
    show($('#vf-list'), rows.length
      ? table([t('ID', 'ID'), L.name, L.kind, L.state, L.at, L.cert, ''], rows, 'verifiers')
      : `<p>${t('登録された検証者はいません。', 'No verifier is registered.')}</p>`);
    $$('input[data-cert]').forEach((input) => input.addEventListener('change', async () => {
      const file = input.files[0];
      if (!file) return;
      try {
        await api('POST', `/api/verifiers/${encodeURIComponent(input.dataset.cert)}/client-certificate`,
          { client_certificate: await certificatePem(file) });
        show($('#vf-msg'), `<p class="ok" role="status">${t('クライアント証明書を登録しました。前の証明書は使えません。', 'Client certificate registered; the previous one no longer works.')}</p>`);
        await list();
      } catch (err) { show($('#vf-msg'), errorHtml(err), true); }
    }));
    $$('[data-revoke]').forEach((b) => b.addEventListener('click', async () => {
      const row = b.closest('tr');
      const name = row.children[1].textContent;
      if (!window.confirm(t(`${name} の登録を取り消しますか。API キーはすぐに使えなくなります。`, `Revoke ${name}? Its API key stops working at once.`))) return;
      try {
        await api('POST', `/api/verifiers/${encodeURIComponent(b.dataset.revoke)}/revoke`, {});
        await list();
      } catch (err) { show($('#vf-msg'), errorHtml(err), true); }
    }));
  } catch (err) { show($('#vf-list'), errorHtml(err)); }
}
