#!/usr/bin/env bash
# The README's main command: installs the dependencies, builds, and starts the main job — the
# service (`mynacert serve`: the API, the web UI, OCSP) over a home folder with a demo
# population in every situation of the five seed municipalities (docs/demo.md). Open the printed
# URL and log in as `supervisor` or `clerk`.
#
# Home: $MYNACERT_HOME, else ./mynacert-home. On the first run it makes the three secrets
# (<home>/secrets.env) and a staff password (<home>/staff-password.txt), both mode 0600, and
# seeds the demo; later runs reuse them and seed nothing. Port: $PORT, else 8080. Stop: Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
m=./build/mynacert

# Two one-line examples of the rules engine.
# Seed 001 (金沢市): a certificate expiring on 7/7 can be renewed free from 4/8.
$m explain --birth 1985-07-07 --card-issued 2021-03-01 --today 2025-04-08 --municipality kanazawa
# Seed 000 (山形市): an agent without the inquiry-and-response form: 文書照会, two visits.
$m procedure --municipality yamagata --procedure renewal --applicant agent_without_form

umask 077
home="${MYNACERT_HOME:-./mynacert-home}"
mkdir -p "$home"
home="$(cd "$home" && pwd)"
chmod 700 "$home"

# The secrets of this home (the CA keys' passphrase, the card issuer key, the card files'
# secret) and the staff password (accounts `clerk` and `supervisor`): scripts/home-setup.sh.
. scripts/home-setup.sh
home_secrets "$home"
home_password "$home"

# The demo population, once: `--if-empty` leaves a home that has residents as it is.
residents="$home/demo-residents.json"
seeded="$($m demo seed --home "$home" --staff-password "file:$pwfile" --if-empty --json)"
if [ "$(jq -r '.skipped // false' <<<"$seeded")" = true ]; then
  if [ -f "$residents" ]; then
    echo "demo: already seeded ($(jq '.residents | length' "$residents") residents, seeded for" \
         "$(jq -r .today "$residents")): $residents"
  else
    echo "demo: $home has $(jq .residents_in_home <<<"$seeded") residents but no completed demo seed" \
         "(an interrupted seed, or a home made by hand); to start over, stop and remove $home" >&2
  fi
  if [ -n "$new_password" ]; then  # a new password for an existing home: reset both accounts
    for who in clerk supervisor; do
      printf '%s\n' "$new_password" | $m staff add --home "$home" --name "$who" --role "$who"
    done
  fi
else
  printf '%s\n' "$seeded" > "$residents"
  echo "demo: seeded for $(jq -r .today "$residents") — id, name, situation, certificate expiry, 予約ID:"
  jq -r '.residents[] |
           "  \(.municipality)\t\(.id)\t\(.name)\t\(.situation)\t\(.cert_expiry)\t\(.reservation_id // "")"' \
    "$residents"
  echo "demo: the whole list: $residents; the situations and the PINs of every card: docs/demo.md"
fi

port="${PORT:-8080}"
echo
echo "mynacert: http://127.0.0.1:$port/"
echo "staff: supervisor, clerk — password in $pwfile"
if [ -n "$new_password" ]; then
  echo "staff password (shown this once; a local demo): $new_password"
fi
# --public-url: the receipts' and letters' QR codes lead back to this address.
exec "$m" serve --home "$home" --port "$port" --public-url "http://127.0.0.1:$port/"
