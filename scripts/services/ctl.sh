#!/usr/bin/env bash
# Control ONE service without wiping its data (for failure tests):
#   ctl.sh stop  <kafka|mosquitto|victoria-metrics>   SIGTERM, then SIGKILL after 20s
#   ctl.sh kill  <kafka|mosquitto|victoria-metrics>   SIGKILL at once (crash)
#   ctl.sh start <kafka|mosquitto|victoria-metrics>   restart on the same port, data kept
#   ctl.sh restart <service>                          stop + start
#   ctl.sh status [service]                           "<svc> running pid=N port=P" / "<svc> stopped"
#   ctl.sh env                                        print the export lines (like up.sh, starts nothing)
# Only `status` and `env` write to stdout; progress goes to stderr.
set -euo pipefail
exec 3>&1 1>&2

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { die "usage: ctl.sh stop|kill|start|restart <kafka|mosquitto|victoria-metrics> | status [svc] | env"; }

cmd="${1:-}"
svc="${2:-}"
check_svc() {
  case " $ALL_SERVICES " in *" $1 "*) ;; *) usage ;; esac
}

case "$cmd" in
  stop)
    check_svc "$svc"; lock_state_dir; stop_svc "$svc" ;;
  kill)
    check_svc "$svc"; lock_state_dir; stop_svc "$svc" KILL ;;
  start)
    check_svc "$svc"; lock_state_dir
    if svc_alive "$svc"; then
      log "$svc: already running (pid $(svc_pid "$svc"))"
    else
      start_svc "$svc" keep
    fi
    ;;
  restart)
    check_svc "$svc"; lock_state_dir; stop_svc "$svc"; start_svc "$svc" keep ;;
  status)
    for s in ${svc:-$ALL_SERVICES}; do
      check_svc "$s"
      if pid="$(svc_pid "$s")"; then
        echo "$s running pid=$pid port=$(recorded_port "$s")" >&3
      else
        echo "$s stopped" >&3
      fi
    done
    ;;
  env)
    print_exports "$ALL_SERVICES" >&3 ;;
  *) usage ;;
esac
