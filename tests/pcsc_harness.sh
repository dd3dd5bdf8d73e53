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

# A vpcd on a port of our own (two slots: port, port+1), below the kernel's ephemeral range
# (ip_local_port_range, 32768– by default) so that no client connection of another test holds
# it, and checked free: pcscd loads the reader even when the driver cannot listen, and the
# only sign is "No smart card readers found" (a CI run met it with a port in 40000–49999).
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -ge 22002 ] 2>/dev/null || ephemeral_low=32768  # a tiny range: the ss check still holds
port_busy() { ss -Htan "( sport = :$1 )" 2>/dev/null | grep -q .; }
port=
for try in $(seq 0 49); do
  candidate=$(( 20000 + (($$ + try * 7919) % ((ephemeral_low - 20002) / 2)) * 2 ))
  if ! port_busy "$candidate" && ! port_busy $((candidate + 1)); then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "$name: FAIL: no free pair of ports for vpcd below $ephemeral_low"; exit 1; }
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
  for _ in $(seq 300); do opensc-tool -l 2>/dev/null | grep -q '^0 *Yes' && return 0; sleep 0.05; done
  fail "the card did not appear in 15 s: $(opensc-tool -l 2>&1)
vpcd port $port: $(ss -Htan "( sport = :$port or sport = :$((port + 1)) )" 2>&1)
pcscd: $(tail -20 "$work/pcscd.log")
card serve: $(tail -5 "$work/card.log")"
}
