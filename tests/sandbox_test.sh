#!/usr/bin/env bash
# The relying parties' sandbox (scripts/sandbox.sh) from outside, with tools that are not
# ours: OpenSC lists every card in its own reader of the private pcscd and reads each auth
# certificate; OpenSSL checks it against the CA certificate served and asks the OCSP responder
# the certificate names (good, certificateHold after a loss, superseded for a returned card);
# pkcs11-tool meets the locked auth PIN and signs with a valid card; curl logs in to nginx with
# the card (TLS 1.2 client authentication through OpenSSL's pkcs11 engine and OpenSC), and
# nginx refuses the held card by OCSP; a verifier's registered client certificate opens the
# verifier API through nginx (mTLS) and nothing else does; the verifier key opens it; SIGTERM stops
# every process the sandbox started.
#
#   tests/sandbox_test.sh <path to mynacert>
set -euo pipefail
bin=$(readlink -f "$1")
name=sandbox
repo=$(cd "$(dirname "$0")/.." && pwd)
for tool in opensc-tool pkcs15-tool pkcs11-tool openssl curl jq ss nginx; do
  command -v "$tool" >/dev/null || { echo "$name: $tool missing (scripts/install-deps.sh)"; exit 1; }
done
work=$(mktemp -d /tmp/mynacert-sandbox-test.XXXXXX)
sandbox_pid=
nginx_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "$name: FAIL: $*"; [ -f "$work/sandbox.log" ] && tail -20 "$work/sandbox.log"; exit 1; }
step() { echo "== $*"; }

free_port() {  # <lowest> <span>: a port nobody uses, below the ephemeral range
  local try candidate
  for try in $(seq 0 40); do
    candidate=$(( $1 + ($$ + try * 131) % $2 ))
    ss -Htan "( sport = :$candidate )" | grep -q . || { echo "$candidate"; return 0; }
  done
  return 1
}
port=$(free_port 18000 1500) || fail "no free port"
dir="$work/sb"
base="http://127.0.0.1:$port"

step "scripts/sandbox.sh up: residents, cards, serve, the private pcscd"
# nginx reaches serve from 127.0.0.2 (proxy_bind), the one address serve trusts: this test's
# own direct calls from 127.0.0.1 are a client's, whatever headers they carry.
"$repo/scripts/sandbox.sh" --bin "$bin" --dir "$dir" --port "$port" --trusted-proxy 127.0.0.2 \
  > "$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 600); do
  [ -f "$dir/ready" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || fail "the sandbox stopped"
  sleep 0.5
done
[ -f "$dir/ready" ] || fail "not ready in 300 s"
grep -q "PCSCLITE_CSOCK_NAME=$dir/pcscd/pcscd.comm" "$work/sandbox.log" || fail "no socket line in the table"
export PCSCLITE_CSOCK_NAME="$dir/pcscd/pcscd.comm" OPENSC_CONF="$dir/opensc.conf"
grep -q "OPENSC_CONF=$dir/opensc.conf" "$work/sandbox.log" || fail "no OpenSC line in the table"
table="$dir/sandbox.json"
cards=$(jq '.cards | length' "$table")
[ "$cards" -ge 11 ] || fail "only $cards cards"

step "OpenSC: $cards readers, each with a card"
[ "$(opensc-tool -l | grep -c ' Yes .*mynacert ')" = "$cards" ] || fail "readers: $(opensc-tool -l)"
reader_index() { opensc-tool -l | awk -v n="$1" '$0 ~ n { print $1; exit }'; }

step "each auth certificate read by OpenSC, checked by OpenSSL against the served CA and OCSP"
curl -fsS "$base/ca/auth.crt" -o "$work/auth-ca.der"
openssl x509 -inform DER -in "$work/auth-ca.der" -out "$work/auth-ca.pem"
check() {  # <state> <expected openssl ocsp line>
  local reader index
  reader=$(jq -r --arg s "$1" '.cards[] | select(.state == $s) | .reader' "$table")
  index=$(reader_index "$reader")
  [ -n "$index" ] || fail "$1: reader $reader not listed"
  if [ "${3:-}" = ours ]; then
    "$bin" card export --reader "$reader" --slot auth --pem --out "$work/$1.pem" >/dev/null || fail "$1: card export"
  else
    pkcs15-tool --reader "$index" --read-certificate 01 2>/dev/null > "$work/$1.pem" || fail "$1: pkcs15-tool"
  fi
  [ "$(openssl x509 -in "$work/$1.pem" -noout -serial | cut -d= -f2)" = \
    "$(jq -r --arg s "$1" '.cards[] | select(.state == $s) | .auth_serial' "$table")" ] || fail "$1: not the card of its row"
  openssl verify -partial_chain -no_check_time -CAfile "$work/auth-ca.pem" "$work/$1.pem" | grep -q ': OK' \
    || fail "$1: not from the served CA"
  url=$(openssl x509 -in "$work/$1.pem" -noout -ocsp_uri)
  [ "$url" = "$base/ocsp" ] || fail "$1: OCSP URL $url"
  out=$(openssl ocsp -issuer "$work/auth-ca.pem" -cert "$work/$1.pem" -url "$url" -CAfile "$work/auth-ca.pem" -no_nonce 2>&1)
  grep -q "$2" <<<"$out" || fail "$1: OCSP says $out"
  echo "   $1: $(grep -m1 "$work/$1.pem" <<<"$out" | sed 's/.*: //')$(grep -m1 'Reason' <<<"$out" | sed 's/^ */, /')"
}
check valid ": good"
check renewed_card ": good"
# A face card has no PIN: the empty VERIFY answers 69 84, and OpenSC's jpki emulator, which
# asks both PINs' status while binding, gives up ("Unsupported card"; docs/card.md). Its
# certificate is read with our client instead.
face_reader=$(jq -r '.cards[] | select(.state == "face_card") | .reader' "$table")
out=$(pkcs15-tool --reader "$(reader_index "$face_reader")" --read-certificate 01 2>&1) && fail "OpenSC bound a face card: $out"
grep -q "Unsupported card" <<<"$out" || fail "face card in OpenSC: $out"
check face_card ": good" ours
check held_lost "Reason: certificateHold"
check returned_old_card "Reason: superseded"

step "pkcs11-tool: the locked auth PIN is refused even when right; the PIN counts as the table says"
module=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
[ -f "$module" ] || module=$(find /usr/lib -name opensc-pkcs11.so | head -1)
# The first PKCS#11 slot of a reader is its auth PIN's ("JPKI (User Authentication PIN)").
auth_slot() { pkcs11-tool --module "$module" -L 2>/dev/null | awk -v r="$1" 'index($0, r) && /^Slot/ { gsub(/[():]/, "", $3); print $3; exit }'; }
locked=$(jq -r '.cards[] | select(.state == "auth_pin_locked") | .reader' "$table")
[ -n "$(auth_slot "$locked")" ] || fail "no PKCS#11 slot for $locked"
out=$(pkcs11-tool --module "$module" --slot "$(auth_slot "$locked")" --login --pin 1234 --sign --id 01 -m SHA256-RSA-PKCS \
        -i "$work/valid.pem" -o "$work/sig.bin" 2>&1) && fail "signed with a locked PIN: $out"
# 69 84 from the card, as a real one answers; OpenSC 0.23 reports it as CKR_GENERAL_ERROR and
# flags the token "user PIN locked" (docs/card.md "Blocked PINs").
grep -q "C_Login failed" <<<"$out" || fail "locked PIN: $out"
pkcs11-tool --module "$module" -L 2>/dev/null | awk -v r="$locked" 'index($0, r) && /^Slot/ && !seen {f = 1; seen = 1; next} /^Slot/ {f = 0} f' |
  grep -q "user PIN locked" || fail "the locked card's token does not show its PIN locked"
valid=$(jq -r '.cards[] | select(.state == "valid") | .reader' "$table")
pkcs11-tool --module "$module" --slot "$(auth_slot "$valid")" --login --pin 1234 --sign --id 01 -m SHA256-RSA-PKCS \
  -i "$work/valid.pem" -o "$work/sig.bin" >/dev/null 2>&1 || fail "the valid card does not sign with its PIN"
openssl x509 -in "$work/valid.pem" -pubkey -noout > "$work/valid.pub"
openssl dgst -sha256 -verify "$work/valid.pub" -signature "$work/sig.bin" "$work/valid.pem" | grep -q 'Verified OK' \
  || fail "the signature does not verify"
[ "$("$bin" card show --reader "$(jq -r '.cards[] | select(.state == "sign_pin_last_try") | .reader' "$table")" --json |
    jq -r .pin_tries_left.sign)" = 1 ] || fail "sign PIN tries"
out=$(MYNACERT_SIGN_PIN=ABC123 "$bin" card export --reader "$(jq -r '.cards[] | select(.state == "minor_no_sign") | .reader' "$table")" \
        --slot sign --pin env:MYNACERT_SIGN_PIN --out "$work/minor-sign.der" 2>&1) && fail "the minor's card has a sign certificate"
grep -q "no certificate" <<<"$out" || fail "minor: $out"

step "TLS client authentication with the card through nginx (TLS 1.2, PKCS#1 v1.5, OCSP by nginx)"
# nginx asks for a client certificate of the auth CA, checks it by OCSP at the sandbox's
# responder, and accepts only PKCS#1 v1.5 signatures: a JPKI card signs nothing else through
# OpenSC (offered RSA-PSS, which OpenSSL prefers, the card's CKM_RSA_PKCS_PSS is "Mechanism
# invalid"). curl reaches the card through OpenSSL's pkcs11 engine (libp11) and OpenSC.
engine=$(find /usr/lib -path '*engines-3/pkcs11.so' | head -1)
[ -n "$engine" ] || fail "libengine-pkcs11-openssl missing (scripts/install-deps.sh)"
tls_port=$(free_port 19600 300) || fail "no free port for nginx"
mtls_port=$(free_port 19900 300) || fail "no free port for nginx"
[ "$mtls_port" != "$tls_port" ] || mtls_port=$((tls_port + 1))
mkdir -p "$work/nginx" "$work/vca"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/nginx/server.key" -out "$work/nginx/server.crt" -days 2 \
  -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
# A verifier CA of the operator's (not JPKI's), two client certificates it issues, and one of a
# stranger's CA.
vcert() {  # <name> <issuer name or ""> : vca/<name>.pem and .key
  local ext=(-addext basicConstraints=critical,CA:FALSE -addext extendedKeyUsage=clientAuth)
  if [ -z "$2" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/vca/$1.key" \
      -out "$work/vca/$1.pem" -days 2 -subj "/O=mynacert test/CN=$1" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  else
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/vca/$1.key" \
      -subj "/O=mynacert test/CN=$1" 2>/dev/null |
      openssl x509 -req -CA "$work/vca/$2.pem" -CAkey "$work/vca/$2.key" -CAcreateserial -days 2 \
        -extfile <(printf 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n') \
        -out "$work/vca/$1.pem" 2>/dev/null
  fi
}
vcert verifier-ca ""
vcert login.example verifier-ca
vcert other.example verifier-ca
vcert stranger-ca ""
vcert stranger.example stranger-ca
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log info;
events {}
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $work/nginx/server.crt;
    ssl_certificate_key $work/nginx/server.key;
    ssl_protocols TLSv1.2;
    ssl_client_certificate $work/auth-ca.pem;
    ssl_verify_client on;
    ssl_verify_depth 1;
    ssl_ocsp on;
    ssl_ocsp_responder $base/ocsp;
    ssl_conf_command ClientSignatureAlgorithms RSA+SHA256:RSA+SHA384:RSA+SHA512;
    location / {
      default_type text/plain;
      return 200 "verify=\$ssl_client_verify serial=\$ssl_client_serial\n";
    }
  }
  # A verifier's mTLS (R-VER-1): nginx checks the chain to the verifier CA and forwards the
  # verified certificate; serve accepts exactly a registered one, from 127.0.0.2 only.
  server {
    listen 127.0.0.1:$mtls_port ssl;
    ssl_certificate $work/nginx/server.crt;
    ssl_certificate_key $work/nginx/server.key;
    ssl_client_certificate $work/vca/verifier-ca.pem;
    ssl_verify_client optional;
    location / {
      proxy_pass $base;
      proxy_bind 127.0.0.2;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-SSL-Client-Verify \$ssl_client_verify;
      proxy_set_header X-SSL-Client-Cert \$ssl_client_escaped_cert;
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" > "$work/nginx/out.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 50); do ss -Htln "( sport = :$tls_port )" | grep -q . && break; sleep 0.1; done
printf 'openssl_conf = init\n[init]\nengines = engines\n[engines]\npkcs11 = pkcs11\n[pkcs11]\nengine_id = pkcs11\ndynamic_path = %s\nMODULE_PATH = %s\ninit = 0\n' \
  "$engine" "$module" > "$work/openssl-pkcs11.cnf"
tls_login() {  # <state>: curl through the card of that row (its auth key, PIN 1234)
  local slot
  slot=$(( $(auth_slot "$(jq -r --arg s "$1" '.cards[] | select(.state == $s) | .reader' "$table")") ))
  OPENSSL_CONF="$work/openssl-pkcs11.cnf" curl -sS --engine pkcs11 --cert-type ENG --cert "slot_$slot-id_01" \
    --key-type ENG --key "slot_$slot-id_01" --pass 1234 --cacert "$work/nginx/server.crt" --tls-max 1.2 \
    "https://127.0.0.1:$tls_port/" 2>&1
}
out=$(tls_login valid)
grep -q "verify=SUCCESS serial=$(jq -r '.cards[] | select(.state == "valid") | .auth_serial' "$table")" <<<"$out" \
  || fail "TLS with the valid card: $out $(tail -3 "$work/nginx/error.log")"
echo "   valid card: $out"
out=$(tls_login held_lost)
grep -q "verify=SUCCESS" <<<"$out" && fail "a held card logged in: $out"
grep -q "certificate revoked" "$work/nginx/error.log" || fail "held card: $out $(tail -3 "$work/nginx/error.log")"
echo "   held card: refused (nginx: certificate revoked)"

step "a verifier calls with its TLS client certificate through nginx (mTLS), and only with its own"
vid=$("$bin" verifier add --home "$dir/home" --name "mTLS verifier" --kinds auth --by sandbox-test \
  --client-cert "$work/vca/login.example.pem" --json | jq -r .id)
[ -n "$vid" ] && [ "$vid" != null ] || fail "verifier add --client-cert"
mtls() {  # <client name or ""> [curl args…]: the HTTP status and body of /api/verifier/v1/me through nginx
  local who=$1; shift
  local cert=()
  [ -n "$who" ] && cert=(--cert "$work/vca/$who.pem" --key "$work/vca/$who.key")
  curl -sS --cacert "$work/nginx/server.crt" "${cert[@]}" -w ' %{http_code}' "$@" \
    "https://127.0.0.1:$mtls_port/api/verifier/v1/me" 2>&1
}
out=$(mtls login.example)
grep -q "\"id\":\"$vid\".* 200$" <<<"$out" || fail "the registered certificate: $out $(tail -3 "$work/nginx/error.log")"
echo "   registered certificate: 200 $vid"
out=$(mtls other.example)
grep -q '"field":"client_certificate".* 401$' <<<"$out" || fail "the CA's other certificate: $out"
echo "   the verifier CA's other certificate: 401 client_certificate"
out=$(mtls "")
grep -q ' 401$' <<<"$out" || fail "no certificate: $out"
out=$(mtls stranger.example)
grep -q ' 400$' <<<"$out" || fail "another CA's certificate: $out"
echo "   no certificate: 401; another CA's: 400 from nginx"
# The same headers sent straight to serve, from an address it does not trust, are ignored.
escaped=$(jq -sRr @uri < "$work/vca/login.example.pem")
out=$(curl -sS -w ' %{http_code}' -H "X-SSL-Client-Verify: SUCCESS" -H "X-SSL-Client-Cert: $escaped" \
  "$base/api/verifier/v1/me")
grep -q '"field":"Authorization".* 401$' <<<"$out" || fail "forged headers straight to serve: $out"
echo "   forged headers straight to serve: 401"
kill "$nginx_pid"
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=
step "the verifier API answers the sandbox's key, and refuses another"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$dir/verifier-key.txt")" "$base/api/verifier/v1/me")" = 200 ] \
  || fail "verifier key"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer mvk_$(printf '0%.0s' $(seq 64))" "$base/api/verifier/v1/me")" = 401 ] \
  || fail "a made-up key"

step "SIGTERM: every process of the sandbox stops, the socket goes"
pids=$(pgrep -f -- "$dir" || true)
kill -TERM "$sandbox_pid"
wait "$sandbox_pid" 2>/dev/null || true
sandbox_pid=
for _ in $(seq 50); do [ -z "$(pgrep -f -- "$dir" || true)" ] && break; sleep 0.1; done
[ -z "$(pgrep -f -- "$dir" || true)" ] || fail "left running: $(pgrep -af -- "$dir")"
[ -n "$pids" ] || fail "no process named the sandbox folder while it ran"
[ ! -e "$dir/pcscd/pcscd.comm" ] || fail "socket left"
[ ! -e "$dir/ready" ] || fail "ready left"
echo "$name: all checks passed"
