#!/usr/bin/env bash
# softhsm-token.sh DIR LABEL — a private SoftHSM2 token for tests and local trials.
#
# Writes DIR/softhsm2.conf (token directory DIR/tokens, nothing in the system-wide
# /var/lib/softhsm), initialises a token labelled LABEL in the first free slot, and prints the
# line to export so that libsofthsm2.so (which reads SOFTHSM2_CONF at C_Initialize) finds it:
#
#   MYNACERT_HSM_SO_PIN=... MYNACERT_HSM_PIN=... eval "$(scripts/softhsm-token.sh /tmp/hsm mynacert)"
#
# The PINs come from the environment (MYNACERT_HSM_SO_PIN, MYNACERT_HSM_PIN), never from this
# script's arguments. softhsm2-util itself only takes them as --so-pin/--pin on its command line,
# where other local users can see them in ps: acceptable for a throwaway test token only. A real
# token is initialised interactively (softhsm2-util prompts when --pin is left out) or by its
# HSM's own tools.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: MYNACERT_HSM_SO_PIN=… MYNACERT_HSM_PIN=… $0 DIR LABEL" >&2
  exit 2
fi
dir=$1
label=$2
: "${MYNACERT_HSM_SO_PIN:?set MYNACERT_HSM_SO_PIN (SO PIN of the new token)}"
: "${MYNACERT_HSM_PIN:?set MYNACERT_HSM_PIN (user PIN of the new token)}"
command -v softhsm2-util >/dev/null 2>&1 || {
  echo "softhsm2-util not found (apt-get install softhsm2)" >&2
  exit 3
}

mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
chmod 700 "$dir/tokens"
conf="$dir/softhsm2.conf"
cat >"$conf" <<EOF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF="$conf"

# Test-only: the PINs go on softhsm2-util's command line (see above).
softhsm2-util --init-token --free --label "$label" \
  --so-pin "$MYNACERT_HSM_SO_PIN" --pin "$MYNACERT_HSM_PIN" >/dev/null

printf 'export SOFTHSM2_CONF=%q\n' "$conf"
