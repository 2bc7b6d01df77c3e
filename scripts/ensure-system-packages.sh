#!/usr/bin/env bash
# Installs the Debian packages the test suite needs but npm cannot provide: Chromium for the
# dashboard's browser tests. (Kafka, Mosquitto and VictoriaMetrics are installed by
# scripts/services/up.sh when the tests start them.) Runs before `npm test`.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "Missing Debian packages: ${missing[*]}. Install them (apt-get install ${missing[*]}) and run the tests again." >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing ${missing[*]} from Debian (first run only)..." >&2
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >&2
