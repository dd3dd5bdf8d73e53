#!/usr/bin/env bash
# Installs what mynacert needs to build and test, from Debian 12 packages only. Idempotent:
# when everything is already installed it changes nothing and asks no mirror.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libssl-dev openssl
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libsqlite3-dev libboost-dev softhsm2 libp11-kit-dev
  libpq-dev postgresql nginx-light  # the PostgreSQL engine, its test server, the cluster (scripts/cluster.sh)
  pcscd vsmartcard-vpcd opensc pcsc-tools libpcsclite-dev jq iproute2  # ss: the vpcd port check
  libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils
  libpodofo-dev  # PDF signatures (pki/pades.cc); pdfsig of poppler-utils checks them
  libopenjp2-7-dev libopenjp2-tools libpng-dev  # the 1-bit images and the face image of the card's 券面 AP, JPEG 2000 as on a real card (card/card_face.h)
  libqrencode-dev  # QR codes on the letters and the booking print (core/qr.h)
  libcurl4-openssl-dev python3-aiosmtpd  # booking e-mails over SMTP (service/mailer.h); the test's SMTP server
  zbar-tools  # reads the QR codes back (core/qr_test.cc, notices_test.cc)
  python3-icalendar  # reads the bookings' calendar files back (reservations/ics_test.cc)
  gnutls-bin libnss3-tools  # independent verifiers of the CRLs and OCSP (certtool, vfychain; issue 18)
  libengine-pkcs11-openssl  # curl's TLS client authentication with the card through OpenSC (tests/sandbox_test.sh)
  chromium curl  # the browser tests (tests/browser/run.sh; playwright-core comes from npm there)
  clang-14 libclang-rt-14-dev
  clang-format
)
# The holiday oracle and the browser tests run npm packages under Node; install Node only if
# absent (Debian 12's nodejs is enough; tests/browser/run.sh runs `npm ci` for playwright-core
# and never downloads a browser).
# bench/ca_bench.sh compares with wrk, ab and nginx: `scripts/install-deps.sh --bench`.
# bench/card_bench.sh compares with vsmartcard's own emulator (vicc).
[ "${1:-}" = "--bench" ] && packages+=(wrk apache2-utils nginx-light vsmartcard-vpicc)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
