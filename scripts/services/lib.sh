# shellcheck shell=bash
# Shared helpers for scripts/services/{up,down,ctl}.sh. Sourced, not executed.
#
# Contract: callers run with `set -euo pipefail`, have done `exec 3>&1 1>&2`
# (so fd 3 is the real stdout, reserved for `export` lines, and everything
# else, including every child's output, goes to stderr), and hold the state
# dir lock on fd 9. Every daemon we launch gets `3>&- 9>&-` so it never keeps
# the caller's stdout pipe or the lock open.

IOC_SERVICES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

STATE="${IOC_SERVICES_DIR:-${HOME:-/root}/.cache/ioc-services}"
mkdir -p "$STATE"
STATE="$(cd "$STATE" && pwd)"
CONF_DIR="$STATE/config"
DATA_DIR="$STATE/data"
LOG_DIR="$STATE/logs"
RUN_DIR="$STATE/run"
mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"

KAFKA_VERSION="${IOC_KAFKA_VERSION:-4.3.1}"
KAFKA_SCALA="2.13"
SLF4J_VERSION="2.0.17"
LOG4J_VERSION="2.25.4"
KAFKA_HEAP_OPTS="${IOC_KAFKA_HEAP_OPTS:--Xmx1g -Xms256m}"
KAFKA_HOME="$STATE/kafka-dist/$KAFKA_VERSION"

ALL_SERVICES="kafka mosquitto victoria-metrics"

log() { printf '[services] %s\n' "$*" >&2; }

die() {
  log "ERROR: $*"
  exit 1
}

# Print the last lines of each given file to stderr (for failure reports).
tail_logs() {
  local f
  for f in "$@"; do
    if [[ -s "$f" ]]; then
      printf -- '----- last 40 lines of %s -----\n' "$f" >&2
      tail -n 40 "$f" >&2 || true
      printf -- '----- end of %s -----\n' "$f" >&2
    fi
  done
}

now_ms() { date +%s%3N; }

lock_state_dir() {
  exec 9>"$STATE/.lock"
  if ! flock -w 900 9; then
    die "could not lock $STATE/.lock within 900s (another services:up/down/ctl still running?)"
  fi
}

# ---------------------------------------------------------------- ports ----
# Ports are chosen at fresh start from env overrides and recorded in
# run/<svc>.env so later `up` (reuse) and `ctl start` use the same ones.
default_port() {
  case "$1" in
    kafka) echo "${IOC_KAFKA_PORT:-19092}" ;;
    kafka-controller) echo "${IOC_KAFKA_CONTROLLER_PORT:-19093}" ;;
    mosquitto) echo "${IOC_MQTT_PORT:-18883}" ;;
    victoria-metrics) echo "${IOC_VM_PORT:-18428}" ;;
    *) die "unknown port name $1" ;;
  esac
}

record_ports() {
  local svc="$1"
  case "$svc" in
    kafka)
      printf 'PORT=%s\nCONTROLLER_PORT=%s\n' "$(default_port kafka)" "$(default_port kafka-controller)" >"$RUN_DIR/$svc.env"
      ;;
    *)
      printf 'PORT=%s\n' "$(default_port "$svc")" >"$RUN_DIR/$svc.env"
      ;;
  esac
}

# recorded_port SVC [PORT|CONTROLLER_PORT] -> recorded value, else default.
recorded_port() {
  local svc="$1" key="${2:-PORT}" line
  if [[ -f "$RUN_DIR/$svc.env" ]]; then
    line="$(grep -E "^$key=" "$RUN_DIR/$svc.env" || true)"
    if [[ -n "$line" ]]; then
      echo "${line#*=}"
      return
    fi
  fi
  if [[ "$key" == CONTROLLER_PORT ]]; then default_port kafka-controller; else default_port "$svc"; fi
}

tcp_open() { timeout 2 bash -c ": >/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# ------------------------------------------------------------ processes ----
pid_file() { echo "$RUN_DIR/$1.pid"; }

# True if PID exists and is not a zombie (an exited child whose parent has
# not reaped it yet still answers kill -0).
pid_running() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

# Prints the pid of SVC if its pid file names a live process that is ours
# (its command line mentions our state dir, which guards against pid reuse).
svc_pid() {
  local pf pid cmd
  pf="$(pid_file "$1")"
  [[ -s "$pf" ]] || return 1
  pid="$(tr -dc '0-9' <"$pf")"
  [[ -n "$pid" ]] || return 1
  pid_running "$pid" || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$STATE"* ]] || return 1
  echo "$pid"
}

svc_alive() { svc_pid "$1" >/dev/null; }

svc_ports_answer() {
  local svc="$1"
  tcp_open "$(recorded_port "$svc")" || return 1
  if [[ "$svc" == kafka ]]; then tcp_open "$(recorded_port kafka CONTROLLER_PORT)" || return 1; fi
}

svc_logs() {
  case "$1" in
    kafka) echo "$LOG_DIR/kafka-server.log $LOG_DIR/kafka.out" ;;
    mosquitto) echo "$LOG_DIR/mosquitto.log" ;;
    victoria-metrics) echo "$LOG_DIR/victoria-metrics.log" ;;
  esac
}

# stop_svc SVC [SIGNAL]: SIGTERM (or the given signal), wait up to
# IOC_STOP_TIMEOUT (20s), then SIGKILL. Removes the pid file. Idempotent.
stop_svc() {
  local svc="$1" sig="${2:-TERM}" pid deadline
  if ! pid="$(svc_pid "$svc")"; then
    rm -f "$(pid_file "$svc")"
    log "$svc: not running"
    return 0
  fi
  log "$svc: stopping pid $pid (SIG$sig)"
  kill "-$sig" "$pid" 2>/dev/null || true
  deadline=$(($(date +%s) + ${IOC_STOP_TIMEOUT:-20}))
  while pid_running "$pid"; do
    if (($(date +%s) >= deadline)); then
      log "$svc: still alive after ${IOC_STOP_TIMEOUT:-20}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$svc")"
  log "$svc: stopped"
}

# -------------------------------------------------------------- install ----
as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root (or passwordless sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  log "installing Debian package(s): $*"
  if [[ "$APT_UPDATED" == 0 ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$LOG_DIR/apt.log" 2>&1 ||
      { tail_logs "$LOG_DIR/apt.log"; die "apt-get update failed"; }
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" </dev/null >>"$LOG_DIR/apt.log" 2>&1 ||
    { tail_logs "$LOG_DIR/apt.log"; die "apt-get install $* failed"; }
}

MOSQUITTO_BIN="${IOC_MOSQUITTO_BIN:-/usr/sbin/mosquitto}"
VM_BIN="${IOC_VM_BIN:-/usr/bin/victoria-metrics}"

ensure_tools() {
  command -v curl >/dev/null 2>&1 || apt_install curl
  command -v flock >/dev/null 2>&1 || apt_install util-linux
}

ensure_mosquitto_installed() {
  [[ -x "$MOSQUITTO_BIN" ]] || apt_install mosquitto
  [[ -x "$MOSQUITTO_BIN" ]] || die "mosquitto binary not found at $MOSQUITTO_BIN after install"
}

ensure_vm_installed() {
  [[ -x "$VM_BIN" ]] || apt_install victoria-metrics
  [[ -x "$VM_BIN" ]] || die "victoria-metrics binary not found at $VM_BIN after install"
}

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

ensure_kafka_installed() {
  command -v java >/dev/null 2>&1 || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  local jm
  jm="$(java_major)"
  [[ "$jm" =~ ^[0-9]+$ && "$jm" -ge 17 ]] || die "Kafka $KAFKA_VERSION needs Java 17+, found java major '$jm'"
  if [[ -f "$KAFKA_HOME/.complete" ]]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "kafka: fetching org.apache.kafka:kafka_$KAFKA_SCALA:$KAFKA_VERSION and runtime deps from Maven Central (first run only)"
  rm -rf "$KAFKA_HOME"
  mkdir -p "$KAFKA_HOME"
  # kafka_2.13's pom declares slf4j-api 1.7 and no binding; the binary
  # distribution ships slf4j 2 + log4j2 (log4j-slf4j2-impl), so we add those.
  cat >"$KAFKA_HOME/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.ioc.services</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_$KAFKA_SCALA</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>$SLF4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  local mvnlog="$LOG_DIR/kafka-install.log"
  # shellcheck disable=SC2086
  if ! (cd "$KAFKA_HOME" && mvn -B -Dstyle.color=never ${IOC_MAVEN_ARGS:-} \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs" \
    </dev/null >"$mvnlog" 2>&1); then
    tail_logs "$mvnlog"
    die "kafka: Maven could not fetch Kafka $KAFKA_VERSION (see $mvnlog)"
  fi
  [[ -f "$KAFKA_HOME/libs/kafka_$KAFKA_SCALA-$KAFKA_VERSION.jar" ]] || die "kafka: kafka jar missing after Maven copy"
  touch "$KAFKA_HOME/.complete"
  log "kafka: $(find "$KAFKA_HOME/libs" -name '*.jar' | wc -l) jars in $KAFKA_HOME/libs"
}

# spawn_daemon SVC LOGFILE CMD...: run CMD detached (own session, stdin
# /dev/null, output appended to LOGFILE, fds 3 and 9 closed) and wait until
# its pid file exists. A tiny bash writes its own pid and then execs CMD, so
# the pid file names the real process.
spawn_daemon() {
  local svc="$1" logf="$2" pf i
  shift 2
  pf="$(pid_file "$svc")"
  rm -f "$pf"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pf" "$@" \
    </dev/null >>"$logf" 2>&1 3>&- 9>&- &
  for i in $(seq 1 100); do
    [[ -s "$pf" ]] && return 0
    sleep 0.05
  done
  die "$svc: pid file $pf did not appear"
}

# ---------------------------------------------------------------- kafka ----
# kafka_cmd MAINCLASS ARGS...: sets the array KAFKA_CMD to the java command.
kafka_cmd() {
  # shellcheck disable=SC2206
  KAFKA_CMD=(java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$CONF_DIR/kafka-log4j2.properties"
    -Dlog4j2.shutdownHookEnabled=false
    "-Dkafka.logs.dir=$LOG_DIR"
    -cp "$KAFKA_HOME/libs/*" "$@")
}

write_kafka_config() {
  local port ctl
  port="$(recorded_port kafka)"
  ctl="$(recorded_port kafka CONTROLLER_PORT)"
  cat >"$CONF_DIR/kafka-server.properties" <<EOF
# Generated by scripts/services/lib.sh: single-node KRaft, broker+controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ctl
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctl
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR/kafka
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
log.retention.hours=24
EOF
  # Kafka 4.x logs through log4j2 (via log4j-slf4j2-impl); properties format
  # needs no extra jars (the distribution's YAML config would need jackson-yaml).
  cat >"$CONF_DIR/kafka-log4j2.properties" <<'EOF'
status = warn
name = ioc-kafka
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/kafka-server.log
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

kafka_format_storage() {
  local cluster_id
  # Kafka cluster ids are 16 random bytes in URL-safe base64 without padding.
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  log "kafka: formatting storage (cluster id $cluster_id)"
  kafka_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF_DIR/kafka-server.properties"
  if ! "${KAFKA_CMD[@]}" </dev/null >>"$LOG_DIR/kafka-format.log" 2>&1 3>&- 9>&-; then
    tail_logs "$LOG_DIR/kafka-format.log"
    die "kafka: StorageTool format failed"
  fi
}

# kafka_ready PORT: a real metadata round trip via kafkajs (admin.connect,
# describeCluster with >= 1 broker, listTopics), bounded by a timeout.
kafka_ready() {
  local port="$1"
  if [[ ! -f "$IOC_SERVICES_ROOT/node_modules/kafkajs/package.json" ]] || ! command -v node >/dev/null 2>&1; then
    # Without kafkajs (npm ci not run yet) fall back to the port alone.
    tcp_open "$port"
    return
  fi
  IOC_ROOT="$IOC_SERVICES_ROOT" IOC_KPORT="$port" timeout 15 node -e '
    const { createRequire } = require("module");
    const req = createRequire(process.env.IOC_ROOT + "/package.json");
    const { Kafka, logLevel } = req("kafkajs");
    const kafka = new Kafka({ clientId: "ioc-services-probe", brokers: ["127.0.0.1:" + process.env.IOC_KPORT],
      logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 0 } });
    const admin = kafka.admin();
    (async () => {
      await admin.connect();
      const c = await admin.describeCluster();
      if (!c.brokers || c.brokers.length < 1) throw new Error("no brokers yet");
      await admin.listTopics();
      await admin.disconnect();
    })().then(() => process.exit(0), (e) => { console.error("kafka not ready: " + (e && e.message)); process.exit(1); });
  ' 2>>"$LOG_DIR/kafka-readiness.log" 3>&- 9>&-
}

# On a fresh cluster the first consumer group / transactional producer makes
# the broker create __consumer_offsets / __transaction_state, and clients see
# "coordinator not available/loading" retries for a second or two. Do that
# once here so tests start against a warm broker. Best effort.
kafka_warmup() {
  local port="$1" t0
  [[ -f "$IOC_SERVICES_ROOT/node_modules/kafkajs/package.json" ]] && command -v node >/dev/null 2>&1 || return 0
  t0=$(now_ms)
  if IOC_ROOT="$IOC_SERVICES_ROOT" IOC_KPORT="$port" timeout 60 node -e '
    const { createRequire } = require("module");
    const req = createRequire(process.env.IOC_ROOT + "/package.json");
    const { Kafka, logLevel } = req("kafkajs");
    const kafka = new Kafka({ clientId: "ioc-services-warmup", brokers: ["127.0.0.1:" + process.env.IOC_KPORT],
      logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    (async () => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.describeGroups(["ioc-services-warmup"]);
      await admin.disconnect();
      const p = kafka.producer({ transactionalId: "ioc-services-warmup", idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      const tx = await p.transaction(); // InitProducerId via the transaction coordinator
      await tx.abort();
      await p.disconnect();
    })().then(() => process.exit(0), (e) => { console.error("kafka warm-up: " + (e && e.message)); process.exit(1); });
  ' 2>>"$LOG_DIR/kafka-readiness.log" 3>&- 9>&-; then
    log "kafka: group and transaction coordinators warmed up ($(($(now_ms) - t0)) ms)"
  else
    log "kafka: warm-up did not finish (non-fatal; see $LOG_DIR/kafka-readiness.log)"
  fi
}

# start_kafka fresh|keep
launch_kafka() {
  local mode="$1" port
  ensure_kafka_installed
  if [[ "$mode" == fresh ]]; then
    record_ports kafka
    rm -rf "$DATA_DIR/kafka"
    : >"$LOG_DIR/kafka-server.log"
    : >"$LOG_DIR/kafka.out"
    : >"$LOG_DIR/kafka-format.log"
    : >"$LOG_DIR/kafka-readiness.log"
  fi
  port="$(recorded_port kafka)"
  for p in "$port" "$(recorded_port kafka CONTROLLER_PORT)"; do
    tcp_open "$p" && die "kafka: port 127.0.0.1:$p is already in use by another process (set IOC_KAFKA_PORT / IOC_KAFKA_CONTROLLER_PORT)"
  done
  mkdir -p "$DATA_DIR/kafka"
  write_kafka_config
  [[ -f "$DATA_DIR/kafka/meta.properties" ]] || kafka_format_storage
  log "kafka: starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$port"
  kafka_cmd kafka.Kafka "$CONF_DIR/kafka-server.properties"
  spawn_daemon kafka "$LOG_DIR/kafka.out" "${KAFKA_CMD[@]}"
}

# start_kafka fresh|keep: launch and wait until a metadata request works.
start_kafka() {
  launch_kafka "$1"
  wait_kafka_ready
  if [[ "$1" == fresh ]]; then kafka_warmup "$(recorded_port kafka)"; fi
}

wait_kafka_ready() {
  local port deadline start
  port="$(recorded_port kafka)"
  start=$(now_ms)
  deadline=$(($(date +%s) + ${IOC_KAFKA_START_TIMEOUT:-120}))
  while :; do
    if ! svc_alive kafka; then
      tail_logs "$LOG_DIR/kafka.out" "$LOG_DIR/kafka-server.log"
      die "kafka: process exited during startup (logs above; $LOG_DIR/kafka-server.log)"
    fi
    if tcp_open "$port" && kafka_ready "$port"; then break; fi
    if (($(date +%s) >= deadline)); then
      tail_logs "$LOG_DIR/kafka.out" "$LOG_DIR/kafka-server.log" "$LOG_DIR/kafka-readiness.log"
      die "kafka: not ready on 127.0.0.1:$port within ${IOC_KAFKA_START_TIMEOUT:-120}s"
    fi
    sleep 0.5
  done
  log "kafka: ready on 127.0.0.1:$port (pid $(svc_pid kafka), $(($(now_ms) - start)) ms)"
}

# ------------------------------------------------------------ mosquitto ----
write_mosquitto_config() {
  local port
  port="$(recorded_port mosquitto)"
  # Anonymous access (no username/password): this is a throwaway test broker
  # bound to loopback only, so MQTT_USERNAME/MQTT_PASSWORD are not exported.
  cat >"$CONF_DIR/mosquitto.conf" <<EOF
# Generated by scripts/services/lib.sh (second, private Mosquitto instance).
pid_file $RUN_DIR/mosquitto.pid
user $(id -un)
persistence false
log_dest file $LOG_DIR/mosquitto.log
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
log_timestamp_format %Y-%m-%dT%H:%M:%S
# Queue generously for slow/offline persistent-session (QoS 1/2) clients so
# load tests that restart the ingest service are not cut short by the
# broker's default of 1000 queued messages per client.
max_queued_messages 100000
# Ingest acknowledges a batch at a time (up to 2000 messages); the default of 20 in-flight QoS 1 messages per client
# would cap every batch at 20, and 1000 left ingest behind at 10,000 msg/s (BENCHMARKS.md).
max_inflight_messages 5000
message_size_limit 262144
listener $port 127.0.0.1
allow_anonymous true
EOF
}

start_mosquitto() {
  local mode="$1" port deadline
  ensure_mosquitto_installed
  if [[ "$mode" == fresh ]]; then
    record_ports mosquitto
    : >"$LOG_DIR/mosquitto.log"
  fi
  port="$(recorded_port mosquitto)"
  tcp_open "$port" && die "mosquitto: port 127.0.0.1:$port is already in use by another process (set IOC_MQTT_PORT)"
  write_mosquitto_config
  rm -f "$(pid_file mosquitto)"
  log "mosquitto: starting on 127.0.0.1:$port"
  if ! "$MOSQUITTO_BIN" -d -c "$CONF_DIR/mosquitto.conf" </dev/null >>"$LOG_DIR/mosquitto.log" 2>&1 3>&- 9>&-; then
    tail_logs "$LOG_DIR/mosquitto.log"
    die "mosquitto: failed to start"
  fi
  deadline=$(($(date +%s) + 15))
  while ! { svc_alive mosquitto && tcp_open "$port"; }; do
    if (($(date +%s) >= deadline)); then
      tail_logs "$LOG_DIR/mosquitto.log"
      die "mosquitto: not accepting connections on 127.0.0.1:$port within 15s"
    fi
    sleep 0.1
  done
  log "mosquitto: ready on 127.0.0.1:$port (pid $(svc_pid mosquitto))"
}

# ----------------------------------------------------- victoria-metrics ----
# VictoriaMetrics stands in for InfluxDB 2.x (not installable here). It takes
# the InfluxDB v2 write API, POST /api/v2/write?org=..&bucket=..&precision=..
# (Authorization header ignored, gzip bodies accepted). Naming, as observed on
# 1.79.5: line `m,tag=v f1=1,f2=2 ts` becomes series `m_f1{tag="v"}` and
# `m_f2{tag="v"}` (measurement + "_" + field), tags become labels; the v2
# `bucket`/`org` do NOT become labels (only v1 `/write?db=x` adds db="x").
# Booleans are stored as 1/0; a string field is stored as 0 (text lost).
# Read back with /api/v1/export?match[]=... or /api/v1/query (MetricsQL).
#
# Visibility: a new point becomes readable ~1-2 s after the write. Querying a
# *brand new* series before that can cache the empty answer for up to ~10 s;
# call GET /internal/force_flush right after writing (then poll) to make
# fresh points visible in ~1 s. -search.latencyOffset=0s and
# -search.disableCache remove the query-side 30 s delay and response cache.
# -dedup.minScrapeInterval=1ms keeps one sample per series and timestamp, as InfluxDB overwrites
# a point written twice: a redelivered reading then counts once.
vm_flags() {
  local port="$1"
  echo "-storageDataPath=$DATA_DIR/victoria-metrics" \
    "-httpListenAddr=127.0.0.1:$port" \
    "-retentionPeriod=1d" \
    "-search.latencyOffset=0s" \
    "-search.disableCache" \
    "-dedup.minScrapeInterval=1ms" \
    "-loggerLevel=INFO"
}

http_ok() { curl -fsS -m 3 "$1" >/dev/null 2>&1; }

start_victoria_metrics() {
  local mode="$1" port deadline
  ensure_vm_installed
  if [[ "$mode" == fresh ]]; then
    record_ports victoria-metrics
    rm -rf "$DATA_DIR/victoria-metrics"
    : >"$LOG_DIR/victoria-metrics.log"
  fi
  port="$(recorded_port victoria-metrics)"
  tcp_open "$port" && die "victoria-metrics: port 127.0.0.1:$port is already in use by another process (set IOC_VM_PORT)"
  mkdir -p "$DATA_DIR/victoria-metrics"
  log "victoria-metrics: starting on 127.0.0.1:$port"
  # shellcheck disable=SC2046
  spawn_daemon victoria-metrics "$LOG_DIR/victoria-metrics.log" "$VM_BIN" $(vm_flags "$port")
  deadline=$(($(date +%s) + 30))
  while ! http_ok "http://127.0.0.1:$port/health"; do
    if ! svc_alive victoria-metrics || (($(date +%s) >= deadline)); then
      tail_logs "$LOG_DIR/victoria-metrics.log"
      die "victoria-metrics: /health not OK on 127.0.0.1:$port"
    fi
    sleep 0.2
  done
  log "victoria-metrics: ready on 127.0.0.1:$port (pid $(svc_pid victoria-metrics))"
}

# Write one line through the InfluxDB v2 API and read it back via export.
vm_probe() {
  local port ts out i
  port="$(recorded_port victoria-metrics)"
  ts="$(now_ms)"
  curl -fsS -m 5 -X POST -H 'Authorization: Token ioc-local-token' -H 'Content-Type: text/plain; charset=utf-8' \
    --data-binary "ioc_services_probe,device=up-sh value=1 $ts" \
    "http://127.0.0.1:$port/api/v2/write?org=ioc&bucket=ioc&precision=ms" >&2 ||
    die "victoria-metrics: InfluxDB v2 write probe failed"
  curl -fsS -m 5 "http://127.0.0.1:$port/internal/force_flush" >/dev/null 2>&1 || true
  for i in $(seq 1 100); do
    out="$(curl -fsS -m 5 -G "http://127.0.0.1:$port/api/v1/export" \
      --data-urlencode 'match[]={__name__=~"ioc_services_probe.*"}' 2>/dev/null || true)"
    if grep -qF "$ts" <<<"$out"; then
      log "victoria-metrics: write/read probe OK after ~$((i * 200)) ms ($(head -c 200 <<<"$out"))"
      return 0
    fi
    sleep 0.2
  done
  tail_logs "$LOG_DIR/victoria-metrics.log"
  die "victoria-metrics: probe point written via /api/v2/write not readable via /api/v1/export within 20s"
}

start_svc() {
  case "$1" in
    kafka) start_kafka "$2" ;;
    mosquitto) start_mosquitto "$2" ;;
    victoria-metrics) start_victoria_metrics "$2" ;;
    *) die "unknown service '$1' (expected one of: $ALL_SERVICES)" ;;
  esac
}

print_exports() {
  local svc q
  q="$(printf '%q' "$STATE")"
  for svc in $1; do
    case "$svc" in
      kafka) echo "export KAFKA_BROKERS=127.0.0.1:$(recorded_port kafka)" ;;
      mosquitto) echo "export MQTT_URL=mqtt://127.0.0.1:$(recorded_port mosquitto)" ;;
      victoria-metrics)
        echo "export INFLUX_URL=http://127.0.0.1:$(recorded_port victoria-metrics)"
        echo "export INFLUX_TOKEN=ioc-local-token"
        echo "export INFLUX_ORG=ioc"
        echo "export INFLUX_BUCKET=ioc"
        ;;
    esac
  done
  echo "export IOC_SERVICES_DIR=$q"
}
