#!/usr/bin/env bash
# Stop the local test services started by up.sh: SIGTERM, wait up to
# IOC_STOP_TIMEOUT (default 20) seconds, then SIGKILL; remove pid files.
# Idempotent. Data, logs and downloaded jars stay in the state dir (the next
# `up` wipes the data dirs).
set -euo pipefail
exec 3>&1 1>&2

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

lock_state_dir
# Reverse start order; the three stop independently, so do them in parallel.
for svc in victoria-metrics mosquitto kafka; do
  stop_svc "$svc" &
done
wait
log "all stopped"
