# Sourced by tests/card_opensc.sh and bench/card_bench.sh: a pcscd of our own with a vpcd reader
# on a port of our own, and our card in it (jpki-card.md §8).
#
#   name=card_opensc; source tests/pcsc_harness.sh "$@"   # re-execs in a private mount namespace
#   pcsc_start_pcscd
#   pcsc_start_card <mynacert> <card file> <env var holding the card secret> [flags]  # sets card_pid
#
# As root with unshare: a private mount namespace with its own tmpfs /run/pcscd, so it never
# meets the machine's pcscd. Otherwise it runs on the machine's /run/pcscd when no pcscd runs,
# and exits 77 (skipped) when one does. Every process it starts is in `pids` and stopped by PID
# on exit; the work folder `work` is removed.
if [ -z "${MYNACERT_IN_NS:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null; then
    exec unshare -m --propagation private env MYNACERT_IN_NS=1 bash "$0" "$@"
  fi
  MYNACERT_IN_NS=0
fi
private_run=0
if [ "$MYNACERT_IN_NS" = 1 ]; then
  mkdir -p /run/pcscd
  mount -t tmpfs tmpfs /run/pcscd 2>/dev/null && private_run=1
fi
if [ $private_run = 0 ] && pgrep -x pcscd >/dev/null; then
  echo "$name: another pcscd is running and no private /run/pcscd is possible; skipped"
  exit 77
fi
for tool in pcscd opensc-tool pkcs15-tool pkcs11-tool scriptor openssl; do
  command -v "$tool" >/dev/null || { echo "$name: $tool missing (scripts/install-deps.sh)"; exit 1; }
done
work=$(mktemp -d "/tmp/mynacert-$name.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "$name: FAIL: $*"; exit 1; }
step() { echo "== $*"; }

# A vpcd on a port of our own (two slots: port, port+1).
port=$((40000 + ($$ % 5000) * 2))
mkdir -p "$work/reader.conf.d"
printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x%X\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID 0x%X\n' \
  "$port" "$port" > "$work/reader.conf.d/vpcd"
reader="Virtual PCD 00 00"

pcsc_start_pcscd() {
  pcscd -f -a -c "$work/reader.conf.d" > "$work/pcscd.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -S /run/pcscd/pcscd.comm ] && return 0; sleep 0.05; done
  fail "pcscd did not start: $(cat "$work/pcscd.log")"
}

pcsc_start_card() {  # <mynacert> <card file> <secret env var> [more card serve flags…]
  "$1" card serve --card "$2" --secret "env:$3" --vpcd "127.0.0.1:$port" "${@:4}" > "$work/card.log" 2>&1 &
  card_pid=$!
  pids+=($card_pid)
  for _ in $(seq 100); do opensc-tool -l 2>/dev/null | grep -q '^0 *Yes' && return 0; sleep 0.05; done
  fail "the card did not appear: $(opensc-tool -l 2>&1)"
}
