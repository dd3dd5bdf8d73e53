#!/usr/bin/env bash
# End to end: our virtual My Number Card in vsmartcard's virtual reader inside pcscd, judged by
# OpenSC (opensc-tool, pkcs15-tool, pkcs11-tool with opensc-pkcs11.so), pcsc-tools' scriptor
# and openssl (jpki-card.md §8). Runs in a private mount namespace with its own /run/pcscd and
# its own vpcd port, so it never meets another pcscd; every process it starts is stopped by PID.
#
#   tests/card_opensc.sh <path to mynacert>
#
# The harness (private pcscd, vpcd port, cleanup by PID): tests/pcsc_harness.sh.
set -euo pipefail
bin=$(readlink -f "$1")
name=card_opensc
source "$(dirname "$0")/pcsc_harness.sh" "$@"

step "a new card (manufacture): PINs set, the issuer key derived for this card"
export MYNACERT_CARD_SECRET="card secret for the opensc test"
export ISSUER_KEY="issuer master key for the opensc test" WRONG_ISSUER_KEY="not the issuer key, but long enough"
export AUTH_PIN=1234 SIGN_PIN=ABC123 TEXT_PIN=5678 JUKI_PIN=2468 MY_NUMBER=123456789012 PIN_B=85070731205599
export CA_PASS="ca passphrase for the opensc test"
card="$work/card.json"
"$bin" card new --card "$card" --secret env:MYNACERT_CARD_SECRET --issuer-key env:ISSUER_KEY \
  --auth-pin env:AUTH_PIN --sign-pin env:SIGN_PIN --text-pin env:TEXT_PIN --juki-pin env:JUKI_PIN \
  --my-number env:MY_NUMBER --pin-b env:PIN_B >/dev/null
"$bin" ca init --dir "$work/ca" --passphrase env:CA_PASS >/dev/null

step "pcscd and the card in the reader"
pcsc_start_pcscd
start_card() { pcsc_start_card "$bin" "$card" MYNACERT_CARD_SECRET; }
start_card

step "our PC/SC client lists the reader with the card"
"$bin" card readers --json | grep -q '"card_present": true' || fail "card readers: $("$bin" card readers 2>&1)"

step "the holder side cannot reach the issuer commands (69 82)"
cat > "$work/holder_issuer.apdu" <<'APDU'
00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
00 47 00 17
00 D6 8A 00 04 30 82 00 00
00 2C 03 98
00 2C 02 98 04 31 31 31 31
84 47 00 17 10 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F
84 2C 03 98 10 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F
84 82 00 00 10 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F
APDU
replay=$(scriptor -r "$reader" "$work/holder_issuer.apdu" 2>&1)
[ "$(grep -c '< 69 82 : ' <<<"$replay")" = 6 ] || fail "holder reached an issuer command: $replay"
grep -q '< 69 85 : ' <<<"$replay" || fail "EXTERNAL AUTHENTICATE without INITIALIZE UPDATE: $replay"
out=$("$bin" card keygen --reader "$reader" --issuer-key env:WRONG_ISSUER_KEY --slot auth 2>&1) \
  && fail "a wrong issuer key generated a key: $out"
grep -q -- "--issuer-key" <<<"$out" || fail "wrong issuer key message: $out"

step "the counter, through the reader: keys made on the card, certificates from our CA written"
for slot in auth sign; do
  "$bin" card keygen --reader "$reader" --issuer-key env:ISSUER_KEY --slot $slot --out "$work/$slot.pub"
done
"$bin" ca issue --dir "$work/ca" --passphrase env:CA_PASS --actor test --kind auth \
  --public-key "$work/auth.pub" --birth 1985-07-07 --card-expiry 2035-07-07 --out "$work/auth.pem" >/dev/null
"$bin" ca issue --dir "$work/ca" --passphrase env:CA_PASS --actor test --kind sign \
  --public-key "$work/sign.pub" --birth 1985-07-07 --card-expiry 2035-07-07 --name "横浜　花子" --sex 2 \
  --address "神奈川県横浜市中区港町１－１" --prefecture-en Kanagawa-ken --municipality-en Yokohama-shi \
  --out "$work/sign.pem" >/dev/null
for slot in auth sign; do
  "$bin" card write-cert --reader "$reader" --issuer-key env:ISSUER_KEY --slot $slot --cert "$work/$slot.pem" >/dev/null
  "$bin" card write-cert --reader "$reader" --issuer-key env:ISSUER_KEY --slot $slot-ca \
    --cert "$work/ca/$slot-ca-1.crt.pem" >/dev/null
done

step "card show through the reader: the auth certificate, its expiry, PIN tries; the sign certificate after the sign PIN"
show=$("$bin" card show --reader "$reader" --json)
serial=$(openssl x509 -in "$work/auth.pem" -noout -serial | cut -d= -f2)
grep -q "\"serial\": \"$serial\"" <<<"$show" || fail "auth serial $serial: $show"
grep -q '"valid_until": "2031-07-07"' <<<"$show" || fail "auth expiry: $show"
grep -q '"auth": 3' <<<"$show" && grep -q '"sign": 5' <<<"$show" || fail "tries left: $show"
grep -q "sign_certificate" <<<"$show" && fail "sign certificate shown without the sign PIN"
show=$("$bin" card show --reader "$reader" --sign-pin env:SIGN_PIN)
grep -q "横浜　花子" <<<"$show" || fail "sign certificate: $show"
grep -q "更新できる期間 (renewal window, R-WIN-1): 2031-04-08 〜 2031-07-07" <<<"$show" || fail "window: $show"
echo "signed by mynacert card sign $(date +%s%N)" > "$work/doc.txt"
"$bin" card sign --reader "$reader" --slot auth --pin env:AUTH_PIN --in "$work/doc.txt" --out "$work/doc.sig" >/dev/null
openssl dgst -sha256 -verify <(openssl x509 -in "$work/auth.pem" -pubkey -noout) \
  -signature "$work/doc.sig" "$work/doc.txt" | grep -q "Verified OK" || fail "card sign does not verify"

step "opensc-tool: JPKI ATR, jpki driver"
[ "$(opensc-tool -a 2>/dev/null | tail -1)" = "3b:e0:00:ff:81:31:fe:45:14" ] || fail "ATR"
[ "$(opensc-tool -n 2>/dev/null | tail -1)" = "jpki" ] || fail "not recognised as jpki"

step "pkcs15-tool: four certificates, bytes identical to what the CA issued"
list=$(pkcs15-tool --list-certificates 2>&1)
for cert in "User Authentication Certificate" "Digital Signature Certificate" \
            "User Authentication Certificate CA" "Digital Signature Certificate CA"; do
  grep -q "\[$cert\]" <<<"$list" || fail "missing $cert: $list"
done
pkcs15-tool --read-certificate 01 2>/dev/null > "$work/read01.pem"
cmp <(openssl x509 -in "$work/read01.pem" -outform DER) <(openssl x509 -in "$work/auth.pem" -outform DER) \
  || fail "auth certificate differs"
pkcs15-tool --read-certificate 03 2>/dev/null > "$work/read03.pem"
cmp <(openssl x509 -in "$work/read03.pem" -outform DER) <(openssl x509 -in "$work/ca/auth-ca-1.crt.pem" -outform DER) \
  || fail "auth CA certificate differs"

step "pkcs11-tool signs with each key after its PIN; openssl verifies"
module=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
[ -f "$module" ] || module=$(find /usr/lib -name opensc-pkcs11.so | head -1)
echo "mynacert card test $(date +%s%N)" > "$work/msg.txt"
pkcs11-tool --module "$module" --slot 0 --login --pin "$AUTH_PIN" --sign --id 01 -m SHA256-RSA-PKCS \
  -i "$work/msg.txt" -o "$work/sig_auth.bin" >/dev/null 2>&1 || fail "auth signature"
openssl dgst -sha256 -verify <(openssl x509 -in "$work/auth.pem" -pubkey -noout) \
  -signature "$work/sig_auth.bin" "$work/msg.txt" | grep -q "Verified OK" || fail "auth signature does not verify"
pkcs11-tool --module "$module" --slot 1 --login --pin "$SIGN_PIN" --sign --id 02 -m SHA256-RSA-PKCS \
  -i "$work/msg.txt" -o "$work/sig_sign.bin" >/dev/null 2>&1 || fail "sign signature"
openssl dgst -sha256 -verify <(openssl x509 -in "$work/sign.pem" -pubkey -noout) \
  -signature "$work/sig_sign.bin" "$work/msg.txt" | grep -q "Verified OK" || fail "sign signature does not verify"
pkcs11-tool --module "$module" --slot 1 --login --pin "$SIGN_PIN" -r --type cert --id 02 2>/dev/null \
  | cmp - <(openssl x509 -in "$work/sign.pem" -outform DER) || fail "sign certificate after login differs"

step "GET CHALLENGE through OpenSC (C_GenerateRandom: pkcs11-tool --generate-random, --test), no PIN"
# OpenSC's jpki driver sends iso7816 GET CHALLENGE (00 84 00 00 Le); a real card answers it.
for i in 1 2; do
  out=$(pkcs11-tool --module "$module" --slot 0 --generate-random 16 -o "$work/random$i.bin" 2>&1) \
    || fail "generate-random: $out"
  [ "$(stat -c %s "$work/random$i.bin")" = 16 ] || fail "generate-random: not 16 bytes: $out"
done
cmp -s "$work/random1.bin" "$work/random2.bin" && fail "generate-random: the same 16 bytes twice"
out=$(pkcs11-tool --module "$module" --slot 0 --test 2>&1) || fail "pkcs11-tool --test: $out"
grep -q "No errors" <<<"$out" && grep -A2 "C_GenerateRandom" <<<"$out" | grep -q "seems to be OK" \
  || fail "pkcs11-tool --test: $out"
# The raw APDUs: Le 8, then Le 00 (256) in the JPKI AP, and the extended form refused.
cat > "$work/challenge.apdu" <<'APDU'
00 84 00 00 08
00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
00 84 00 00 00
00 84 00 00 00 00 08
APDU
replay=$(scriptor -r "$reader" "$work/challenge.apdu" 2>&1)
grep -q '^< \([0-9A-F][0-9A-F] \)\{8\}90 00 : ' <<<"$replay" || fail "GET CHALLENGE 8 at the MF: $replay"
n=$(awk '/^> 00 84 00 00 00$/ {f = 1; next}
         f {last = / : /; sub(/^< /, ""); sub(/ : .*/, ""); print; if (last) exit}' <<<"$replay" | wc -w)
[ "$n" = 258 ] || fail "GET CHALLENGE Le 00: $n bytes with the status word, not 258: $replay"
grep -q '^< 69 85 : ' <<<"$replay" || fail "extended GET CHALLENGE not refused with 69 85: $replay"

step "scriptor replays myna's pin status sequence (jpki-card.md §8)"
cat > "$work/pin_status.apdu" <<'APDU'
00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
00 A4 02 0C 02 00 06
00 B0 00 00 20
00 A4 02 0C 02 00 18
00 20 00 80
00 A4 02 0C 02 00 1B
00 20 00 80
00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02
00 A4 02 0C 02 00 13
00 20 00 80
00 A4 02 0C 02 00 12
00 20 00 80
00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08
00 A4 02 0C 02 00 11
00 20 00 80
00 A4 02 0C 02 00 14
00 20 00 80
00 A4 02 0C 02 00 15
00 20 00 80
APDU
replay=$(scriptor -r "Virtual PCD 00 00" "$work/pin_status.apdu" 2>&1)
grep -q "4A 50 4B 49 41 50 49 43 43 54 4F 4B 45 4E 32" <<<"$replay" || fail "token: $replay"
# 3 tries: the auth and text PINs; 10: the four 照合番号 (A and B of both APs, docs/card.md).
[ "$(grep -c '< 63 C3 : ' <<<"$replay")" = 2 ] || fail "PIN status: $replay"
[ "$(grep -c '< 63 CA : ' <<<"$replay")" = 4 ] || fail "照合番号 status (10 tries): $replay"
grep -q '< 63 C5 : ' <<<"$replay" || fail "sign PIN status: $replay"

step "scriptor replays a MyNa Portal login by short EF (the myna-browser-extension's APDUs)"
# SELECT the JPKI AP, VERIFY 00 20 00 98, READ BINARY 00 B0 8A (a 4-byte probe, then the rest
# with an extended Le), COMPUTE DIGITAL SIGNATURE 80 2A 00 97: no EF selected, as the extension
# sends them to real cards (docs/card.md "Short EF addressing"); the signature checked by openssl.
answer() {  # <command as scriptor echoes it> <replay>: the answer's bytes, status word included
  awk -v cmd="> $1" '$0 == cmd {f = 1; next}
       f {last = / : /; sub(/^< /, ""); sub(/ : .*/, ""); printf "%s ", $0; if (last) exit}' <<<"$2"
}
auth_len=$(openssl x509 -in "$work/auth.pem" -outform DER | wc -c)
digest=$(printf 'short EF login' | openssl dgst -sha256 -binary | xxd -p -c 64)
cat > "$work/login.apdu" <<APDU
00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
00 20 00 98 04$(printf %s "$AUTH_PIN" | xxd -p | tr a-f A-F | sed 's/../ &/g')
00 B0 8A 00 04
00 B0 8A 04 00 $(printf '%02X %02X' $(((auth_len - 4) >> 8)) $(((auth_len - 4) & 255)))
80 2A 00 97 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20$(tr a-f A-F <<<"$digest" | sed 's/../ &/g') 00
APDU
replay=$(scriptor -r "$reader" "$work/login.apdu" 2>&1)
[ "$(answer "$(sed -n 2p "$work/login.apdu")" "$replay")" = "90 00 " ] || fail "VERIFY 00 20 00 98: $replay"
head=$(answer "00 B0 8A 00 04" "$replay")
tail=$(answer "$(sed -n 4p "$work/login.apdu")" "$replay")
[ "${head% 90 00 }" != "$head" ] && [ "${tail% 90 00 }" != "$tail" ] || fail "READ BINARY by SFI: $replay"
cert_hex=$(tr -d ' ' <<<"${head% 90 00 }${tail% 90 00 }")
[ "$cert_hex" = "$(openssl x509 -in "$work/auth.pem" -outform DER | xxd -p | tr -d '\n' | tr a-f A-F)" ] \
  || fail "the auth certificate by SFI 0A: $replay"
sig=$(answer "$(sed -n 5p "$work/login.apdu")" "$replay")
[ "$(wc -w <<<"$sig")" = 258 ] && [ "${sig% 90 00 }" != "$sig" ] || fail "80 2A 00 97: $replay"
xxd -r -p <<<"${sig% 90 00 }" > "$work/login.sig"
printf 'short EF login' > "$work/login.txt"
openssl dgst -sha256 -verify <(openssl x509 -in "$work/auth.pem" -pubkey -noout) -signature "$work/login.sig" \
  "$work/login.txt" | grep -q "Verified OK" || fail "the short-EF signature does not verify"

step "three wrong auth PINs lock it; the right one is refused afterwards"
for i in 1 2 3; do
  out=$(pkcs11-tool --module "$module" --slot 0 --login --pin 9999 --sign --id 01 -m SHA256-RSA-PKCS \
    -i "$work/msg.txt" -o "$work/x.bin" 2>&1 || true)
  grep -q "CKR_PIN_INCORRECT" <<<"$out" || fail "wrong PIN $i: $out"
done
out=$(pkcs11-tool --module "$module" --slot 0 --login --pin "$AUTH_PIN" --sign --id 01 -m SHA256-RSA-PKCS \
  -i "$work/msg.txt" -o "$work/x.bin" 2>&1 || true)
# A real card answers 69 84 to a VERIFY of a blocked PIN (docs/card.md "Blocked PINs"); OpenSC
# 0.23 maps that to CKR_GENERAL_ERROR, not CKR_PIN_LOCKED, and shows the lock in the token flags,
# read from the status query's 63 C0.
grep -q "C_Login failed" <<<"$out" || fail "right PIN after lock: $out"
grep -q "CKR_PIN_LOCKED\|CKR_GENERAL_ERROR" <<<"$out" || fail "right PIN after lock: $out"
pkcs11-tool --module "$module" -L 2>&1 | awk '/^Slot 0 /,/^Slot 1 /' | grep -q "user PIN locked" ||
  fail "the token does not show its PIN locked: $(pkcs11-tool --module "$module" -L 2>&1)"

step "five wrong sign PINs lock the sign PIN"
for i in 1 2 3 4 5; do
  pkcs11-tool --module "$module" --slot 1 --login --pin WRONG1 --sign --id 02 -m SHA256-RSA-PKCS \
    -i "$work/msg.txt" -o "$work/x.bin" >/dev/null 2>&1 || true
done
out=$(pkcs11-tool --module "$module" --slot 1 --login --pin "$SIGN_PIN" --sign --id 02 -m SHA256-RSA-PKCS \
  -i "$work/msg.txt" -o "$work/x.bin" 2>&1 || true)
grep -q "C_Login failed" <<<"$out" || fail "sign PIN not locked: $out"
pkcs11-tool --module "$module" -L 2>&1 | awk '/^Slot 1 /,/^Slot 2 /' | grep -q "user PIN locked" ||
  fail "the sign token does not show its PIN locked: $(pkcs11-tool --module "$module" -L 2>&1)"

step "kill -9 the card: the reader sees it go, a restart brings it back with its counts"
kill -9 "$card_pid"
wait "$card_pid" 2>/dev/null || true
for _ in $(seq 100); do opensc-tool -l 2>/dev/null | grep -q '^0 *No' && break; sleep 0.05; done
start_card
pins=$(pkcs15-tool --list-pins 2>&1)
[ "$(grep -c 'Tries left     : 0' <<<"$pins")" = 2 ] || fail "counts lost: $pins"

step "the counter unlocks the auth PIN and sets a new sign PIN through the issuer channel (R-PIN-1)"
"$bin" card unlock-pin --reader "$reader" --issuer-key env:ISSUER_KEY --pin-kind auth >/dev/null
export NEW_SIGN_PIN=NEWPIN2026
"$bin" card set-pin --reader "$reader" --issuer-key env:ISSUER_KEY --pin-kind sign --pin env:NEW_SIGN_PIN >/dev/null
pkcs11-tool --module "$module" --slot 0 --login --pin "$AUTH_PIN" --sign --id 01 -m SHA256-RSA-PKCS \
  -i "$work/msg.txt" -o "$work/x.bin" >/dev/null 2>&1 || fail "auth PIN still locked after unlock-pin"
pkcs11-tool --module "$module" --slot 1 --login --pin "$NEW_SIGN_PIN" --sign --id 02 -m SHA256-RSA-PKCS \
  -i "$work/msg.txt" -o "$work/x.bin" >/dev/null 2>&1 || fail "new sign PIN refused"
"$bin" card verify-pin --reader "$reader" --pin-kind sign --pin env:SIGN_PIN >/dev/null 2>&1 \
  && fail "the old sign PIN still works"

step "SIGTERM stops the card cleanly"
kill -TERM "$card_pid"
wait "$card_pid" || fail "card serve exit code $?"
grep -q "停止 (stopped)" "$work/card.log" || fail "no clean stop: $(cat "$work/card.log")"
echo "card_opensc: all checks passed"
