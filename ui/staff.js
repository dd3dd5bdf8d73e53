// mynacert UI — the counter for staff (clerk, supervisor): login, resident search and detail,
// a case from opening to execution (documents, decision with rule IDs, PINs used once), the
// certificate copy (R-PROC-11) and the day's bookings per counter. docs/api.md.
import { $, $$, state, t, esc, day, api, errorHtml, reasonsHtml, rule, show, busy, municipalities, counterName, findCounter, rememberStaff, forgetStaff, loadStaff, table, groupedId, applicationDigits } from './lib.js';

export const PROCEDURES = {
  renewal: ['更新', 'renewal'], new_issuance: ['新規発行', 'new issuance'], pin_reset: ['暗証番号の再設定', 'PIN reset'],
  found_card: ['一時停止解除 (カードが見つかった)', 'found card: lift the suspension'], abolish_card: ['紛失届・カードの廃止', 'report a lost card: abolish it'],
  face_switch: ['顔認証マイナンバーカードへの切替・解除', 'face-authentication card: switch or switch back'],
  card_pickup: ['新しいカードの交付', 'hand over a new card'],
};
// R-FACE-3: which way the switch goes.
const CARD_TYPE = { face: ['顔認証マイナンバーカードへ切り替える (暗証番号を消去)', 'to a face-authentication card (PINs cleared)'], pin: ['暗証番号のカードに戻す (顔認証の解除)', 'back to a PIN card (face authentication ended)'] };
// R-CARD-1..2: a card application's life, how it was made, and the 申請書ID as printed on the
// form (23 digits in groups of four: 4-4-4-4-4-3).
export const APP_STATE = {
  noticed: ['申請待ち (交付申請書を送付済み)', 'awaiting the application'], applied: ['申請済み (製造待ち)', 'applied (to be made)'],
  produced: ['製造済み (交付通知書の送付待ち)', 'made (pick-up notice to send)'], notified: ['交付通知書を送付済み (受け取り待ち)', 'pick-up notice sent (to collect)'],
  picked_up: ['交付済み', 'handed over'], cancelled: ['取消', 'cancelled'],
};
export const APP_CHANNEL = { online: ['オンライン (QR コード)', 'online (QR code)'], post: ['郵送', 'by post'], counter: ['窓口', 'at the counter'] };
const CARD_EVENT = { lost: ['紛失', 'lost'], stolen: ['盗難', 'stolen'], broken: ['破損', 'broken'], misused: ['不正利用', 'misused'] };
const CARD_STATE = { active: ['有効', 'in force'], suspended: ['一時停止中 (紛失・盗難の届出)', 'suspended (reported lost)'], replaced: ['交換済み', 'replaced'], returned: ['返納', 'returned'], abolished: ['廃止', 'abolished'] };
export const APPLICANTS = {
  self: ['本人', 'the holder'],
  agent_with_form: ['代理人 (照会書兼回答書あり)', 'agent with the inquiry-and-response form'],
  agent_without_form: ['代理人 (照会書なし・文書照会)', 'agent without the form (inquiry by post)'],
  legal_rep_parent: ['法定代理人 (親権者)', 'legal representative (parent)'],
  legal_rep_guardian: ['法定代理人 (成年後見人)', 'legal representative (guardian)'],
};
const WHOSE = { holder: ['本人', 'holder'], agent: ['代理人', 'agent'], representative: ['法定代理人', 'representative'] };
const OUTCOME = { accepted: ['受付可 (本日実施できます)', 'accepted'], missing: ['不足あり', 'missing'], next_visit: ['次回来庁', 'next visit'], refused: ['受付不可', 'refused'] };
const CASE_STATE = { open: ['受付中', 'open'], accepted: ['受付可', 'accepted'], waiting: ['次回来庁待ち', 'waiting'], refused: ['受付不可', 'refused'], executing: ['実行中', 'executing'], done: ['完了', 'done'], cancelled: ['取消', 'cancelled'] };
const CERT_KIND = { auth: ['利用者証明用電子証明書', 'authentication certificate'], sign: ['署名用電子証明書', 'signature certificate'] };
const CERT_STATE = { active: ['有効', 'active'], held: ['一時保留', 'on hold'], revoked: ['失効', 'revoked'], superseded: ['更新により失効', 'superseded'], expired: ['期限切れ', 'expired'] };
const label = (map, k) => esc(map[k] ? t(...map[k]) : k);

// R-ID-A, R-ID-B, and documents a municipality may add or refuse (R-ID-X): the server decides.
const ID_KINDS = [
  ['my_number_card', 'マイナンバーカード', 'My Number Card', 'A'], ['juki_card', '住民基本台帳カード (顔写真付き)', 'Basic Resident Register card (with photo)', 'A'],
  ['drivers_license', '運転免許証', "driver's licence", 'A'], ['driving_history_cert', '運転経歴証明書 (2012-04-01以降交付)', 'driving history certificate (from 2012-04-01)', 'A'],
  ['passport', 'パスポート', 'passport', 'A'], ['physical_disability_cert', '身体障害者手帳', 'physical disability certificate', 'A'],
  ['mental_disability_cert', '精神障害者保健福祉手帳', 'mental disability certificate', 'A'], ['ryoiku_techo', '療育手帳', 'rehabilitation certificate', 'A'],
  ['residence_card', '在留カード', 'residence card', 'A'], ['special_permanent_resident_cert', '特別永住者証明書', 'special permanent resident certificate', 'A'],
  ['temporary_refuge_permit', '一時庇護許可書', 'temporary refuge permit', 'A'], ['provisional_stay_permit', '仮滞在許可書', 'provisional stay permit', 'A'],
  ['shikaku_kakunin_sho', '資格確認書', 'health insurance eligibility certificate', 'B'], ['kaigo_hoken', '介護保険被保険者証', 'long-term care insurance card', 'B'],
  ['pension_cert', '各種年金証書', 'pension certificate', 'B'], ['nenkin_techo', '国民年金手帳 / 基礎年金番号通知書', 'pension handbook / notice', 'B'],
  ['kodomo_iryo', 'こども医療証', 'child medical care certificate', 'B'], ['jido_fuyo_teate', '児童扶養手当証書', 'child-rearing allowance certificate', 'B'],
  ['shogai_fukushi', '障害福祉サービス受給者証', 'disability welfare service certificate', 'B'], ['jiritsu_shien', '自立支援医療受給者証', 'independence support medical certificate', 'B'],
  ['residence_card_no_photo', '在留カード (顔写真なし)', 'residence card without photo', 'B'], ['seikatsu_hogo', '生活保護受給者証明書', 'public assistance certificate', 'B'],
  ['student_id', '学生証', 'student ID', 'B'],
  ['official_license', '官公署が発行した各種免許状', 'licence issued by a public office', 'X'], ['photo_student_or_employee_id', '顔写真付の学生証または社員証', 'student or employee ID with photo', 'X'],
  ['health_insurance_card', '健康保険証', 'health insurance card', 'X'], ['shikaku_joho_oshirase', '資格情報のお知らせ', 'eligibility information notice', 'X'],
  ['juki_card_no_photo', '住民基本台帳カード (顔写真なし)', 'Basic Resident Register card without photo', 'X'],
];
const ID_GROUPS = { A: ['A 書類 (顔写真付き)', 'A (with photo)'], B: ['B 書類 (顔写真なし)', 'B (no photo)'], X: ['自治体により可否が異なるもの', 'depends on the municipality'] };
const idKindOptions = (excludeCard) => Object.keys(ID_GROUPS).map((g) => `<optgroup label="${esc(t(...ID_GROUPS[g]))}">${ID_KINDS.filter((k) => k[3] === g && !(excludeCard && k[0] === 'my_number_card')).map((k) => `<option value="${k[0]}">${esc(t(k[1], k[2]))}</option>`).join('')}</optgroup>`).join('');
const OTHER_ITEMS = {
  holder_card: ['本人のマイナンバーカード', "the holder's My Number Card"], id: ['本人確認書類', 'identity document'],
  inquiry_form: ['照会書兼回答書', 'inquiry-and-response form'], application_form: ['申請書', 'application form'],
  koseki_tohon: ['戸籍謄本', 'family register'], touki_jiko_shomei: ['登記事項証明書', 'certificate of registered matters'],
  expiry_notice: ['有効期限のお知らせ', 'expiry notice'],
  pickup_notice: ['交付通知書', 'pick-up notice'],
};

// ---- the frame: staff navigation ----

function staffNav(active) {
  const s = state.staff;
  const link = (href, key, ja, en) => `<a href="${href}"${active === key ? ' aria-current="page"' : ''}>${t(ja, en)}</a>`;
  const role = { supervisor: t('監督者', 'supervisor'), hotline: t('紛失・盗難受付', 'hotline'), clerk: t('窓口職員', 'clerk') }[s.role] || s.role;
  // The hotline's operators see the hotline only; the counter's clerks do not see it.
  const counter = s.role !== 'hotline';
  return `<nav class="staffnav" aria-label="${t('職員メニュー', 'Staff menu')}">
    ${counter ? link('#/staff', 'search', '住民の検索', 'Residents') : ''}
    ${counter ? link('#/staff/bookings', 'bookings', '予約一覧', 'Bookings') : ''}
    ${counter ? link('#/staff/notices', 'notices', '有効期限通知', 'Expiry notices') : ''}
    ${counter ? link('#/staff/queue', 'queue', '整理券', 'Tickets') : ''}
    ${counter ? link('#/staff/applications', 'applications', 'カードの交付申請', 'Card applications') : ''}
    ${s.role !== 'clerk' ? link('#/staff/hotline', 'hotline', '紛失・盗難の受付', 'Lost cards') : ''}
    ${s.role === 'supervisor' ? link('#/staff/verifiers', 'verifiers', '検証者', 'Verifiers') : ''}
    <span class="who">${esc(s.name)} (${esc(role)})</span>
    <button type="button" id="logout">${t('ログアウト', 'Log out')}</button></nav>`;
}

// Renders the staff frame, or the login form when there is no session. Returns false then.
export async function staffFrame(main, active) {
  await loadStaff();
  if (!state.staff) { loginPage(main); return false; }
  main.innerHTML = staffNav(active) + '<div id="staff-body"></div>';
  $('#logout').addEventListener('click', async () => {
    try { await api('POST', '/api/staff/logout', {}); } catch { /* the session may be gone already */ }
    forgetStaff();
    location.hash = '#/staff';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  return true;
}

function loginPage(main) {
  main.innerHTML = `<section aria-labelledby="h-login"><h2 id="h-login" tabindex="-1">${t('職員ログイン', 'Staff login')}</h2>
    <form id="login"><label>${t('職員名', 'Name')}<input name="name" id="login-name" autocomplete="username" required></label>
    <label>${t('パスワード', 'Password')}<input name="password" id="login-password" type="password" autocomplete="current-password" required></label>
    <button class="primary" type="submit">${t('ログイン', 'Log in')}</button></form><div id="msg" aria-live="assertive"></div></section>`;
  $('#login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    await busy(ev.target, async () => {
      try {
        rememberStaff(await api('POST', '/api/staff/login', { name: f.get('name'), password: f.get('password') }));
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (err) {
        $('#login-password').value = '';
        show($('#msg'), errorHtml(err));
      }
    });
  });
}

// ---- search ----

export async function searchPage(main) {
  if (!(await staffFrame(main, 'search'))) return;
  if (state.staff.role === 'hotline') { location.hash = '#/staff/hotline'; return; }
  $('#staff-body').innerHTML = `<section aria-labelledby="h-search"><h2 id="h-search" tabindex="-1">${t('住民の検索', 'Find a resident')}</h2>
    <form id="search"><label>${t('氏名・カナ・番号', 'Name, kana or number')}<input name="q" id="search-q" type="search"></label><button class="primary" type="submit">${t('検索', 'Search')}</button></form>
    <div id="results" aria-live="polite"></div></section>`;
  const run = async (q) => {
    try {
      const list = await api('GET', `/api/residents?q=${encodeURIComponent(q)}`);
      const munis = await municipalities();
      const mname = (id) => { const m = munis.find((x) => x.id === id); return m ? t(m.name_ja, m.name_en) : id; };
      show($('#results'), list.length
        ? `<p>${t(`${list.length} 件`, `${list.length} found`)}${list.length >= 50 ? t(' (最大50件)', ' (at most 50)') : ''}</p>` + table(['#', t('氏名', 'Name'), t('生年月日', 'Birth'), t('市区町村', 'Municipality')],
          list.map((r) => `<tr><td>${esc(r.id)}</td><td><a href="#/staff/resident/${esc(r.id)}">${esc(r.name)}</a> <small>${esc(r.name_kana)}</small>${r.forwarding ? ` <span class="tag">${t('転送届', 'forwarding')}</span>` : ''}</td><td>${day(r.birth)}</td><td>${esc(mname(r.municipality))}</td></tr>`))
        : `<p>${t('該当する住民はいません', 'No resident found')}</p>`);
    } catch (err) { show($('#results'), errorHtml(err)); }
  };
  $('#search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $('#search-q').value.trim();
    sessionStorage.setItem('staff_q', q);
    run(q);
  });
  const last = sessionStorage.getItem('staff_q');
  if (last !== null) { $('#search-q').value = last; run(last); }
}

// ---- resident detail and opening a case ----

const copyLinks = (rid, kinds) => kinds.map((k) => `<a class="button" href="/api/residents/${encodeURIComponent(rid)}/certificate-copy?kind=${k}" target="_blank" rel="noopener" data-copy="${k}">${t('電子証明書の写し (PDF)', 'Certificate copy (PDF)')} — ${label(CERT_KIND, k)}</a>`).join(' ');

// `pickup`: a 申請書ID from the card applications page (#/staff/resident/N/pickup/ID): the form
// opens on card_pickup with it filled in.
export async function residentDetail(main, id, pickup) {
  if (!(await staffFrame(main, 'search'))) return;
  const body = $('#staff-body');
  try {
    const [r, munis, apps] = await Promise.all([api('GET', `/api/residents/${encodeURIComponent(id)}`), municipalities(),
      api('GET', `/api/card-applications?resident=${encodeURIComponent(id)}`).then((x) => x.applications || []).catch(() => [])]);
    const collectable = apps.filter((a) => a.state === 'produced' || a.state === 'notified');
    const muni = munis.find((m) => m.id === r.municipality);
    const active = r.certificates.filter((c) => c.state === 'active').map((c) => c.kind);
    // The ward's own counter first where the address names the ward (横浜市中区… → 中区役所).
    const homeCounter = (muni ? muni.counters : []).find((c) => {
      const ward = /^(\S+?区)/.exec(c.name_ja || '');
      return ward && String(r.address).includes(`市${ward[1]}`);  // 市南区 is not 市港南区
    })?.id;
    body.innerHTML = `<section aria-labelledby="h-res"><h2 id="h-res" tabindex="-1">${esc(r.name)} <small>${esc(r.name_kana)}</small></h2>
      <p>${t('住民番号', 'Resident')} ${esc(r.id)} — ${esc(muni ? t(muni.name_ja, muni.name_en) : r.municipality)} — ${esc(r.address)} — ${t('生年月日', 'born')} ${day(r.birth)}</p>
      ${r.forwarding ? `<p class="notice">${t('転送届あり: 転送不要郵便は届きません', 'Forwarding request on file: 転送不要 mail is not delivered')}${rule('R-NOT-2')}</p>` : ''}
      ${r.today ? `<p>${t('本日の判定', 'Today')} (${day(r.today.date)}): ${t('利用者証明用', 'Auth')} <span class="status ${esc(r.today.auth)}">${esc(t(r.today.auth_ja, r.today.auth))}</span>
        ${t('署名用', 'Sign')} <span class="status ${esc(r.today.sign)}">${esc(t(r.today.sign_ja, r.today.sign))}</span>
        ${r.today.auth === 'held' ? '' : `${t('無料更新の開始', 'Free renewal from')} ${day(r.today.renewal_from)} — `}${t('カードの有効期限', 'card expires')} ${day(r.today.card_expires)}</p>` : ''}
      ${(r.cards || []).filter((c) => c.state === 'suspended').map(() => `<p class="notice" id="card-suspended">${t('このカードは紛失・盗難の届出により一時停止中です。見つかった場合は「一時停止解除」、見つからない場合は「紛失届・カードの廃止」の手続きをします。', 'This card is suspended after a loss report: lift the suspension if it was found, or abolish it.')}${rule('R-LOST-2')}</p>`).join('')}
      ${(r.hotline_calls || []).length ? `<h3>${t('紛失・盗難の電話', 'Hotline calls')}${rule('R-LOST-1')}</h3>${table([t('受付', 'Call'), t('日時', 'When'), t('内容', 'Event'), t('警察の受理番号', 'Police receipt'), t('担当', 'Operator')],
        r.hotline_calls.map((c) => `<tr><td>${esc(c.id)}</td><td>${esc(new Date(c.at * 1000).toLocaleString(state.lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo' }))}</td><td>${label(CARD_EVENT, c.event)}</td><td class="mono">${esc(c.police_receipt || '—')}</td><td>${esc(c.operator)}</td></tr>`))}` : ''}
      <h3>${t('カード', 'Cards')}</h3>
      ${table([t('発行', 'Issued'), t('有効期限', 'Expires'), t('状態', 'State')], (r.cards || []).map((c) => `<tr><td>${day(c.issued)}</td><td>${day(c.expires)}</td><td>${label(CARD_STATE, c.state)}</td></tr>`))}
      <h3>${t('電子証明書', 'Certificates')}</h3>
      ${table([t('種類', 'Kind'), t('シリアル', 'Serial'), t('発行', 'Issued'), t('最終日', 'Last day'), t('状態', 'State')],
        r.certificates.map((c) => `<tr><td>${label(CERT_KIND, c.kind)}</td><td class="mono">${esc(c.serial)}</td><td>${day(c.issued)}</td><td>${day(c.last_valid_day)}</td><td>${label(CERT_STATE, c.state)}${c.reason && c.reason !== c.state ? ` <small>${esc(c.reason)}</small>` : ''}</td></tr>`))}
      <p class="actions">${copyLinks(r.id, [...new Set(active)])}</p>
      ${apps.length ? `<h3>${t('カードの交付申請', 'Card applications')}${rule('R-CARD-1')}</h3>
        ${table([t('申請書ID', 'Application ID'), t('カードの有効期限', 'Card expires'), t('申請', 'Applied'), t('状態', 'State'), ''],
          apps.map((a) => `<tr><td class="mono nowrap">${esc(groupedId(a.id))}</td><td>${day(a.card_expiry)}</td><td>${a.applied_on ? `${day(a.applied_on)} — ${label(APP_CHANNEL, a.channel)}${a.face ? ` <span class="tag">${t('顔認証', 'face')}</span>` : ''}` : '—'}</td><td>${label(APP_STATE, a.state)}</td>
            <td>${a.state === 'produced' || a.state === 'notified' ? `<button type="button" data-pickup="${esc(a.id)}">${t('交付の受付へ', 'Hand it over')}</button>` : ''}</td></tr>`), 'apps')}` : ''}
      <h3>${t('案件', 'Cases')}</h3>
      ${r.cases.length ? `<ul>${r.cases.map((c) => `<li><a href="#/staff/case/${esc(c.id ?? c)}">${t('案件', 'Case')} ${esc(c.id ?? c)}</a></li>`).join('')}</ul>` : `<p>${t('なし', 'none')}</p>`}
    </section>
    <section aria-labelledby="h-open"><h2 id="h-open">${t('受付 (案件を開く)', 'Open a case')}</h2>
      <form id="open-case">
        <label>${t('手続き', 'Procedure')}<select name="procedure" id="oc-procedure">${Object.keys(PROCEDURES).map((k) => `<option value="${k}">${label(PROCEDURES, k)}</option>`).join('')}</select></label>
        <label>${t('来庁者', 'Applicant')}<select name="applicant" id="oc-applicant">${Object.keys(APPLICANTS).map((k) => `<option value="${k}">${label(APPLICANTS, k)}</option>`).join('')}</select></label>
        <label>${t('窓口', 'Counter')}<select name="counter" id="oc-counter">${(muni ? muni.counters : []).map((c) => `<option value="${esc(c.id)}"${c.id === homeCounter ? ' selected' : ''}>${esc(counterName(c))}</option>`).join('')}</select></label>
        <label>${t('来庁日', 'Visit date')}<input name="date" type="date" id="oc-date" value="${esc(state.today || '')}"></label>
        <label data-for="renewal new_issuance">${t('対象の証明書', 'Certificates')}<select name="certs" id="oc-certs"><option value="both">${t('両方', 'both')}</option><option value="auth">${t('利用者証明用のみ', 'auth only')}</option><option value="sign">${t('署名用のみ', 'sign only')}</option></select></label>
        <label data-for="abolish_card">${t('カードに何があったか', 'What happened to the card')}<select name="card_event" id="oc-card-event">${Object.keys(CARD_EVENT).map((k) => `<option value="${k}">${label(CARD_EVENT, k)}</option>`).join('')}</select></label>
        <label data-for="abolish_card">${t('再交付手数料', 'Re-issuance fee')}<select name="holder_at_fault" id="oc-at-fault"><option value="">${t('既定 (紛失・破損は本人負担)', 'default (lost or broken: the holder pays)')}</option><option value="1">${t('本人の責による (手数料あり)', 'the holder is at fault (fee)')}</option><option value="0">${t('本人の責によらない (無料)', 'not the holder\'s fault (free)')}</option></select></label>
        <label data-for="face_switch">${t('切り替え', 'Switch')}<select name="card_type" id="oc-card-type">${Object.keys(CARD_TYPE).map((k) => `<option value="${k}">${label(CARD_TYPE, k)}</option>`).join('')}</select></label>
        <label data-for="card_pickup">${t('交付申請書ID (23桁、交付通知書に記載)', 'Application ID (23 digits, on the pick-up notice)')}<input name="application" id="oc-application" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="40" value="${esc(groupedId(pickup || (collectable.length === 1 ? collectable[0].id : '')))}"></label>
        <label data-for="pin_reset">${t('再設定する暗証番号', 'PIN to reset')}<select name="pin" id="oc-pin"><option value="auth">${t('利用者証明用', 'auth')}</option><option value="sign">${t('署名用', 'sign')}</option></select></label>
        <label class="check" data-for="renewal new_issuance pin_reset found_card"><input type="checkbox" name="pin_forgotten" id="oc-pin-forgotten"> ${t('暗証番号を忘れた', 'PIN forgotten')}</label>
        <label class="check" data-applicant="agent legal"><input type="checkbox" name="holder_present" id="oc-holder-present"> ${t('本人も来庁', 'the holder is present too')}</label>
        <label data-applicant="legal">${t('法定代理人の住民番号 (登録がある場合)', 'Representative\'s resident number (if registered)')}<input name="representative" id="oc-representative" inputmode="numeric"></label>
        <label class="check" data-applicant="parent"><input type="checkbox" name="honseki_in_city" id="oc-honseki"> ${t('本籍が市内', 'honseki in the city')}</label>
        <label class="check" data-applicant="legal"><input type="checkbox" name="no_photo_id" id="oc-no-photo"> ${t('代理人に顔写真付き書類がない', 'the representative has no photo ID')}</label>
        <button class="primary" type="submit" id="oc-submit">${t('案件を開く', 'Open the case')}</button>
      </form>
      <div id="oc-result" aria-live="polite"></div>
    </section>`;
    const sync = () => {
      const p = $('#oc-procedure').value;
      const a = $('#oc-applicant').value;
      const group = a.startsWith('agent') ? 'agent' : a === 'legal_rep_parent' ? 'legal parent' : a.startsWith('legal') ? 'legal' : 'self';
      $$('[data-for]', body).forEach((el) => { el.hidden = !el.dataset.for.split(' ').includes(p); });
      $$('[data-applicant]', body).forEach((el) => { el.hidden = !el.dataset.applicant.split(' ').some((g) => group.split(' ').includes(g)); });
    };
    $('#oc-procedure').addEventListener('change', sync);
    $('#oc-applicant').addEventListener('change', sync);
    if (pickup) $('#oc-procedure').value = 'card_pickup';
    sync();
    if (pickup) $('#h-open').scrollIntoView();
    // A produced card of this resident: the pick-up form with its ID.
    $$('[data-pickup]', body).forEach((btn) => btn.addEventListener('click', () => {
      $('#oc-procedure').value = 'card_pickup';
      $('#oc-application').value = groupedId(btn.dataset.pickup);
      sync();
      $('#h-open').scrollIntoView();
      $('#oc-procedure').focus();
    }));
    $('#open-case').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const req = { resident: Number(r.id), procedure: $('#oc-procedure').value, applicant: $('#oc-applicant').value, counter: $('#oc-counter').value };
      if ($('#oc-date').value) req.date = $('#oc-date').value;
      if (req.procedure === 'pin_reset') req.pin = $('#oc-pin').value;
      else if (req.procedure === 'renewal' || req.procedure === 'new_issuance') req.certs = $('#oc-certs').value;
      if (req.procedure === 'abolish_card') {
        req.card_event = $('#oc-card-event').value;
        if ($('#oc-at-fault').value) req.holder_at_fault = $('#oc-at-fault').value === '1';
      }
      if (req.procedure === 'face_switch') req.card_type = $('#oc-card-type').value;
      if (req.procedure === 'card_pickup') {
        req.application = applicationDigits($('#oc-application').value);
        if (!/^\d{23}$/.test(req.application)) {
          $('#oc-application').setAttribute('aria-invalid', 'true');
          show($('#oc-result'), `<p class="error" role="alert">${t('交付申請書ID は23桁の数字です (交付通知書に記載)。', 'The application ID has 23 digits (on the pick-up notice).')}</p>`, true);
          $('#oc-application').focus();
          return;
        }
        $('#oc-application').removeAttribute('aria-invalid');
      }
      const visible = (el) => !el.closest('[hidden]');
      if (visible($('#oc-pin-forgotten')) && $('#oc-pin-forgotten').checked) req.pin_forgotten = true;
      if (visible($('#oc-holder-present')) && $('#oc-holder-present').checked) req.holder_present = true;
      if (visible($('#oc-representative')) && $('#oc-representative').value.trim()) req.representative = Number($('#oc-representative').value.trim());
      if (visible($('#oc-honseki')) && $('#oc-honseki').checked) req.honseki_in_city = true;
      if (visible($('#oc-no-photo')) && $('#oc-no-photo').checked) req.no_photo_id = true;
      await busy(ev.target, async () => {
        try {
          const c = await api('POST', '/api/cases', req);
          location.hash = `#/staff/case/${c.case}`;
        } catch (err) { show($('#oc-result'), errorHtml(err), true); }
      });
    });
  } catch (err) { show(body, errorHtml(err)); }
}

// ---- a case: documents, decision, execution ----

function docFieldset(line, i) {
  const what = line.what || line.item;
  const whose = line.whose || 'holder';
  const head = `<legend><label class="check"><input type="checkbox" class="doc-present" id="doc-${i}-present" data-i="${i}"> ${esc(t(line.text ?? line.ja, line.text_en ?? line.en))}</label>${rule(line.rules)}</legend>`;
  let fields = '';
  if (what === 'id') {
    fields = `<label>${t('書類の種類', 'Document')}<select id="doc-${i}-kind">${idKindOptions(line.excludes_holder_card || /マイナンバーカード以外/.test(line.text || line.ja || ''))}</select></label>
      <label>${t('有効期限 (あれば)', 'Expires (if any)')}<input type="date" id="doc-${i}-expires"></label>
      <label>${t('交付日 (運転経歴証明書など)', 'Issued (driving history cert)')}<input type="date" id="doc-${i}-issued"></label>`;
  } else if (what === 'inquiry_form') {
    // From the J-LIS notice (R-PROC-4) or mailed by the municipality in 文書照会 (R-PROC-6).
    const mailed = (line.rules || []).includes('R-PROC-6');
    fields = `<label>${t('照会書の出どころ', 'Where the form came from')}<select id="doc-${i}-source">
        <option value="jlis"${mailed ? '' : ' selected'}>${t('有効期限通知書に同封 (J-LIS)', 'with the J-LIS expiry notice')}</option>
        <option value="municipal"${mailed ? ' selected' : ''}>${t('文書照会で市区町村が郵送', 'mailed by the municipality (inquiry by post)')}</option></select></label>
      <label>${t('有効期間 (証明書の有効期限)', 'Valid until (the certificate\'s expiry)')}<input type="date" id="doc-${i}-expires"></label>
      <label>${t('印字日', 'Printed on')}<input type="date" id="doc-${i}-printed"></label>
      <label class="check"><input type="checkbox" id="doc-${i}-unsigned"> ${t('自署・記名押印がない', 'not signed')}</label>
      <label class="check"><input type="checkbox" id="doc-${i}-pin-visible"> ${t('暗証番号が目隠しされていない', 'PIN not covered')}</label>
      <label class="check"><input type="checkbox" id="doc-${i}-incomplete"> ${t('記入不足', 'incomplete')}</label>`;
  } else if (what === 'koseki_tohon' || what === 'touki_jiko_shomei') {
    fields = `<label>${t('発行日', 'Issued on')}<input type="date" id="doc-${i}-issued"></label>`;
  }
  return `<fieldset class="doc" data-i="${i}" data-item="${esc(what)}" data-whose="${esc(whose)}">${head}
    <div class="doc-fields">${fields}
      <label class="check"><input type="checkbox" id="doc-${i}-copy"> ${t('コピー', 'a copy')}</label>
      <label class="check"><input type="checkbox" id="doc-${i}-illegible"> ${t('判読できない', 'illegible')}</label></div>
    <div class="doc-result" id="doc-${i}-result" aria-live="polite"></div></fieldset>`;
}

function documentFromFieldset(fs) {
  const i = fs.dataset.i;
  const d = { item: fs.dataset.item, whose: fs.dataset.whose };
  const val = (k) => { const el = $(`#doc-${i}-${k}`); return el ? el.value : ''; };
  const on = (k) => { const el = $(`#doc-${i}-${k}`); return Boolean(el && el.checked); };
  if (d.item === 'id') d.kind = val('kind');
  if (val('expires')) d.expires = val('expires');
  if (val('issued')) d.issued = val('issued');
  if (val('printed')) d.printed = val('printed');
  if (val('source')) d.source = val('source');
  for (const flag of ['copy', 'illegible', 'unsigned', 'pin-visible', 'incomplete']) if (on(flag)) d[flag] = true;
  return d;
}

function decisionHtml(d) {
  if (!d || !d.outcome) return '';
  const lines = (list) => list.map((l) => `<li>${esc(t(l.ja, l.en))}${rule(l.rules)}</li>`).join('');
  return `<div class="decision" id="decision-box">
    <h3>${t('判定', 'Decision')}: <span class="status ${esc(d.outcome)}" id="outcome" data-outcome="${esc(d.outcome)}">${label(OUTCOME, d.outcome)}</span>
      <small>${t(`来庁 ${d.visit}/${d.visits_total} 回目`, `visit ${d.visit} of ${d.visits_total}`)}${d.document_inquiry ? t(' (文書照会)', ' (inquiry by post)') : ''}</small></h3>
    ${d.refusals && d.refusals.length ? `<h4>${t('受け付けできない理由', 'Refused because')}</h4>${reasonsHtml(d.refusals, 'bad')}` : ''}
    ${d.missing && d.missing.length ? `<h4>${t('不足している書類', 'Missing')}</h4><ul class="bad">${lines(d.missing)}</ul>` : ''}
    ${d.document_checks && d.document_checks.length ? `<h4>${t('書類の確認', 'Document checks')}</h4>${reasonsHtml(d.document_checks, 'bad')}` : ''}
    ${d.next_visit_by ? `<p>${t('次回来庁の期限', 'Next visit by')}: <strong>${day(d.next_visit_by)}</strong>${rule('R-PROC-6')}</p>` : ''}
    ${d.auth_expiry || d.sign_expiry ? `<p>${t('新しい証明書の有効期限', 'New certificates expire')}: ${d.auth_expiry ? `${t('利用者証明用', 'auth')} <strong>${day(d.auth_expiry)}</strong>` : ''} ${d.sign_expiry ? `${t('署名用', 'sign')} <strong>${day(d.sign_expiry)}</strong>` : ''}${d.paid_reissue ? ` <span class="tag">${t('有料の再交付', 'paid re-issuance')}</span>` : ''}</p>` : ''}
    ${d.fee_yen ? `<p id="fee">${t('再交付手数料', 'Re-issuance fee')}: <strong>${esc(d.fee_yen)} ${t('円', 'yen')}</strong>${rule('R-LOST-4')}</p>` : ''}
    ${d.actions && d.actions.length ? `<h4>${t('職員の作業', 'Staff actions')}</h4><ul>${d.actions.map((a) => `<li>${esc(t(a.ja, a.en))}</li>`).join('')}</ul>` : ''}
    ${d.steps && d.steps.length ? `<h4>${t('実行する手順', 'Steps to execute')}</h4><ol class="steps">${d.steps.map((s) => `<li><code>${esc(s.id)}</code> ${esc(stepText(s))}</li>`).join('')}</ol>` : ''}
    ${d.reasons && d.reasons.length ? `<h4>${t('根拠', 'Reasons')}</h4>${reasonsHtml(d.reasons)}` : ''}
  </div>`;
}

// The steps in words for the clerk. The server describes every step (s.ja, s.en); the steps of
// the face cards and of the card's pick-up are said here the way the counter says them, and a
// PIN by its name rather than its key.
const STEP_WORDS = {
  face_check: ['顔認証: 本人の顔とカードの顔写真を照合 (結果を下で選びます)', 'face check: the holder\'s face against the card\'s photo (the result is chosen below)'],
  face_on: ['顔認証マイナンバーカードに切り替え (暗証番号を消去)', 'switch to a face-authentication card (PINs cleared)'],
  face_off: ['暗証番号のカードに戻す (本人が新しい暗証番号を設定)', 'switch back to a PIN card (the holder sets new PINs)'],
  adopt_card: ['新しいカードを本人に交付し、古いカードを返納', 'hand the new card to the holder; the old card is returned'],
};
const stepText = (s) => {
  if (STEP_WORDS[s.id]) return t(...STEP_WORDS[s.id]);
  if (s.id.startsWith('reset_pin:')) return t(`${pinWords(`new:${s.id.slice(10)}`)}を設定`, `set ${pinWords(`new:${s.id.slice(10)}`)}`);
  return t(s.ja, s.en);
};

// The PINs the steps need: check_pins → the current PINs (auth; sign when a sign key is made;
// 住基 where the municipality checks it, R-PROC-1); reset_pin:K → a new PIN for K; face_off (a
// face card back to PINs, R-FACE-3) → new auth and, when a sign key is made, sign PINs.
// From the inquiry-and-response form (agent_with_form) the clerk types every PIN twice: a typo
// is caught on the page and costs no try of the card; only a confirmed PIN that the card
// refuses sends the case to 文書照会 (R-PROC-5).
function pinFields(d, applicant) {
  const twice = applicant === 'agent_with_form';
  const ids = (d.steps || []).map((s) => s.id);
  const f = [];
  const auth = ['利用者証明用電子証明書の暗証番号 (数字4桁)', 'auth PIN (4 digits)'];
  const sign = ['署名用電子証明書の暗証番号 (英数字6〜16桁)', 'sign PIN (6–16 letters and digits)'];
  const words = {
    auth, sign, text: ['券面事項入力補助用暗証番号 (数字4桁)', 'card-text PIN (4 digits)'], juki: ['住民基本台帳用暗証番号 (数字4桁)', '住基 PIN (4 digits)'],
  };
  if (ids.includes('check_pins')) {
    f.push({ key: 'auth', label: auth, mode: 'numeric', max: 4, confirm: twice });
    if (ids.includes('keygen:sign')) f.push({ key: 'sign', label: sign, mode: 'text', max: 16, confirm: twice });
    const check = (d.actions || []).find((a) => a.id === 'check_pins');
    if (check && /住民基本台帳|住基/.test(check.ja || '')) f.push({ key: 'juki', label: ['住民基本台帳用暗証番号 (数字4桁)', '住基 PIN (4 digits)'], mode: 'numeric', max: 4, confirm: twice });
  }
  // New PINs, each once whichever steps ask for it, typed twice.
  const fresh = ids.filter((x) => x.startsWith('reset_pin:')).map((x) => x.slice('reset_pin:'.length));
  if (ids.includes('face_off')) fresh.push('auth', ...(ids.includes('keygen:sign') ? ['sign'] : []));
  for (const k of [...new Set(fresh)]) {
    const base = words[k] || [k, k];
    f.push({ key: `new:${k}`, label: [`新しい${base[0]}`, `new ${base[1]}`], mode: k === 'sign' ? 'text' : 'numeric', max: k === 'sign' ? 16 : 4, confirm: true });
  }
  return f;
}

// The PINs in words, for messages (the API names them auth, sign, juki, new:auth…).
const PIN_WORDS = {
  auth: ['利用者証明用電子証明書の暗証番号', 'the authentication certificate\'s PIN'],
  sign: ['署名用電子証明書の暗証番号', 'the signature certificate\'s password'],
  juki: ['住民基本台帳用暗証番号', 'the resident registry PIN'],
  text: ['券面事項入力補助用暗証番号', 'the card-text PIN'],
};
const pinWords = (key) => {
  const k = String(key || '').replace(/^new:/, '');
  const w = PIN_WORDS[k] || [k, k];
  return String(key).startsWith('new:') ? t(`新しい${w[0]}`, `the new ${w[1].replace(/^the /, '')}`) : t(w[0], w[1]);
};

function executeFormHtml(d, applicant) {
  const fields = pinFields(d, applicant);
  const ids = (d.steps || []).map((s) => s.id);
  // A 紛失届 (R-LOST-4) never reaches the card: no PIN, nothing written to it.
  const touchesCard = ids.some((id) => /^(check_pins|reset_pin|keygen|write|face_|adopt_card)/.test(id));
  const fresh = fields.some((p) => p.key.startsWith('new:'));
  const who = applicant === 'agent_with_form'
    ? t('照会書兼回答書に記入された暗証番号を職員が入力します (R-PROC-4)。', 'Staff type the PINs written on the form (R-PROC-4).')
    : fresh ? t('本人が新しい暗証番号を決めて、確認のため2回入力します。', 'The holder chooses the new PINs and types each twice.')
      : t('本人が暗証番号を入力します。', 'The holder types the PINs.');
  let hint;
  if (fields.length) hint = `${who} ${t('暗証番号はこの実行にだけ使われ、保存されません。', 'PINs are used for this execution only and never stored.')}`;
  else if (ids.includes('face_on')) hint = t('暗証番号は使いません。カードの暗証番号を消去し、署名用電子証明書を失効させます。', 'No PIN is used: the card\'s PINs are cleared and the sign certificate revoked.');
  else if (touchesCard) hint = t('暗証番号は使いません。', 'No PIN is used.');
  else hint = t('カードは使いません。電子証明書を失効させ、カードを廃止します。', 'The card is not used: the certificates are revoked and the card abolished.');
  // R-FACE-2/4: the face check in place of the PIN, as the reader or the clerk found it; a
  // mismatch counts on the card (10 allowed).
  const face = ids.includes('face_check') ? `<fieldset class="wide face-check" id="face-check" aria-describedby="face-check-hint"><legend>${t('顔認証の結果', 'Face check')}</legend>
      <p class="hint" id="face-check-hint">${t('本人の顔とカードの顔写真を、顔認証付きカードリーダーまたは職員の目視で照合した結果を選んでください。', 'Choose what the face-check reader or the clerk found, comparing the holder\'s face with the card\'s photo.')}</p>
      <label class="check"><input type="radio" name="face_check" value="match" id="face-match" required> ${t('一致', 'match')}</label>
      <label class="check"><input type="radio" name="face_check" value="mismatch" id="face-mismatch"> ${t('不一致', 'no match')}</label></fieldset>` : '';
  return `<form id="execute" autocomplete="off">
    <p class="hint">${hint}</p>
    ${face}
    ${fields.map((p) => `<label>${esc(t(...p.label))}<input type="password" autocomplete="off" name="${esc(p.key)}" id="pin-${esc(p.key.replace(':', '-'))}" inputmode="${p.mode}" maxlength="${p.max}" required spellcheck="false"></label>
      ${p.confirm ? `<label>${esc(t(`${p.label[0]} — 確認のためもう一度`, `${p.label[1]} — again to confirm`))}<input type="password" autocomplete="off" data-confirm="${esc(p.key)}" id="pin-${esc(p.key.replace(':', '-'))}-again" inputmode="${p.mode}" maxlength="${p.max}" required></label>` : ''}`).join('')}
    <button class="primary" type="submit" id="exec-submit">${touchesCard ? t('実行する (カードに書き込み)', 'Execute (write to the card)') : t('実行する (電子証明書の失効とカードの廃止)', 'Execute (revoke the certificates, abolish the card)')}</button>
  </form>`;
}

export async function casePage(main, id) {
  if (!(await staffFrame(main, 'search'))) return;
  const body = $('#staff-body');
  try {
    const c = await api('GET', `/api/cases/${encodeURIComponent(id)}`);
    const [r] = await Promise.all([api('GET', `/api/residents/${encodeURIComponent(c.resident)}`), municipalities()]);
    const visit = c.visits.find((v) => v.number === c.visit) || c.visits[c.visits.length - 1] || {};
    const counter = findCounter(visit.counter);
    const birth = r.birth || '';
    const on = visit.on || state.today || '';
    let age = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
    if (on.slice(5) < birth.slice(5)) age -= 1;
    const q = { municipality: c.municipality, procedure: c.procedure, applicant: c.applicant, counter: visit.counter || '' };
    if (age >= 0 && age <= 130) q.holder_age = String(age);
    if (r.adult_ward) q.adult_ward = '1';
    if (c.card_event) q.card_event = c.card_event;  // abolish_card (R-LOST-4)
    if (c.holder_at_fault !== undefined) q.holder_at_fault = c.holder_at_fault ? '1' : '0';
    // face_switch: which way (R-FACE-3), from a face card when going back to PINs.
    if (c.card_type) q.card_type = c.card_type;
    if (c.procedure === 'face_switch' && c.card_type === 'pin') q.face_card = '1';
    let application = null;
    if (c.application) {
      try { application = await api('GET', `/api/card-applications/${encodeURIComponent(c.application)}`); } catch { application = null; }
      if (application && application.face) q.card_type = 'face';  // R-FACE-1: applied for as a face card
    }
    let plan = null;
    try { plan = await api('GET', `/api/procedure?${new URLSearchParams(q)}`); } catch { plan = null; }
    const planVisit = plan && plan.possible && plan.visits[c.visit - 1];
    const lines = planVisit ? planVisit.documents : [];
    const docsNow = c.documents.filter((d) => d.visit === c.visit);
    body.innerHTML = `<section aria-labelledby="h-case"><h2 id="h-case" tabindex="-1">${t('案件', 'Case')} ${esc(c.case)} — <a href="#/staff/resident/${esc(r.id)}">${esc(r.name)}</a></h2>
      <p>${label(PROCEDURES, c.procedure)} / ${label(APPLICANTS, c.applicant)} — ${esc(counter ? counterName(counter.counter) : visit.counter)} — ${day(visit.on)}
        — ${t('状態', 'state')}: <span class="status ${esc(c.state)}" id="case-state">${label(CASE_STATE, c.state)}</span>
        ${c.deadline ? ` — ${t('期限', 'deadline')} ${day(c.deadline)}` : ''}</p>
      ${c.card_type ? `<p id="case-card-type">${t('切り替え', 'Switch')}: <strong>${label(CARD_TYPE, c.card_type)}</strong>${rule('R-FACE-3')}</p>` : ''}
      ${c.application ? `<p id="case-application">${t('交付申請書ID', 'Application ID')}: <span class="mono nowrap">${esc(groupedId(c.application))}</span>${application ? ` — <span id="case-application-state">${label(APP_STATE, application.state)}</span>${application.face ? ` — <strong>${t('顔認証マイナンバーカード', 'face-authentication card')}</strong>` : ''}${application.new_card_expiry ? ` — ${t('新しいカードの有効期限', 'new card expires')} ${day(application.new_card_expiry)}` : ''}` : ''}${rule('R-CARD-2')}</p>` : ''}
      ${r.forwarding ? `<p class="notice">${t('転送届あり', 'Forwarding request on file')}${rule('R-NOT-2')}</p>` : ''}
      ${planVisit ? `<h3>${t(`${c.visit}回目の来庁で必要なもの`, `Needed at visit ${c.visit}`)}</h3><ul>${planVisit.documents.map((l) => `<li>${label(WHOSE, l.whose)}: ${esc(t(l.text, l.text_en))}${l.optional ? t(' (任意)', ' (optional)') : ''}${rule(l.rules)}</li>`).join('')}</ul>
        ${planVisit.staff_actions && planVisit.staff_actions.length ? `<ul class="hint">${planVisit.staff_actions.map((a) => `<li>${esc(t(a.text, a.text_en))}</li>`).join('')}</ul>` : ''}` : ''}
      <h3>${t('記録済みの書類', 'Documents recorded')}</h3>
      <div id="docs-recorded">${docsTable(docsNow)}</div>
    </section>
    <section aria-labelledby="h-docs" id="docs-section"${['open', 'accepted', 'waiting'].includes(c.state) ? '' : ' hidden'}>
      <h2 id="h-docs">${t('提示された書類を記録', 'Record the documents presented')}</h2>
      <p class="hint">${t('提示された書類にチェックを入れ、内容を確認して「記録する」を押してください。コピー・期限切れ・受け付けない書類は理由と規則 ID を示して記録されません。', 'Tick what was presented and record it. A copy, an expired or a refused document is not recorded; the reason and rule ID are shown.')}${rule('R-PROC-9')}</p>
      <form id="docs">
        ${lines.map((l, i) => docFieldset(l, i)).join('')}
        <fieldset class="doc" data-i="x" data-item="" data-whose="">
          <legend><label class="check"><input type="checkbox" class="doc-present" id="doc-x-present" data-i="x"> ${t('その他の書類', 'Another document')}</label></legend>
          <div class="doc-fields">
            <label>${t('書類', 'Item')}<select id="doc-x-item">${Object.keys(OTHER_ITEMS).map((k) => `<option value="${k}">${label(OTHER_ITEMS, k)}</option>`).join('')}</select></label>
            <label>${t('誰の', 'Whose')}<select id="doc-x-whose">${Object.keys(WHOSE).map((k) => `<option value="${k}">${label(WHOSE, k)}</option>`).join('')}</select></label>
            <label>${t('本人確認書類の種類', 'Identity document')}<select id="doc-x-kind">${idKindOptions(false)}</select></label>
            <label>${t('有効期限', 'Expires')}<input type="date" id="doc-x-expires"></label>
            <label>${t('発行日', 'Issued')}<input type="date" id="doc-x-issued"></label>
            <label class="check"><input type="checkbox" id="doc-x-copy"> ${t('コピー', 'a copy')}</label>
          </div>
          <div class="doc-result" id="doc-x-result" aria-live="polite"></div>
        </fieldset>
        <button class="primary" type="submit" id="docs-submit">${t('チェックした書類を記録する', 'Record the ticked documents')}</button>
      </form>
      <div id="docs-summary" aria-live="polite"></div>
    </section>
    <section aria-labelledby="h-decide"><h2 id="h-decide">${t('判定と実行', 'Decision and execution')}</h2>
      <button type="button" class="primary" id="decide"${['open', 'accepted', 'waiting'].includes(c.state) ? '' : ' disabled'}>${t('判定する', 'Decide')}</button>
      <div id="decision" aria-live="polite">${decisionHtml(c.decision)}</div>
      <div id="exec-box">${c.state === 'accepted' && c.decision && c.decision.outcome === 'accepted' ? executeFormHtml(c.decision, c.applicant) : ''}</div>
      <div id="exec-result" aria-live="polite">${c.state === 'done' ? doneHtml(r.id, c) : ''}</div>
      ${c.state === 'waiting' ? `<p class="notice">${t(`次回来庁の期限: ${day(c.deadline)}。次回の来庁の記録はこの画面ではまだできません (mynacert counter visit)。`, `Next visit by ${day(c.deadline)}. The next visit is not yet recorded from this page (mynacert counter visit).`)}${rule('R-PROC-6')}</p>` : ''}
    </section>
    ${c.audit && c.audit.length ? `<section aria-labelledby="h-audit"><details><summary id="h-audit">${t(`監査記録 (${c.audit.length} 件)`, `Audit records (${c.audit.length})`)}</summary>
      ${table(['#', t('日時', 'When'), t('職員', 'Staff'), t('操作', 'Action')], c.audit.map((a) => `<tr><td>${esc(a.seq)}</td><td>${esc(jstTime(a.at))}</td><td>${esc(a.clerk)}</td><td><code>${esc(a.action)}</code></td></tr>`), 'audit')}</details></section>` : ''}`;

    $('#docs').addEventListener('submit', (ev) => recordDocuments(ev, c));
    $('#decide').addEventListener('click', () => decide(c, r));
    if ($('#execute')) bindExecute(c, r);
  } catch (err) { show(body, errorHtml(err)); }
}

// Seconds since the epoch as JST "2026-07-07 (火) 09:12".
const jstTime = (secs) => {
  if (!Number.isFinite(Number(secs))) return String(secs ?? '');
  const d = new Date(Number(secs) * 1000 + 9 * 3600 * 1000).toISOString();
  return `${day(d.slice(0, 10))} ${d.slice(11, 16)}`;
};

const docsTable = (docs) => (docs.length
  ? table([t('書類', 'Item'), t('種類', 'Kind'), t('誰の', 'Whose'), t('区分', 'Category')],
    docs.map((d) => `<tr><td>${label(OTHER_ITEMS, d.item)}</td><td>${esc((ID_KINDS.find((k) => k[0] === d.kind) || [])[state.lang === 'ja' ? 1 : 2] || d.kind || '')}</td><td>${label(WHOSE, d.whose)}</td><td>${esc(d.category || '')}</td></tr>`), 'docs')
  : `<p>${t('まだありません', 'none yet')}</p>`);

async function recordDocuments(ev, c) {
  ev.preventDefault();
  const form = ev.target;
  const ticked = $$('.doc-present', form).filter((x) => x.checked);
  if (!ticked.length) { show($('#docs-summary'), `<p class="error" role="alert">${t('記録する書類にチェックを入れてください', 'Tick a document first')}</p>`); return; }
  await busy(form, async () => {
    let ok = 0;
    let refused = 0;
    for (const box of ticked) {
      const fs = box.closest('fieldset');
      const i = fs.dataset.i;
      let doc;
      if (i === 'x') {
        doc = { item: $('#doc-x-item').value, whose: $('#doc-x-whose').value };
        if (doc.item === 'id') doc.kind = $('#doc-x-kind').value;
        if ($('#doc-x-expires').value) doc.expires = $('#doc-x-expires').value;
        if ($('#doc-x-issued').value) doc.issued = $('#doc-x-issued').value;
        if ($('#doc-x-copy').checked) doc.copy = true;
        if (doc.item === 'inquiry_form') doc.source = 'jlis';
      } else {
        doc = documentFromFieldset(fs);
      }
      const out = $(`#doc-${i}-result`);
      try {
        await api('POST', `/api/cases/${c.case}/documents`, doc);
        ok += 1;
        box.checked = false;
        fs.classList.add('recorded');
        show(out, `<p class="ok">✓ ${t('記録しました', 'recorded')}</p>`);
      } catch (err) {
        refused += 1;
        fs.classList.remove('recorded');
        show(out, errorHtml(err));
      }
    }
    show($('#docs-summary'), `<p role="status">${t(`${ok} 件記録、${refused} 件は記録されませんでした`, `${ok} recorded, ${refused} not recorded`)}</p>`);
    try {
      const fresh = await api('GET', `/api/cases/${c.case}`);
      $('#docs-recorded').innerHTML = docsTable(fresh.documents.filter((d) => d.visit === fresh.visit));
    } catch { /* the list refreshes on the next load */ }
  });
}

async function decide(c, r) {
  const btn = $('#decide');
  btn.disabled = true;
  try {
    const d = await api('POST', `/api/cases/${c.case}/decide`, {});
    show($('#decision'), decisionHtml(d), true);
    $('#exec-result').innerHTML = '';
    const stateEl = $('#case-state');
    const st = { accepted: 'accepted', missing: 'open', next_visit: 'waiting', refused: 'refused' }[d.outcome] || d.outcome;
    stateEl.className = `status ${st}`;
    stateEl.innerHTML = label(CASE_STATE, st);
    c.state = st;
    $('#exec-box').innerHTML = d.outcome === 'accepted' ? executeFormHtml(d, c.applicant) : '';
    if ($('#execute')) bindExecute(c, r);
  } catch (err) { show($('#decision'), errorHtml(err), true); } finally { btn.disabled = !['open', 'accepted', 'waiting'].includes(c.state); }
}

function bindExecute(c, r) {
  const form = $('#execute');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = $('#exec-result');
    const inputs = $$('input[type="password"]', form);
    const pins = {};
    const mismatched = [];
    inputs.forEach((el) => el.removeAttribute('aria-invalid'));
    for (const el of inputs) {
      if (el.dataset.confirm) {
        const first = $(`input[name="${CSS.escape(el.dataset.confirm)}"]`, form);
        if (el.value !== first.value) mismatched.push([el.dataset.confirm, first, el]);
        continue;
      }
      pins[el.name] = el.value;
    }
    if (mismatched.length) {
      // Nothing is sent: no try of the card is spent. Only the mismatched pair is cleared.
      for (const [, first, again] of mismatched) {
        first.value = '';
        again.value = '';
        first.setAttribute('aria-invalid', 'true');
        again.setAttribute('aria-invalid', 'true');
      }
      for (const k of Object.keys(pins)) pins[k] = '';
      show(out, `<p class="error" role="alert">${esc(mismatched.map(([k]) => t(`${pinWords(k)}が2回の入力で一致しません。もう一度入力してください (カードの試行回数は減っていません)。`, `${pinWords(k)} was typed differently twice; type it again (no try of the card was used).`)).join(' '))}</p>`, true);
      mismatched[0][1].focus();
      return;
    }
    try {
      await busy(form, async () => {
        try {
          const req = { pins };
          const face = $('input[name="face_check"]:checked', form);
          if (face) req.face_check = face.value;
          const res = await api('POST', `/api/cases/${c.case}/execute`, req);
          if (res.completed) {
            c.state = 'done';
            $('#exec-box').innerHTML = '';
            $('#docs-section').hidden = true;
            $('#decide').disabled = true;
            const stateEl = $('#case-state');
            stateEl.className = 'status done';
            stateEl.innerHTML = label(CASE_STATE, 'done');
            if (c.procedure === 'card_pickup' && $('#case-application-state')) $('#case-application-state').innerHTML = label(APP_STATE, 'picked_up');
            show(out, doneHtml(r.id, c, res), true);
          } else if (res.pin_failure) {
            const f = res.pin_failure;
            show(out, `<p class="error" role="alert">${esc(t(`${pinWords(f.pin)}がカードと一致しません。残り ${f.tries_left} 回${f.locked ? '。ロックされました (再設定が必要です)' : ''}`, `${pinWords(f.pin)} did not match the card: ${f.tries_left} tries left${f.locked ? '; now locked (reset needed)' : ''}`))}${rule(c.applicant === 'agent_with_form' ? 'R-PROC-5' : 'R-CERT-6')}</p>${decisionHtml(res.decision)}`, true);
            if (res.decision && res.decision.outcome !== 'accepted') $('#exec-box').innerHTML = '';
          } else if (res.face_failure) {
            // R-FACE-2: nothing was changed; the case stays accepted and may be tried again.
            const f = res.face_failure;
            show(out, `<p class="error" role="alert" id="face-failure">${esc(f.locked
              ? t('顔認証で本人と確認できず、カードの顔認証がロックされました (10回連続の不一致)。窓口でロックを解除するまで、この手続きはできません。', 'The face did not match and the card\'s face authentication is now locked (10 mismatches in a row). The counter must unlock it before this procedure can go on.')
              : t(`顔認証で本人と確認できませんでした。カードには何も書き込んでいません。顔認証はあと ${f.tries_left} 回失敗するとロックされます。`, `The face did not match; nothing was written to the card. ${f.tries_left} more failures lock the face authentication.`))}${rule(f.rule || 'R-FACE-2')}</p>${decisionHtml(res.decision)}`, true);
            $$('input[name="face_check"]', form).forEach((el) => { el.checked = false; });
            if (f.locked || (res.decision && res.decision.outcome !== 'accepted')) $('#exec-box').innerHTML = '';
          } else {
            show(out, `<p class="error" role="alert">${t('実行されませんでした。判定が変わりました。', 'Not executed: the decision changed.')}</p>${decisionHtml(res.decision)}`, true);
            $('#exec-box').innerHTML = '';
          }
        } catch (err) { show(out, errorHtml(err), true); }
      });
    } finally {
      // The PINs leave the page with the request: the fields are cleared whatever happened.
      inputs.forEach((el) => { el.value = ''; });
      for (const k of Object.keys(pins)) pins[k] = '';
    }
  });
}

function doneHtml(rid, c, res) {
  const issued = res ? res.issued : [];
  const revoked = res && res.revoked && res.revoked.length ? res.revoked : [];
  const serials = (list) => list.map((x) => `${label(CERT_KIND, x.kind)} <span class="mono">${esc(x.serial)}</span>`).join(', ');
  if (c && c.procedure === 'face_switch' && c.card_type === 'face') {  // R-FACE-3: nothing issued
    return `<div class="done" id="exec-done"><p class="ok" role="status"><strong>${t('顔認証マイナンバーカードに切り替えました', 'Switched to a face-authentication card')}</strong>${rule('R-FACE-3')}</p>
    ${revoked.length ? `<p>${t('失効', 'Revoked')}: ${serials(revoked)}</p>` : ''}
    <p class="hint">${t('カードの追記欄に「顔認証」と本日の日付を記載してください。暗証番号は消去されました。', 'Write 顔認証 and today\'s date in the card\'s 追記欄. The PINs were cleared.')}</p></div>`;
  }
  if (c && (c.procedure === 'face_switch' || c.procedure === 'card_pickup')) {
    const title = c.procedure === 'card_pickup' ? t('新しいカードを交付しました', 'The new card was handed over') : t('暗証番号のカードに戻しました', 'Switched back to a PIN card');
    const hint = c.procedure === 'card_pickup'
      ? t('古いカードは返納を受け、その電子証明書は失効しました。ご希望の方には電子証明書の写しをお渡しします。', 'The old card was returned and its certificates revoked. A printed copy of the certificate is handed over on request.')
      : t('新しい暗証番号を設定しました。ご希望の方には電子証明書の写しをお渡しします。', 'New PINs are set. A printed copy of the certificate is handed over on request.');
    return `<div class="done" id="exec-done"><p class="ok" role="status"><strong>${title}</strong>${rule(c.procedure === 'card_pickup' ? 'R-CARD-2' : 'R-FACE-3')}</p>
    ${issued && issued.length ? `<ul>${issued.map((x) => `<li>${label(CERT_KIND, x.kind)}: <span class="mono">${esc(x.serial)}</span></li>`).join('')}</ul>` : ''}
    ${revoked.length ? `<p>${t('失効 (旧証明書)', 'Revoked (old)')}: ${serials(revoked)}</p>` : ''}
    ${issued && issued.length ? `<p class="actions">${copyLinks(rid, issued.map((x) => x.kind))}</p>` : ''}
    <p class="hint">${hint}${rule('R-PROC-11')}</p></div>`;
  }
  if (c && c.procedure === 'abolish_card') {  // R-LOST-4: nothing issued, nothing to copy
    return `<div class="done" id="exec-done"><p class="ok" role="status"><strong>${t('電子証明書を失効させ、カードを廃止しました', 'Certificates revoked and the card abolished')}</strong>${rule('R-LOST-4')}</p>
    ${res && res.revoked && res.revoked.length ? `<p>${t('失効', 'Revoked')}: ${res.revoked.map((x) => `${label(CERT_KIND, x.kind)} <span class="mono">${esc(x.serial)}</span>`).join(', ')}</p>` : ''}
    <p class="hint">${t('新しいカードは再交付の申請をしてください。', 'A new card is applied for as a re-issuance.')}</p></div>`;
  }
  return `<div class="done" id="exec-done"><p class="ok" role="status"><strong>${t('電子証明書を発行しました', 'Certificates issued')}</strong></p>
    ${issued && issued.length ? `<ul>${issued.map((x) => `<li>${label(CERT_KIND, x.kind)}: <span class="mono">${esc(x.serial)}</span></li>`).join('')}</ul>` : ''}
    ${res && res.revoked && res.revoked.length ? `<p>${t('失効 (旧証明書)', 'Revoked (old)')}: ${res.revoked.map((x) => `${label(CERT_KIND, x.kind)} <span class="mono">${esc(x.serial)}</span>`).join(', ')}</p>` : ''}
    <p class="actions">${copyLinks(rid, issued && issued.length ? issued.map((x) => x.kind) : ['auth', 'sign'])}</p>
    <p class="hint">${t('ご希望の方には電子証明書の写しをお渡しします。', 'A printed copy of the certificate is handed over on request.')}${rule('R-PROC-11')}</p></div>`;
}

// ---- bookings per counter and day ----

export async function bookingsPage(main) {
  if (!(await staffFrame(main, 'bookings'))) return;
  const munis = await municipalities();
  const counters = munis.flatMap((m) => m.counters.filter((c) => c.reservation !== 'walk_in').map((c) => ({ m, c })));
  const last = sessionStorage.getItem('bookings_counter');
  $('#staff-body').innerHTML = `<section aria-labelledby="h-bookings"><h2 id="h-bookings" tabindex="-1">${t('予約一覧', 'Bookings')}</h2>
    <form id="bookings-form">
      <label>${t('窓口', 'Counter')}<select id="bl-counter">${munis.map((m) => `<optgroup label="${esc(t(m.name_ja, m.name_en))}">${counters.filter((x) => x.m === m).map((x) => `<option value="${esc(x.c.id)}"${x.c.id === last ? ' selected' : ''}>${esc(counterName(x.c))}</option>`).join('')}</optgroup>`).join('')}</select></label>
      <label>${t('日付', 'Date')}<input type="date" id="bl-date" value="${esc(sessionStorage.getItem('bookings_date') || state.today || '')}" required></label>
      <button class="primary" type="submit">${t('表示', 'Show')}</button>
    </form><div id="bl-result" aria-live="polite"></div></section>
    <section aria-labelledby="h-phone"><h2 id="h-phone">${t('電話での予約 (専用ダイヤル)', 'Booking for a caller (phone line)')}</h2>
    <p class="hint">${t('上で選んだ窓口と日付に、お電話の方の予約を入れます。予約のきまり (受付期間・予約ID) は窓口のウェブ予約と同じです。操作は監査ログに記録されます。', 'Books the counter and day chosen above for a caller. The same rules apply as on the web (booking period, reservation ID). Audited.')}</p>
    <form id="phone-form">
      <label>${t('時間帯', 'Time')}<select id="ph-start" required></select></label>
      <label>${t('お名前', 'Name')}<input id="ph-name" required maxlength="100" autocomplete="off"></label>
      <label>${t('電話番号', 'Phone')}<input id="ph-phone" type="tel" maxlength="20" autocomplete="off"></label>
      <label>${t('予約ID (通知書に記載、必要な市のみ)', 'Reservation ID (where required)')}<input id="ph-code" autocomplete="off" spellcheck="false"></label>
      <button class="primary" type="submit">${t('予約を入れる', 'Book for the caller')}</button>
    </form><div id="ph-result" aria-live="polite"></div>
    <form id="phone-find">
      <label>${t('予約番号で探す', 'Find by booking number')}<input id="ph-number" inputmode="numeric" required autocomplete="off"></label>
      <button type="submit">${t('探す', 'Find')}</button>
    </form><div id="ph-found" aria-live="polite"></div></section>`;
  const cancelButton = (b) => (b.status === 'cancelled' ? '' : `<button type="button" class="danger" data-cancel="${esc(b.number)}">${t('取消', 'Cancel')}</button>`);
  // A caller's cancellation, after a second click (audited as booking_cancel_by_phone).
  const wireCancel = (root, after) => $$('[data-cancel]', root).forEach((btn) => btn.addEventListener('click', async () => {
    if (btn.dataset.sure !== '1') {
      btn.dataset.sure = '1';
      btn.textContent = t(`予約番号 ${btn.dataset.cancel} を取り消す (確認)`, `Confirm: cancel ${btn.dataset.cancel}`);
      return;
    }
    try {
      await api('POST', `/api/staff/bookings/${encodeURIComponent(btn.dataset.cancel)}/cancel`, {});
      await after();
    } catch (err) { show($('#ph-result'), errorHtml(err), true); }
  }));
  const loadTimes = async () => {
    const counter = $('#bl-counter').value;
    const date = $('#bl-date').value;
    try {
      const s = await api('GET', `/api/slots?${new URLSearchParams({ counter, date })}`);
      const open = (s.slots || []).filter((x) => x.available > 0);
      $('#ph-start').innerHTML = open.length
        ? `<option value="">${t('選んでください', 'Choose')}</option>${open.map((x) => `<option value="${esc(x.start)}">${esc(x.start)}〜${esc(x.end)} (${t('空き', 'free')} ${x.available}/${x.capacity})</option>`).join('')}`
        : `<option value="">${t('空きがありません', 'No free place')}${s.refusal ? ` — ${esc(t(s.refusal.text, s.refusal.text_en))}` : ''}</option>`;
    } catch (err) { $('#ph-start').innerHTML = `<option value="">${esc(err.message)}</option>`; }
  };
  const run = async () => {
    const counter = $('#bl-counter').value;
    const date = $('#bl-date').value;
    sessionStorage.setItem('bookings_counter', counter);
    sessionStorage.setItem('bookings_date', date);
    loadTimes();
    try {
      const res = await api('GET', `/api/bookings?${new URLSearchParams({ counter, date })}`);
      const list = Array.isArray(res) ? res : (res.bookings || []);
      const confirmed = list.filter((b) => b.status !== 'cancelled').length;
      const channel = (b) => (b.channel === 'phone' ? t(`電話 (${b.booked_by || ''})`, `phone (${b.booked_by || ''})`) : t('ウェブ', 'web'));
      show($('#bl-result'), `<h3>${esc(counterName(findCounter(counter)?.counter))} — ${day(date)}</h3>
        <p>${t(`予約 ${confirmed} 件 (取消 ${list.length - confirmed} 件)`, `${confirmed} booked (${list.length - confirmed} cancelled)`)} <button type="button" id="bl-print">${t('印刷', 'Print')}</button></p>
        ${list.length ? table([t('時間', 'Time'), t('予約番号', 'No.'), t('お名前', 'Name'), t('電話', 'Phone'), t('予約ID', 'Reservation ID'), t('受付', 'Via'), t('状態', 'Status'), ''],
          list.sort((a, b) => String(a.start).localeCompare(String(b.start)) || a.number - b.number).map((b) => `<tr class="${b.status === 'cancelled' ? 'cancelled' : ''}"><td>${esc(b.start)}〜${esc(b.end)}</td><td>${esc(b.number)}</td><td>${esc(b.name)}</td><td>${esc(b.phone || '')}</td><td class="mono">${esc(b.code || '')}</td><td>${esc(channel(b))}</td><td>${b.status === 'cancelled' ? t('取消', 'cancelled') : t('予約', 'booked')}</td><td>${cancelButton(b)}</td></tr>`), 'bookings') : ''}`);
      $('#bl-print').addEventListener('click', () => window.print());
      wireCancel($('#bl-result'), run);
    } catch (err) { show($('#bl-result'), errorHtml(err)); }
  };
  $('#bookings-form').addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  $('#phone-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { counter: $('#bl-counter').value, date: $('#bl-date').value, start: $('#ph-start').value, name: $('#ph-name').value.trim() };
    if ($('#ph-phone').value.trim()) body.phone = $('#ph-phone').value.trim();
    if ($('#ph-code').value.trim()) body.code = $('#ph-code').value.trim();
    if (!body.start || !body.name) {
      show($('#ph-result'), `<p class="error" role="alert">${t('時間帯とお名前を入れてください', 'Choose a time and enter the name')}</p>`, true);
      return;
    }
    await busy(ev.target, async () => {
      try {
        const b = await api('POST', '/api/staff/bookings', body);
        show($('#ph-result'), `<div class="receipt" id="ph-receipt"><h3>${t('予約しました — お客様にお伝えください', 'Booked — read these to the caller')}</h3>
          <dl><dt>${t('予約番号', 'Booking number')}</dt><dd class="big">${esc(b.number)}</dd>
          <dt>${t('日時', 'When')}</dt><dd>${day(b.date)} ${esc(b.start)}〜${esc(b.end)}</dd>
          <dt>${t('取消コード', 'Cancel code')}</dt><dd class="code big">${esc(b.cancel_token)}</dd></dl>
          <p class="hint">${t('取消コードはここにだけ表示されます。変更・取消はお客様がウェブで予約番号と取消コード (または予約ID) を使ってもできます。', 'The cancel code is shown only here; callers can also change or cancel on the web with the number and this code (or the reservation ID).')}</p></div>`, true);
        ev.target.reset();
        run();
      } catch (err) { show($('#ph-result'), errorHtml(err), true); }
    });
  });
  $('#phone-find').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const number = $('#ph-number').value.trim();
    try {
      const b = await api('GET', `/api/staff/bookings/${encodeURIComponent(number)}`);
      show($('#ph-found'), `<p>${t('予約番号', 'No.')} <strong>${esc(b.number)}</strong> — ${esc(t(b.counter_name_ja, b.counter_name_en))} ${day(b.date)} ${esc(b.start)}〜${esc(b.end)} — ${esc(b.name)} ${esc(b.phone || '')} — ${b.status === 'cancelled' ? t('取消済み', 'cancelled') : t('予約中', 'booked')} ${cancelButton(b)}</p>`, true);
      wireCancel($('#ph-found'), async () => { $('#phone-find').requestSubmit(); run(); });
    } catch (err) { show($('#ph-found'), errorHtml(err), true); }
  });
  if (counters.length) run();
}
