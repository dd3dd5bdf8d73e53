#!/usr/bin/env bash
# seed-fallback.sh MYNACERT HOME — a small demo population made with the counter's own commands
# (resident add, card issue, reservation issue-id, staff add), for a mynacert that has no
# `demo seed` yet. Prints JSON in the shape run.sh hands to the tests:
#   {"today", "staff": [{name, role}], "pins": {auth, sign, text, juki},
#    "residents": [{id, name, municipality, situation, birth, card_issued, cert_expires, reservation_id}]}
# Secrets come from the environment as run.sh exports them (MYNACERT_CA_PASSPHRASE, …,
# MYNACERT_DEMO_STAFF_PASSWORD). Everything happens in HOME; nothing else is touched.
set -euo pipefail
bin="$1"
home="$2"
export MYNACERT_HOME="$home"
log="$home/seed-fallback.log"
: >"$log"

today="$(TZ=Asia/Tokyo date +%F)"
# Certificates that expire in 40 days: inside the renewal window (R-WIN-1), their J-LIS notice
# due (76 days, R-NOT-1) and Yokohama's city notice too (95 days, R-NOT-3).
expiry="$(date -d "$today + 40 days" +%F)"
md="${expiry:5:5}"
[ "$md" = "02-29" ] && { expiry="$(date -d "$expiry + 1 day" +%F)"; md="${expiry:5:5}"; }
birth="1980-$md"
# The 5th birthday after the issue date is the expiry (R-VAL-1): issue 10 days after the
# birthday five years before.
issued="$(date -d "$(( ${expiry:0:4} - 5 ))-$md + 10 days" +%F)"
applied="$(date -d "$issued - 30 days" +%F)"

# The PINs of docs/demo.md (the demo cards of `demo seed`).
pins_auth=1234 pins_sign=ABC123 pins_text=5678 pins_juki=2468

add_resident() {  # municipality name kana address situation [extra flags…] → prints the id
  local muni="$1" name="$2" kana="$3" address="$4"
  shift 4
  local id
  id="$("$bin" resident add --clerk seed --municipality "$muni" --name "$name" --kana "$kana" \
        --address "$address" --birth "$birth" --sex 2 --json "$@" 2>>"$log" | jq -r '.id // .resident')"
  printf '%s\n%s\n%s\n%s\n' "$pins_auth" "$pins_sign" "$pins_text" "$pins_juki" |
    "$bin" card issue --clerk seed --resident "$id" --date "$issued" --applied "$applied" >>"$log" 2>&1
  echo "$id"
}

yamagata="$(add_resident yamagata '山形　花子' 'ヤマガタ　ハナコ' '山形県山形市旅篭町二丁目3番25号')"
yokohama="$(add_resident yokohama '横浜　太郎' 'ヨコハマ　タロウ' '神奈川県横浜市中区港町1丁目1番地')"
forwarding="$(add_resident yamagata '転送　届子' 'テンソウ　トドコ' '山形県山形市七日町一丁目1番1号' --forwarding)"
code="$("$bin" reservation issue-id --resident "$yokohama" --municipality yokohama --expires "$expiry" --json 2>>"$log" |
        jq -r '.code // .reservation_id')"

for who in clerk:clerk supervisor:supervisor; do
  printf '%s\n' "$MYNACERT_DEMO_STAFF_PASSWORD" |
    "$bin" staff add --home "$home" --name "${who%%:*}" --role "${who##*:}" >>"$log" 2>&1
done

jq -n --arg today "$today" --arg birth "$birth" --arg issued "$issued" --arg expiry "$expiry" \
  --argjson yamagata "$yamagata" --argjson yokohama "$yokohama" --argjson forwarding "$forwarding" \
  --arg code "$code" --arg auth "$pins_auth" --arg sign "$pins_sign" --arg text "$pins_text" --arg juki "$pins_juki" '{
  today: $today, source: "seed-fallback.sh",
  staff: [{name: "clerk", role: "clerk"}, {name: "supervisor", role: "supervisor"}],
  pins: {auth: $auth, sign: $sign, text: $text, juki: $juki},
  residents: [
    {id: $yamagata, name: "山形　花子", municipality: "yamagata", situation: "in_window", birth: $birth, card_issued: $issued, cert_expiry: $expiry, reservation_id: null},
    {id: $yokohama, name: "横浜　太郎", municipality: "yokohama", situation: "in_window", birth: $birth, card_issued: $issued, cert_expiry: $expiry, reservation_id: $code},
    {id: $forwarding, name: "転送　届子", municipality: "yamagata", situation: "forwarding", birth: $birth, card_issued: $issued, cert_expiry: $expiry, reservation_id: null}
  ]}'
