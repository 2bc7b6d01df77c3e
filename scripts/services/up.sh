#!/usr/bin/env bash
# Start the local test services (Kafka KRaft, Mosquitto, VictoriaMetrics) on
# 127.0.0.1, installing them on first use, and print ONLY `export VAR=value`
# lines on stdout, so that:   eval "$(npm run -s services:up)"
# Idempotent: a service whose pid file names a live process of ours with its
# ports answering is reused as is; any other is started fresh (data wiped).
# See scripts/services/README.md for ports, overrides and caveats.
set -euo pipefail

# fd 3 = the real stdout (exports only); everything else goes to stderr.
exec 3>&1 1>&2

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES="${IOC_SERVICES:-$ALL_SERVICES}"
for svc in $SERVICES; do
  case " $ALL_SERVICES " in *" $svc "*) ;; *) die "IOC_SERVICES: unknown service '$svc' (expected some of: $ALL_SERVICES)" ;; esac
done

lock_state_dir
ensure_tools
t0=$(now_ms)
log "state dir: $STATE"

# Kafka takes the longest to boot, so launch it first and wait for it last.
kafka_launched=0
for svc in $SERVICES; do
  if svc_alive "$svc" && svc_ports_answer "$svc"; then
    log "$svc: already running (pid $(svc_pid "$svc")), reusing"
    continue
  fi
  if svc_alive "$svc"; then
    log "$svc: process alive but its port does not answer; restarting it fresh"
    stop_svc "$svc"
  fi
  case "$svc" in
    kafka) launch_kafka fresh; kafka_launched=1 ;;
    victoria-metrics) start_victoria_metrics fresh; vm_probe ;;
    *) start_svc "$svc" fresh ;;
  esac
done
if [[ "$kafka_launched" == 1 ]]; then
  wait_kafka_ready
  kafka_warmup "$(recorded_port kafka)"
fi

log "all up in $(($(now_ms) - t0)) ms"
print_exports "$SERVICES" >&3
