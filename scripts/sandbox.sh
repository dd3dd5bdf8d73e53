#!/usr/bin/env bash
# The relying parties' sandbox in one command (issue 18; docs/relying-parties.md "The sandbox"):
# a CA with OCSP and CRLs behind `mynacert serve`, the verifier API with one registered
# verifier, and virtual My Number Cards in every state an application must handle — each in
# its own reader of a private pcscd. It checks every card through PC/SC and OCSP, prints
# reader → state → PINs, and waits; Ctrl-C (or SIGTERM) stops everything it started.
#
#   scripts/sandbox.sh [--dir DIR] [--port PORT] [--bin PATH/TO/mynacert] [--trusted-proxy ADDR]
#
# --trusted-proxy: the address of a TLS proxy in front (nginx; `serve --trusted-proxy
# --forwarded-client-cert`), whose X-Real-IP, X-Forwarded-Proto and verified client
# certificates (a verifier's mTLS) serve believes. Give nginx an address of its own (proxy_bind
# 127.0.0.2) so that a local client calling serve directly cannot claim a certificate, and have
# it set X-SSL-Client-Verify and X-SSL-Client-Cert on every request (docs/relying-parties.md).
#
# DIR (default ./mynacert-sandbox) is made afresh on every start: the cards' dates are placed
# around today (the demo plan of Yokohama, docs/demo.md), so a sandbox is not kept. A DIR that
# is not a sandbox's is never deleted. What it leaves there while it runs:
#   sandbox.json       the table, as JSON (readers, states, PINs, serials, OCSP answers)
#   secrets.env        the CA passphrase, issuer key and card secret of this sandbox (0600)
#   verifier-key.txt   the registered verifier's API key (0600; shown once by `verifier add`)
#   pcscd/pcscd.comm   the private pcscd: export PCSCLITE_CSOCK_NAME=DIR/pcscd/pcscd.comm
#   opensc.conf        OpenSC with enough PKCS#11 slots for every reader: export OPENSC_CONF=…
#   ready              written last, once every card answered as its state says
#
# The private pcscd runs in a mount namespace of its own (unshare; as root, or in a user
# namespace otherwise) with DIR/pcscd bound over /run/pcscd, so it never meets the machine's
# pcscd; clients outside find it through PCSCLITE_CSOCK_NAME (libpcsclite reads it).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=./mynacert-sandbox
port=8480
bin=
proxies=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --trusted-proxy) proxies+=(--trusted-proxy "$2"); shift 2 ;;
    -h|--help) sed -n "2,28p" "$0"; exit 0 ;;
    *) echo "sandbox: unknown argument $1 (--dir, --port, --bin, --trusted-proxy)" >&2; exit 2 ;;
  esac
done
if [ -z "$bin" ]; then
  bin="$repo/build/mynacert"
  if [ ! -x "$bin" ]; then
    "$repo/scripts/install-deps.sh"
    "$repo/scripts/build.sh" release
  fi
fi
bin=$(readlink -f "$bin")
for tool in pcscd opensc-tool jq curl openssl unshare ss; do
  command -v "$tool" >/dev/null || { echo "sandbox: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
case "$port" in ''|*[!0-9]*) echo "sandbox: --port: a number" >&2; exit 2 ;; esac
port_busy() { ss -Htan "( sport = :$1 )" 2>/dev/null | grep -q .; }
port_busy "$port" && { echo "sandbox: --port: $port is in use" >&2; exit 2; }

# A fresh folder; an existing one only if a sandbox made it.
if [ -e "$dir" ]; then
  [ -f "$dir/.mynacert-sandbox" ] || { echo "sandbox: --dir: $dir exists and is not a sandbox's; not touched" >&2; exit 2; }
  rm -rf "$dir"
fi
umask 077
mkdir -p "$dir/pcscd" "$dir/readers"
dir=$(cd "$dir" && pwd)
touch "$dir/.mynacert-sandbox"

pids=()
stop() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -f "$dir/ready" "$dir/pcscd/pcscd.comm"
}
trap stop EXIT
trap 'stop; exit 0' INT TERM
say() { echo "sandbox: $*" >&2; }
fail() { echo "sandbox: FAIL: $*" >&2; exit 1; }

# ---- the secrets and the CA, its URLs pointing at this sandbox's serve ----
export MYNACERT_HOME="$dir/home"
{
  echo "MYNACERT_CA_PASSPHRASE=$(openssl rand -hex 24)"
  echo "MYNACERT_ISSUER_KEY=$(openssl rand -hex 24)"
  echo "MYNACERT_CARD_SECRET=$(openssl rand -hex 24)"
} > "$dir/secrets.env"
set -a; . "$dir/secrets.env"; set +a
openssl rand -hex 12 > "$dir/staff-password.txt"
base="http://127.0.0.1:$port"
m() { "$bin" "$@"; }
m ca init --dir "$MYNACERT_HOME/ca" --passphrase env:MYNACERT_CA_PASSPHRASE --public-url "$base" --json >/dev/null

# ---- the holders: the demo plan of one municipality (every situation, the same PINs) ----
say "residents and cards (demo seed, yokohama) …"
m demo seed --municipality yokohama --staff-password "file:$dir/staff-password.txt" --json \
  > "$dir/seed.json" 2>"$dir/seed.log" || fail "demo seed: $(tail -3 "$dir/seed.log")"
id_of() { jq -r --arg s "$1" '[.residents[] | select(.situation == $s)][0].id' "$dir/seed.json"; }
card_of() { ls "$MYNACERT_HOME"/cards/resident-"$1"-case-*.card | head -1; }
today=$(jq -r .today "$dir/seed.json")

# PINs run down on two valid cards (R-CERT-6): the auth PIN locked (3 wrong), the sign PIN
# one try from locked (4 wrong of 5).
wrong() {  # <card> <pin kind> <a wrong PIN of the right format> <times>
  for _ in $(seq "$4"); do
    MYNACERT_WRONG=$3 m card verify-pin --card "$1" --secret env:MYNACERT_CARD_SECRET --pin-kind "$2" \
      --pin env:MYNACERT_WRONG >/dev/null 2>&1 && fail "a wrong $2 PIN was accepted"
  done
  return 0
}
auth_locked=$(id_of notice_due_today)
sign_one_try=$(id_of leap_day_birth)
wrong "$(card_of "$auth_locked")" auth 9999 3
wrong "$(card_of "$sign_one_try")" sign ZZZ999 4

# A renewed card (R-CARD-2): the card the demo produced for its pick-up, handed over at the
# counter with the same PINs; the old card returned, its certificates revoked (superseded).
renewed=$(id_of pickup_ready)
application=$(jq -r --arg i "$renewed" '.residents[] | select(.id == ($i | tonumber)) | .card_application' "$dir/seed.json")
old_card=$(card_of "$renewed")
counter=yokohama-tsurumi  # profiles/yokohama.toml: a counter that hands over cards (card_pickup)
case_id=$(m counter open --clerk sandbox --resident "$renewed" --procedure card_pickup --application "$application" \
            --counter "$counter" --document pickup_notice --document holder_card \
            --document "kind=drivers_license,whose=holder,expires=2035-01-01" --json | jq -r .case)
[ "$(m counter decide --clerk sandbox --case "$case_id" --json | jq -r .outcome)" = accepted ] || fail "pick-up not accepted"
printf '1234\nABC123\n5678\n2468\n' | m counter execute --clerk sandbox --case "$case_id" --json >/dev/null \
  || fail "pick-up"
new_card="$MYNACERT_HOME/cards/application-$application.card"

# The verifier API's key (R-VER-1), both kinds.
m verifier add --name "sandbox verifier" --kinds sign,auth --by sandbox --json | jq -r .api_key > "$dir/verifier-key.txt"

# ---- serve: OCSP, CRLs, CA certificates, the verifier API, the UI ----
[ ${#proxies[@]} -gt 0 ] && proxies+=(--forwarded-client-cert)
"$bin" serve --home "$MYNACERT_HOME" --port "$port" "${proxies[@]}" > "$dir/serve.log" 2>&1 &  # not `m`: $! must be its PID
pids+=($!)
for _ in $(seq 200); do curl -fsS "$base/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$base/api/health" >/dev/null || fail "serve did not start: $(tail -5 "$dir/serve.log")"

# ---- the cards: reader name, state, card file, PINs ----
# state code | 日本語 | English | card file | PINs shown | what OCSP must say of auth and of sign
# ("-": not asked; "*": asked, whatever it says)
rows=()
row() { rows+=("$1|$2|$3|$4|$5|$6"); }
demo_pins="auth 1234 / sign ABC123 / text 5678 / juki 2468"
row valid "有効" "valid" "$(card_of "$(id_of before_window)")" "$demo_pins" "good good"
row in_window "更新期間内" "inside the renewal window" "$(card_of "$(id_of in_window)")" "$demo_pins" "good good"
row expired "有効期限切れ" "certificates expired (card valid)" "$(card_of "$(id_of expired)")" "$demo_pins" "* *"
row sign_revoked_move "転居で署名用失効" "sign revoked after a move" "$(card_of "$(id_of revoked_after_move)")" "$demo_pins" "good revoked:affiliationChanged"
row held_lost "紛失で一時保留" "held after a loss" "$(card_of "$(id_of card_on_hold)")" "$demo_pins" "revoked:certificateHold revoked:certificateHold"
row auth_pin_locked "利用者証明用PINロック" "auth PIN locked" "$(card_of "$auth_locked")" "auth 1234 (locked) / sign ABC123 / text 5678 / juki 2468" "good good"
# (its sign certificate is not asked: reading it takes the sign PIN, and a right one resets the count)
row sign_pin_last_try "署名用PIN残り1回" "sign PIN one try left" "$(card_of "$sign_one_try")" "auth 1234 / sign ABC123 (1 try left) / text 5678 / juki 2468" "good -"
row minor_no_sign "15歳未満 (署名用なし)" "minor, no sign certificate" "$(card_of "$(id_of minor_under_15)")" "auth 1234 / sign ABC123 (no certificate) / text 5678 / juki 2468" "good -"
row face_card "顔認証カード" "face-authentication card" "$(card_of "$(id_of face_card)")" "auth none (face) / sign none / text 5678 / juki 2468" "good -"
row renewed_card "更新した新しいカード" "renewed card (new chip)" "$new_card" "$demo_pins" "good good"
row returned_old_card "返納した旧カード" "the returned old card" "$old_card" "$demo_pins" "revoked:superseded revoked:superseded"
row foreign_stay "在留期間で終わる" "foreign resident, ends with the stay" "$(card_of "$(id_of foreign_stay)")" "$demo_pins" "good good"

# ---- the private pcscd: one reader per card, each on a port below the ephemeral range ----
# The readers are our driver's (src/card/ifd_mynacert.cc), which speaks vpcd's protocol to
# `card serve`: vsmartcard's vpcd shares its two slots among all its readers, so one pcscd
# with vpcd holds two cards at most.
driver=${MYNACERT_IFD:-$(dirname "$bin")/src/card/libifdmynacert.so}
[ -f "$driver" ] || fail "the reader driver $driver is missing (scripts/build.sh)"
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
next=$(( 20000 + ($$ % 500) * 20 ))
ports=()
readers=()
for i in "${!rows[@]}"; do
  while port_busy "$next" || [ "$next" = "$port" ]; do next=$((next + 1)); done
  [ "$next" -lt "$ephemeral_low" ] || fail "no free ports for the readers below $ephemeral_low"
  IFS='|' read -r code _ <<<"${rows[$i]}"
  printf 'FRIENDLYNAME "mynacert %s"\nDEVICENAME /dev/null:0x%X\nLIBPATH %s\n' "$code" "$next" "$driver" \
    > "$dir/readers/$(printf %02d $((i + 1)))"
  ports+=("$next")
  next=$((next + 1))
done
ns=(unshare -m --propagation private)
[ "$(id -u)" -eq 0 ] || ns=(unshare -r -m --propagation private)
"${ns[@]}" sh -c 'mkdir -p /run/pcscd && mount --bind "$1/pcscd" /run/pcscd && exec pcscd -f -c "$1/readers"' sh "$dir" \
  > "$dir/pcscd.log" 2>&1 &
pids+=($!)
export PCSCLITE_CSOCK_NAME="$dir/pcscd/pcscd.comm"
# OpenSC's PKCS#11 module shows 16 slots by default (max_virtual_slots), two per JPKI card:
# the cards past the eighth reader would be missing from pkcs11-tool and every PKCS#11 app.
cat > "$dir/opensc.conf" <<'CONF'
app default {
  framework pkcs15 {
  }
  pkcs11 {
    max_virtual_slots = 64;
  }
}
CONF
export OPENSC_CONF="$dir/opensc.conf"
for _ in $(seq 100); do [ -S "$PCSCLITE_CSOCK_NAME" ] && break; sleep 0.05; done
[ -S "$PCSCLITE_CSOCK_NAME" ] || fail "pcscd did not start: $(cat "$dir/pcscd.log")"

for i in "${!rows[@]}"; do
  IFS='|' read -r _ _ _ file _ <<<"${rows[$i]}"
  "$bin" card serve --card "$file" --secret env:MYNACERT_CARD_SECRET --vpcd "127.0.0.1:${ports[$i]}" \
    > "$dir/card-$((i + 1)).log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 300); do
  [ "$(opensc-tool -l 2>/dev/null | grep -c ' Yes ')" -ge "${#rows[@]}" ] && break
  sleep 0.05
done
[ "$(opensc-tool -l 2>/dev/null | grep -c ' Yes ')" -ge "${#rows[@]}" ] || fail "not every card is in its reader: $(opensc-tool -l 2>&1)"
# pcscd numbers its readers in the order it loaded them: "mynacert <state> NN 00".
readers=()
for i in "${!rows[@]}"; do
  IFS='|' read -r code _ <<<"${rows[$i]}"
  name=$(opensc-tool -l 2>/dev/null | sed -n "s/^.*\(mynacert $code [0-9A-F][0-9A-F] 00\)\$/\1/p")
  [ -n "$name" ] || fail "no reader for $code: $(opensc-tool -l 2>&1)"
  readers+=("$name")
done

# ---- every card read through pcscd and asked of OCSP, as a relying party would ----
ocsp_word() {  # the JSON of `card status` for one kind → good | revoked:<reason> | unknown
  jq -r --arg k "$1" '.[$k] | if . == null then "-" elif .status == "revoked" then "revoked:" + .reason else .status end'
}
table='[]'
for i in "${!rows[@]}"; do
  IFS='|' read -r code ja en file pins expect <<<"${rows[$i]}"
  reader=${readers[$i]}
  shown=$(m card show --reader "$reader" --json) || fail "$reader: card show"
  status_flags=()
  [ "${expect#* }" != "-" ] && status_flags=(--pin env:MYNACERT_SIGN_PIN)
  auth_answer=-; sign_answer=-
  if [ "${expect%% *}" != "-" ] || [ "${expect#* }" != "-" ]; then
    answer=$(MYNACERT_SIGN_PIN=ABC123 m card status --reader "$reader" --url "$base/ocsp" "${status_flags[@]}" --json) \
      || fail "$reader: card status"
    auth_answer=$(ocsp_word auth <<<"$answer")
    sign_answer=$(ocsp_word sign <<<"$answer")
  fi
  case "${expect%% *}" in -|'*') ;; *) [ "$auth_answer" = "${expect%% *}" ] || fail "$reader: auth OCSP says $auth_answer, not ${expect%% *}" ;; esac
  case "${expect#* }" in -|'*') ;; *) [ "$sign_answer" = "${expect#* }" ] || fail "$reader: sign OCSP says $sign_answer, not ${expect#* }" ;; esac
  table=$(jq --arg reader "$reader" --arg code "$code" --arg ja "$ja" --arg en "$en" --arg pins "$pins" \
             --arg auth "$auth_answer" --arg sign "$sign_answer" --arg file "$file" --argjson shown "$shown" \
             '. + [{reader: $reader, state: $code, ja: $ja, en: $en, pins: $pins, card_file: $file,
                    card_type: $shown.card_type, pin_tries_left: $shown.pin_tries_left,
                    auth_serial: $shown.auth_certificate.serial, auth_valid_until: $shown.auth_certificate.valid_until,
                    ocsp: {auth: $auth, sign: $sign}}]' <<<"$table")
done
[ "$(jq -r '.[] | select(.state == "auth_pin_locked") | .pin_tries_left.auth' <<<"$table")" = 0 ] || fail "the auth PIN is not locked"
[ "$(jq -r '.[] | select(.state == "sign_pin_last_try") | .pin_tries_left.sign' <<<"$table")" = 1 ] || fail "the sign PIN has not one try left"

jq -n --arg base "$base" --arg socket "$PCSCLITE_CSOCK_NAME" --arg today "$today" --arg dir "$dir" --argjson cards "$table" \
  '{today: $today, url: $base, ocsp: ($base + "/ocsp"), pcscd_socket: $socket, dir: $dir,
    ca: {auth: ($base + "/ca/auth.crt"), sign: ($base + "/ca/sign.crt")},
    verifier_key_file: ($dir + "/verifier-key.txt"), cards: $cards}' > "$dir/sandbox.json"

cat <<EOF

mynacert sandbox — $today (JST). Not J-LIS: a test CA, test cards.
  export PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME     # the private pcscd (opensc-tool -l, pkcs11-tool, your app)
  export OPENSC_CONF=$OPENSC_CONF                     # OpenSC with a PKCS#11 slot for every reader
  service  $base/   OCSP $base/ocsp   CA $base/ca/auth.crt, $base/ca/sign.crt   CPS $base/cps
  verifier API key: $dir/verifier-key.txt   (Authorization: Bearer …; $base/api/verifier/v1/me)
  staff (UI): clerk / supervisor / hotline, password in $dir/staff-password.txt

EOF
jq -r '.cards[] | "\(.reader)\n    \(.ja) / \(.en)\n    PIN: \(.pins)    OCSP: auth \(.ocsp.auth), sign \(.ocsp.sign)"' "$dir/sandbox.json"
echo
echo "Ctrl-C stops the sandbox (serve, pcscd, the cards). Table as JSON: $dir/sandbox.json"
touch "$dir/ready"
wait
