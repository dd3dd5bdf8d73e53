#!/usr/bin/env bash
# The counter with the card in a PC/SC reader (issue 5): `counter execute --reader` renews the
# certificates of a card served through pcscd + vpcd, refuses someone else's card before any
# PIN is tried, and what it wrote is read back by OpenSC and verified by openssl; then a
# hotline hold and the found card's new certificates, read back the same way (issue 17).
#
#   tests/counter_pcsc.sh <path to mynacert>
#
# The harness (private pcscd, vpcd port, cleanup by PID): tests/pcsc_harness.sh.
set -euo pipefail
bin=$(readlink -f "$1")
name=counter_pcsc
source "$(dirname "$0")/pcsc_harness.sh" "$@"
command -v jq >/dev/null || { echo "$name: jq missing (scripts/install-deps.sh)"; exit 1; }

export MYNACERT_HOME="$work/home" MYNACERT_CA_PASSPHRASE="ca passphrase for the counter pcsc test" \
       MYNACERT_ISSUER_KEY="issuer master key for the counter pcsc test" \
       MYNACERT_CARD_SECRET="card secret for the counter pcsc test"
m() { "$bin" "$@"; }

step "two residents of Yamagata, each with a card issued 2021-07-07 (certificates expire 2026-07-07)"
for who in 1 2; do
  m resident add --clerk c1 --municipality yamagata --name "山形　花子$who" \
    --address '山形県山形市旅篭町二丁目3番25号' --birth 1980-07-07 --sex 2 --household "H$who" >/dev/null
  printf '1234\nABC123\n1234\n1234\n' |
    m card issue --clerk c1 --resident $who --date 2021-07-07 --applied 2021-06-01 >/dev/null
done
card1=$(ls "$MYNACERT_HOME"/cards/resident-1-*.card)
card2=$(ls "$MYNACERT_HOME"/cards/resident-2-*.card)
case=$(m counter open --clerk c1 --resident 1 --counter yamagata-cityhall --date 2026-05-01 \
         --document holder_card --json | jq -r .case)
[ "$(m counter decide --clerk c1 --case "$case" --json | jq -r .outcome)" = accepted ] || fail "not accepted"

pcsc_start_pcscd
step "resident 2's card in the reader: refused before any PIN, nothing journaled"
pcsc_start_card "$bin" "$card2" MYNACERT_CARD_SECRET
if out=$(printf '9999\n9999\n' | m counter execute --clerk c1 --case "$case" --reader "$reader" 2>&1); then
  fail "executed on someone else's card: $out"
fi
grep -q "カードではありません" <<<"$out" || fail "refusal: $out"
[ "$(m card show --reader "$reader" --json | jq -r .pin_tries_left.auth)" = 3 ] || fail "a PIN try was spent"
[ "$(m counter show --case "$case" | jq -r .state)" = accepted ] || fail "case left executing"

step "resident 1's card in the reader: the renewal runs through pcscd"
kill -TERM "$card_pid"; wait "$card_pid" || true
for _ in $(seq 100); do opensc-tool -l 2>/dev/null | grep -q '^0 *No' && break; sleep 0.05; done
pcsc_start_card "$bin" "$card1" MYNACERT_CARD_SECRET
run=$(printf '1234\nABC123\n' | m counter execute --clerk c1 --case "$case" --reader "$reader" --json)
[ "$(jq -r .completed <<<"$run")" = true ] || fail "execute: $run"
auth_serial=$(jq -r '.issued[] | select(.kind == "auth") | .serial' <<<"$run")

step "OpenSC reads the new auth certificate off the card; openssl verifies it against the CA"
pkcs15-tool --read-certificate 01 2>/dev/null > "$work/auth.pem"
got=$(openssl x509 -in "$work/auth.pem" -noout -serial | cut -d= -f2)
[ "${got,,}" = "${auth_serial,,}" ] || fail "card holds serial $got, the counter issued $auth_serial"
openssl verify -CAfile "$MYNACERT_HOME/ca/auth-ca-1.crt.pem" "$work/auth.pem" | grep -q ': OK' \
  || fail "openssl verify"
end=$(openssl x509 -in "$work/auth.pem" -noout -enddate | cut -d= -f2)
[ "$end" = "Jul  7 14:59:59 2031 GMT" ] || fail "notAfter $end, not 2031-07-07 23:59:59 JST (R-VAL-1a)"
m resident show --resident 1 --json | jq -e '.certificates[] | select(.kind == "auth" and .state == "active" and .last_valid_day == "2031-07-07")' >/dev/null \
  || fail "the new auth certificate is not on record until the card's expiry (R-VAL-1a)"

step "the holder's client reads the 券面事項入力補助 AP the counter wrote, and its signature verifies (issue 19)"
export TEXT_PIN=1234
data=$(m card show --reader "$reader" --json --text-pin env:TEXT_PIN \
         --card-data-cert "$MYNACERT_HOME/ca/card-data.crt.pem") || fail "card show --text-pin: $data"
[ "$(jq -r .card_data.name <<<"$data")" = '山形　花子1' ] || fail "name on the chip: $data"
[ "$(jq -r .card_data.address <<<"$data")" = '山形県山形市旅篭町二丁目３番２５号' ] || fail "address: $data"
[ "$(jq -r .card_data.signature <<<"$data")" = verified ] || fail "signature: $data"
number=$(jq -r .card_data.my_number <<<"$data")

step "scriptor replays jsapdu's reads through pcscd: VERIFY 00 20 00 91, READ BINARY by SFI, Le 00 00 00"
cat > "$work/kenhojo.apdu" <<APDU
00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
00 20 00 91 04 31 32 33 34
00 B0 81 00 00 00 00
00 B0 82 00 00 00 00
APDU
replay=$(scriptor -r "$reader" "$work/kenhojo.apdu" 2>&1)
answer() {  # <command as scriptor echoes it> [n: its nth time, 1 unless told]: the answer's bytes, status word included
  awk -v cmd="> $1" -v n="${2:-1}" '$0 == cmd && ++seen == n {f = 1; next}
       f {last = / : /; sub(/^< /, ""); sub(/ : .*/, ""); printf "%s ", $0; if (last) exit}' <<<"$replay"
}
[ "$(answer "00 20 00 91 04 31 32 33 34")" = "90 00 " ] || fail "VERIFY 00 20 00 91: $replay"
ef1=$(answer "00 B0 81 00 00 00 00" | tr -s " ")  # scriptor wraps at 16 bytes
expected="FF 10 0C $(printf %s "$number" | xxd -p | tr a-f A-F | sed 's/../& /g')FF FF 90 00 "
[ "$ef1" = "$expected" ] || fail "EF 0001 by SFI: got '$ef1', want '$expected'"
ef2=$(answer "00 B0 82 00 00 00 00")
[ "${ef2:0:6}" = "FF 20 " ] || fail "EF 0002 by SFI: $replay"
[ "${ef2% 90 00 }" != "$ef2" ] || fail "EF 0002 status: $replay"
ef2=$(tr -s " " <<<"$ef2")
len2=$(cut -d" " -f3 <<<"$ef2")  # EF 0002 is FF 20 <length>
data_bytes() { echo $(( $(wc -w <<<"$1") - 2 )); }  # <answer>: its length without the status word
select_ap="00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"

step "scriptor replays mnbcard's reads: SELECT EF 0011, VERIFY 00 20 00 80, SELECT EF, READ BINARY Le 00"
cat > "$work/mnbcard.apdu" <<APDU
$select_ap
00 A4 02 0C 02 00 11
00 20 00 80 04 31 32 33 34
00 A4 02 0C 02 00 01
00 B0 00 00 00
00 A4 02 0C 02 00 02
00 B0 00 00 00
APDU
replay=$(scriptor -r "$reader" "$work/mnbcard.apdu" 2>&1)
for c in "$select_ap" "00 A4 02 0C 02 00 11" "00 20 00 80 04 31 32 33 34" "00 A4 02 0C 02 00 01" \
         "00 A4 02 0C 02 00 02"; do
  [ "$(answer "$c")" = "90 00 " ] || fail "mnbcard: $c: $replay"
done
ef1=$(answer "00 B0 00 00 00" | tr -s " ")
[ "$ef1" = "$expected" ] || fail "mnbcard EF 0001: got '$ef1', want '$expected'"
four=$(answer "00 B0 00 00 00" 2 | tr -s " ")
[ "$four" = "$ef2" ] || fail "mnbcard EF 0002: got '$four', want '$ef2'"

step "scriptor replays pymyna's reads: Le 11, EF 0002 sized by its byte 2 (0x$len2), extended Le 01 50 / 02 38 / 01 00"
cat > "$work/pymyna.apdu" <<APDU
$select_ap
00 A4 02 0C 02 00 11
00 20 00 80 04 31 32 33 34
00 A4 02 0C 02 00 01
00 B0 00 00 11
00 A4 02 0C 02 00 02
00 B0 00 00 03
00 B0 00 03 $len2
00 A4 02 0C 02 00 03
00 B0 00 00 00 01 50
00 A4 02 0C 02 00 04
00 B0 00 00 00 02 38
00 A4 02 0C 02 00 05
00 B0 00 00 00 01 00
APDU
replay=$(scriptor -r "$reader" "$work/pymyna.apdu" 2>&1)
[ "$(answer "00 20 00 80 04 31 32 33 34")" = "90 00 " ] || fail "pymyna VERIFY: $replay"
ef1=$(answer "00 B0 00 00 11" | tr -s " ")
[ "$ef1" = "$expected" ] || fail "pymyna EF 0001: got '$ef1', want '$expected'"
[ "$(data_bytes "$ef1")" = 17 ] || fail "pymyna EF 0001 length: $ef1"
ef2_head=$(answer "00 B0 00 00 03")
[ "$ef2_head" = "FF 20 $len2 90 00 " ] || fail "pymyna EF 0002 head: '$ef2_head', want 'FF 20 $len2 90 00 '"
rest=$(answer "00 B0 00 03 $len2" | tr -s " ")
[ "$(data_bytes "$rest")" = $((16#$len2)) ] || fail "pymyna EF 0002 length: $rest"
[ "${ef2_head% 90 00 } $rest" = "$ef2" ] || fail "pymyna EF 0002: got '${ef2_head% 90 00 } $rest', want '$ef2'"
for r in "00 B0 00 00 00 01 50:336" "00 B0 00 00 00 02 38:568" "00 B0 00 00 00 01 00:256"; do
  got=$(answer "${r%:*}" | tr -s " ")
  [ "${got% 90 00 }" != "$got" ] || fail "pymyna ${r%:*} status: $got"
  [ "$(data_bytes "$got")" = "${r#*:}" ] || fail "pymyna ${r%:*}: $(data_bytes "$got") bytes, want ${r#*:}"
done

step "scriptor replays pyjpki's reads: its re-SELECT of the AP after VERIFY answers 69 82, its fallback reads"
cat > "$work/pyjpki.apdu" <<APDU
$select_ap
00 A4 02 0C 02 00 11
00 20 00 80 04 31 32 33 34
$select_ap
00 A4 02 0C 02 00 02
00 B0 00 00 FF
00 A4 02 0C 02 00 11
00 20 00 80 04 31 32 33 34
00 A4 02 0C 02 00 02
00 B0 00 00 FF
APDU
replay=$(scriptor -r "$reader" "$work/pyjpki.apdu" 2>&1)
for c in "$select_ap:1" "00 A4 02 0C 02 00 11:1" "00 20 00 80 04 31 32 33 34:1" "$select_ap:2" \
         "00 A4 02 0C 02 00 02:1" "00 A4 02 0C 02 00 11:2" "00 20 00 80 04 31 32 33 34:2" "00 A4 02 0C 02 00 02:2"; do
  [ "$(answer "${c%:*}" "${c##*:}")" = "90 00 " ] || fail "pyjpki: ${c%:*} (#${c##*:}): $replay"
done
[ "$(answer "00 B0 00 00 FF")" = "69 82 " ] || fail "pyjpki's read after its re-SELECT is not 69 82: $replay"
got=$(answer "00 B0 00 00 FF" 2 | tr -s " ")
[ "$got" = "$ef2" ] || fail "pyjpki's fallback read: got '$got', want '$ef2'"

step "the 券面 AP through pcscd: card show --face-pin (照合番号A) verifies the face and challenges the chip; scriptor reads EF 0002 as jpki/myna does"
export FACE_A="$number"
face=$(m card show --reader "$reader" --json --face-pin env:FACE_A --face-out "$work/face" \
         --card-data-cert "$MYNACERT_HOME/ca/card-data.crt.pem") || fail "card show --face-pin: $face"
[ "$(jq -r .card_face.signature <<<"$face")" = verified ] || fail "card face signature: $face"
[ "$(jq -r .card_face.chip_present <<<"$face")" = true ] || fail "the chip's key: $face"
[ "$(jq -r .card_face.birth <<<"$face")" = 1980-07-07 ] || fail "birth on the face: $face"
[ "$(head -c 12 "$work/face/photo.jp2" | xxd -p)" = 0000000c6a5020200d0a870a ] || fail "photo.jp2 is not a JP2 file"
digits=$(printf %s "$number" | xxd -p | tr a-f A-F | sed 's/../& /g')
cat > "$work/kenmen.apdu" <<APDU
00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02
00 A4 02 0C 02 00 02
00 B0 00 00 05
00 A4 02 0C 02 00 13
00 20 00 80 0C ${digits% }
00 A4 02 0C 02 00 02
00 B0 00 00 05
80 2A 00 00 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 00
APDU
replay=$(scriptor -r "$reader" "$work/kenmen.apdu" 2>&1)
[ "$(answer "00 B0 00 00 05")" = "69 82 " ] || fail "EF 0002 before 照合番号A is not 69 82: $replay"
[ "$(answer "00 20 00 80 0C ${digits% }")" = "90 00 " ] || fail "VERIFY 照合番号A: $replay"
head5=$(answer "00 B0 00 00 05" 2)
[ "${head5:0:9}" = "FF 20 82 " ] && [ "${head5% 90 00 }" != "$head5" ] || fail "EF 0002 head: '$head5'"
challenge=$(answer "80 2A 00 00 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 5A 00" | tr -s " ")
[ "$(data_bytes "$challenge")" = 256 ] && [ "${challenge% 90 00 }" != "$challenge" ] || fail "the AP key's signature, no PIN: '$challenge'"

step "a hotline call holds both certificates; the found card, still in the reader, gets new ones (R-LOST-1/2)"
m hotline call --clerk line --name '山形 花子1' --birth 1980-07-07 --address '山形県山形市旅篭町二丁目3番25号' \
  --event lost --json >/dev/null || fail "hotline call"
[ "$(m ca get --dir "$MYNACERT_HOME/ca" --kind auth --serial "$auth_serial" --json | jq -r .state)" = hold ] \
  || fail "not held after the call"
found=$(m counter open --clerk c1 --resident 1 --procedure found_card --counter yamagata-cityhall --date 2026-05-10 \
          --document holder_card --json | jq -r .case)
[ "$(m counter decide --clerk c1 --case "$found" --json | jq -r .outcome)" = accepted ] || fail "found card not accepted"
run=$(printf '1234\nABC123\n' | m counter execute --clerk c1 --case "$found" --reader "$reader" --json)
[ "$(jq -r .completed <<<"$run")" = true ] || fail "found card execute: $run"
new_serial=$(jq -r '.issued[] | select(.kind == "auth") | .serial' <<<"$run")
pkcs15-tool --read-certificate 01 2>/dev/null > "$work/auth-found.pem"
got=$(openssl x509 -in "$work/auth-found.pem" -noout -serial | cut -d= -f2)
[ "${got,,}" = "${new_serial,,}" ] || fail "after the found card the card holds $got, the counter issued $new_serial"
[ "$(m ca get --dir "$MYNACERT_HOME/ca" --kind auth --serial "$auth_serial" --json | jq -r .state)" = revoked ] \
  || fail "the held certificate is not revoked (a hold is final, R-LOST-2)"
step "a move at the counter with the card in the reader: the sign certificate revoked and the new address on the chip, one case (R-CERT-5, issue 19)"
moved=$(m resident change --clerk c1 --resident 1 --address '山形県山形市七日町一丁目1番1号' --date 2026-05-11 \
          --with-card --reader "$reader" --json) || fail "resident change --with-card: $moved"
sign_serial=$(jq -r '.revoked[0]' <<<"$moved")
[ "$(m ca get --dir "$MYNACERT_HOME/ca" --kind sign --serial "$sign_serial" --json | jq -r .state)" = revoked ] \
  || fail "sign certificate $sign_serial not revoked: $moved"
[ "$(m counter show --case "$(jq -r .case <<<"$moved")" | jq -r .state)" = done ] || fail "case: $moved"
data=$(m card show --reader "$reader" --json --text-pin env:TEXT_PIN \
         --card-data-cert "$MYNACERT_HOME/ca/card-data.crt.pem") || fail "card show after the move: $data"
[ "$(jq -r .card_data.address <<<"$data")" = '山形県山形市七日町一丁目１番１号' ] || fail "the chip's address: $data"
[ "$(jq -r .card_data.signature <<<"$data")" = verified ] || fail "signature after the move: $data"
m audit verify >/dev/null || fail "audit chain"
echo "$name: all checks passed"
