#!/usr/bin/env bash
# Cluster submission test (issue #6): the shaded job jar on a real Flink 2.2.1 standalone cluster (a JobManager
# and a TaskManager as separate processes, scripts/flink-cluster.sh) against real Kafka and InfluxDB:
#
#   1. start the cluster; create fresh topics and an InfluxDB database (names with a unique suffix)
#   2. write the first hour of a simulated city to the input topics (the simulator CLI of bin/o2o-simulator), at
#      a fixed simulated time: Saturday 2026-03-07 from 12:00 in Shanghai (SIMULATED_START below, the integration
#      tests' SimulatedTime.START), when the sample stores are open and every sample offer rule runs, so that the
#      outcome does not depend on when the test runs; the topics keep their records (retention.ms=-1)
#   3. submit the job jar with the Flink CLI (`flink run -d`, --source kafka, unbounded); wait until it is
#      RUNNING and InfluxDB holds store_traffic points
#   4. start writing the second hour, paced (an hour in about 24 s); while records flow, stop the job with a
#      savepoint (`flink stop --savepointPath`); the rest of the hour is written while the job is stopped
#   5. write one more door counter reading after hour 2: a person in at sh-001 who is not counted out, so the
#      store's door occupancy stays above zero at the end of the input; resume from the savepoint (`flink run -s`),
#      wait until its consumer group has committed every input record, then end it with `flink stop --drain`
#      (the stream ends: every pending visit and minute is decided), which must finish within
#      O2O_CLUSTER_TEST_DRAIN_TIMEOUT (default 90 s) with the job FINISHED although someone is still inside
#   6. check "no lost or duplicated results": the visits topic holds no eventId twice and exactly the decisions
#      of a reference run of the same job over the same topics, bounded, on a local MiniCluster
#      (LocalLauncher of bin/o2o-analytics: --bounded --outputs files); the o2o-conversions topic holds exactly the
#      reference's conversions (CEP state across the savepoint); the geo-offers topic, read committed, exactly the
#      reference's offers, none twice (Kafka transactions across the savepoint); InfluxDB holds exactly the
#      reference's metric points
#
# Needs Kafka and InfluxDB (1.x) running, given as bin/test exports them:
#   O2O_TEST_KAFKA_BOOTSTRAP   e.g. 127.0.0.1:19092
#   O2O_TEST_INFLUX_URL        e.g. http://127.0.0.1:18086
# and the job jar (mvn -DskipTests install). The test copies the jar first and runs everything from that copy
# (submissions, simulator, reference run, Kafka helper) with the cluster's Flink jars, so a rebuild by someone
# else during the test changes nothing.
# Other settings: O2O_RUN_DIR (default /tmp/o2o-run; files in <run dir>/cluster-test/<suffix>),
# O2O_CLUSTER_TEST_TIMEOUT (whole test, default 300 s), O2O_CLUSTER_TEST_CUSTOMERS (per hour, default 600),
# O2O_CLUSTER_TEST_DRAIN_TIMEOUT (the final `flink stop --drain`, default 90 s),
# and the O2O_FLINK_* settings of scripts/flink-cluster.sh (ports: O2O_FLINK_REST_PORT, O2O_FLINK_RPC_PORT).
# A cluster that already runs is used and left running; one the test started is stopped at the end.
# Prints one PASS or FAIL line last; exits 0 only on PASS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

: "${O2O_TEST_KAFKA_BOOTSTRAP:?set O2O_TEST_KAFKA_BOOTSTRAP (host:port of a running Kafka broker)}"
: "${O2O_TEST_INFLUX_URL:?set O2O_TEST_INFLUX_URL (http://host:port of a running InfluxDB)}"
BOOTSTRAP="${O2O_TEST_KAFKA_BOOTSTRAP}"
INFLUX_URL="${O2O_TEST_INFLUX_URL%/}"
TIMEOUT="${O2O_CLUSTER_TEST_TIMEOUT:-300}"
CUSTOMERS="${O2O_CLUSTER_TEST_CUSTOMERS:-600}"
DRAIN_TIMEOUT="${O2O_CLUSTER_TEST_DRAIN_TIMEOUT:-90}"
REST_URL="http://localhost:${O2O_FLINK_REST_PORT:-18081}"
BUILT_JAR="flink-jobs/target/flink-jobs-0.1.0-SNAPSHOT-job.jar"
HELPERS="scripts/flink-cluster"
FLINK_LIB="${O2O_RUN_DIR:-/tmp/o2o-run}/flink/lib"

SUFFIX="$(date -u +%Y%m%d%H%M%S)-$$"
TEST_DIR="${O2O_RUN_DIR:-/tmp/o2o-run}/cluster-test/${SUFFIX}"
JAR="${TEST_DIR}/$(basename "${BUILT_JAR}")"
TOPIC_PREFIX="o2o-ct-${SUFFIX}"
INPUT_NAMES=(lbs-pings store-sensors online-events pos-transactions identity-links marketing-preferences offer-rules)
INPUT_TOPICS=()
for name in "${INPUT_NAMES[@]}"; do INPUT_TOPICS+=("${TOPIC_PREFIX}-${name}"); done
OUTPUT_NAMES=()   # every --topic.* option of the job that is not an input, read from the jar's --help
OUTPUT_TOPICS=()
VISITS_TOPIC="${TOPIC_PREFIX}-visits"
GROUP="${TOPIC_PREFIX}-cluster"
REFERENCE_GROUP="${TOPIC_PREFIX}-reference"
DATABASE="o2o_ct_${SUFFIX//-/_}"
REFERENCE_DATABASE="${DATABASE}_reference"
# The hash key is read where it is used: the TaskManager reads it from a file (a mounted secret on a real
# cluster), whose path is all the job graph holds; the reference run reads the same file.
O2O_HASH_KEY_VALUE="cluster-test-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

STARTED_MS="$(( $(date +%s%N) / 1000000 ))"
STARTED_CLUSTER=false
PROXY_PID=""
SIMULATOR_PID=""
JOB_ID=""
FAILURE=""
TIMINGS=()

elapsed() { echo $(( $(date +%s%N) / 1000000 - STARTED_MS )); }
log() { printf 'cluster-submission-test [%6.1f s] %s\n' "$(echo "$(elapsed)" | awk '{print $1 / 1000}')" "$*"; }
fail() { FAILURE="$*"; exit 1; }
remaining() { echo $(( TIMEOUT - $(elapsed) / 1000 )); }
# $1 seconds, or what is left of the test's time if that is less (at least 1: the step then times out).
bound() { local r; r="$(remaining)"; (( r > 1 )) || r=1; echo $(( $1 < r ? $1 : r )); }
timed() { local label="$1" t0; shift; t0="$(elapsed)"; "$@"; TIMINGS+=("${label} $(( $(elapsed) - t0 ))"); }

# The job jar's own classes (simulator, launcher, kafka-clients) on the cluster's Flink jars.
run_java() { # $1 time limit in seconds, then the main class and its arguments
  local limit="$1"
  shift
  timeout "${limit}" java -Dlog4j2.configurationFile="${TEST_DIR}/log4j2-quiet.properties" -cp "${JAR}:${FLINK_LIB}/*" "$@"
}
kafka_helper() { # ClusterTestKafka, compiled once into the test folder
  if [[ ! -f "${TEST_DIR}/classes/ClusterTestKafka.class" ]]; then
    javac -nowarn -d "${TEST_DIR}/classes" -cp "${JAR}:${FLINK_LIB}/*" "${HELPERS}/ClusterTestKafka.java" || fail "cannot compile ClusterTestKafka.java"
  fi
  timeout "$(bound 180)" java -Dlog4j2.configurationFile="${TEST_DIR}/log4j2-quiet.properties" \
    -cp "${TEST_DIR}/classes:${JAR}:${FLINK_LIB}/*" ClusterTestKafka "$@"
}
flink() { timeout "$(bound 180)" scripts/flink-cluster.sh cli "$@"; }
influx_query() { # $1 database, $2 InfluxQL (POST: InfluxDB 1.x takes CREATE and DROP only that way)
  curl -fsS --max-time 10 -XPOST "${INFLUX_URL}/query" --data-urlencode "db=$1" --data-urlencode "q=$2"
}
exceptions_of() { { curl -fsS --max-time 5 "${REST_URL}/jobs/$1/exceptions" | grep -o '"exceptionName"' || true; } | wc -l; }
influx_scalar() { influx_query "$1" "$2" | sed -n 's/.*"values":\[\["[^"]*",\([0-9.e+-]*\)\]\].*/\1/p'; }
job_state() { curl -fsS --max-time 3 "${REST_URL}/jobs/$1" 2>/dev/null | grep -o '"state":"[A-Z]*"' | head -n 1 | cut -d'"' -f4; }

wait_for_job_state() { # $1 job id, $2 state, $3 seconds
  local deadline state limit
  limit="$(bound "$3")"
  deadline=$(( $(elapsed) + limit * 1000 ))
  until state="$(job_state "$1")" && [[ "${state}" == "$2" ]]; do
    [[ "${state:-}" == FAILED ]] && fail "job $1 FAILED; see ${REST_URL}/jobs/$1/exceptions and the TaskManager log"
    (( $(elapsed) < deadline )) || fail "job $1 is ${state:-unknown}, not $2, after ${limit} s"
    sleep 0.5
  done
}

# What the running job uses, for sizing (docs/operations.md): TaskManager memory, process sizes, checkpoint size.
report_sizing() {
  local tm metrics checkpoints pid rss=() f
  value_of() { grep -o "\"$1\":[\"]*[0-9.]*" | head -n 1 | grep -o '[0-9.]*$'; }
  metric() { echo "${metrics}" | grep -o "\"id\":\"$1\",\"value\":\"[0-9.]*\"" | grep -o '[0-9.]*"$' | tr -d '"'; }
  mib() { awk -v b="${1:-0}" 'BEGIN {printf "%.0f", b / 1048576}'; }
  tm="$(curl -fsS --max-time 5 "${REST_URL}/taskmanagers" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4)" || return 0
  metrics="$(curl -fsS --max-time 5 "${REST_URL}/taskmanagers/${tm}/metrics?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max,Status.Flink.Memory.Managed.Used,Status.Flink.Memory.Managed.Total,Status.JVM.Memory.Direct.MemoryUsed")" || return 0
  checkpoints="$(curl -fsS --max-time 5 "${REST_URL}/jobs/$1/checkpoints" | grep -o '"latest":{"completed":{[^}]*')" || checkpoints=""
  for f in jobmanager taskmanager; do
    pid="$(cat "${O2O_RUN_DIR:-/tmp/o2o-run}/flink/${f}.pid" 2>/dev/null)" && rss+=("${f} $(( $(ps -o rss= -p "${pid}" 2>/dev/null || echo 0) / 1024 )) MiB")
  done
  log "sizing: TaskManager heap $(mib "$(metric Status.JVM.Memory.Heap.Used)") of $(mib "$(metric Status.JVM.Memory.Heap.Max)") MiB used," \
      "managed memory (RocksDB) $(mib "$(metric Status.Flink.Memory.Managed.Used)") of $(mib "$(metric Status.Flink.Memory.Managed.Total)") MiB," \
      "direct $(mib "$(metric Status.JVM.Memory.Direct.MemoryUsed)") MiB; resident: $(IFS=,; echo "${rss[*]}" | sed 's/,/, /g');" \
      "latest checkpoint: full state $(( $(echo "${checkpoints}" | value_of state_size || echo 0) / 1024 )) KiB," \
      "incremental $(( $(echo "${checkpoints}" | value_of checkpointed_size || echo 0) / 1024 )) KiB"
}

cleanup() {
  local rc=$? state
  trap - EXIT
  set +e
  if [[ -n "${JOB_ID}" ]] && state="$(job_state "${JOB_ID}")" && [[ "${state}" =~ ^(RUNNING|CREATED|RESTARTING|INITIALIZING)$ ]]; then
    log "cancelling job ${JOB_ID} (${state})"
    curl -fsS --max-time 10 -X PATCH "${REST_URL}/jobs/${JOB_ID}?mode=cancel" >/dev/null
    for _ in $(seq 1 40); do [[ "$(job_state "${JOB_ID}")" =~ ^(RUNNING|CANCELLING|CREATED|RESTARTING|INITIALIZING)$ ]] || break; sleep 0.5; done
  fi
  if [[ -n "${SIMULATOR_PID}" ]]; then
    kill "${SIMULATOR_PID}" 2>/dev/null
    wait "${SIMULATOR_PID}" 2>/dev/null
  fi
  if [[ -n "${PROXY_PID}" ]]; then
    kill "${PROXY_PID}" 2>/dev/null
    wait "${PROXY_PID}" 2>/dev/null
  fi
  if [[ "${STARTED_CLUSTER}" == true ]]; then
    scripts/flink-cluster.sh stop | sed 's/^/  /'
  fi
  (( ${#TIMINGS[@]} == 0 )) || log "timings: $(printf '%s\n' "${TIMINGS[@]}" | awk '{ms = $NF; $NF = ""; printf "%s%s%.1f s", sep, $0, ms / 1000; sep = ", "}')"
  if (( rc == 0 )) && [[ -z "${FAILURE}" ]]; then
    # Passed: leave nothing behind in the shared servers but the run folder.
    influx_query "" "DROP DATABASE \"${DATABASE}\"" >/dev/null
    influx_query "" "DROP DATABASE \"${REFERENCE_DATABASE}\"" >/dev/null
    kafka_helper delete-topics "${BOOTSTRAP}" "${INPUT_TOPICS[@]}" "${OUTPUT_TOPICS[@]}" >/dev/null 2>&1
    rm -f "${JAR}"   # the same bytes as the built jar; the logs and id lists stay
    echo "cluster-submission-test: PASS in $(( $(elapsed) / 1000 )) s (files in ${TEST_DIR})"
  else
    log "kept for inspection: topics ${TOPIC_PREFIX}-*, databases ${DATABASE}(_reference), files in ${TEST_DIR}," \
        "Flink logs in ${O2O_RUN_DIR:-/tmp/o2o-run}/flink/log"
    echo "cluster-submission-test: FAIL: ${FAILURE:-exit code ${rc}, see the output above} (after $(( $(elapsed) / 1000 )) s)"
    (( rc == 0 )) && rc=1
  fi
  exit "${rc}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ -f "${BUILT_JAR}" ]] || fail "build first: mvn -DskipTests install (${BUILT_JAR} is missing)"
command -v curl >/dev/null || fail "curl is missing"
mkdir -p "${TEST_DIR}"
HASH_KEY_FILE="${TEST_DIR}/hash.key"
(umask 077 && printf '%s\n' "${O2O_HASH_KEY_VALUE}" >"${HASH_KEY_FILE}")
# A jar that changed in the last seconds may still be being written by a build: wait for it to settle.
for _ in $(seq 1 60); do (( $(date +%s) - $(stat -c %Y "${BUILT_JAR}") >= 5 )) && break; sleep 1; done
cp "${BUILT_JAR}" "${JAR}"
cmp -s "${BUILT_JAR}" "${JAR}" || fail "${BUILT_JAR} changed while it was copied (a build is running?)"
log "testing ${BUILT_JAR} ($(stat -c %s "${JAR}") bytes, built $(date -u -r "${JAR}" +%H:%M:%SZ)), copied to ${TEST_DIR}"
cat >"${TEST_DIR}/log4j2-quiet.properties" <<'EOF'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1} %m%n
rootLogger.level = error
rootLogger.appenderRef.console.ref = console
EOF
cat >"${TEST_DIR}/log4j2-reference.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
appender.file.name = file
appender.file.type = File
appender.file.fileName = ${sys:o2o.log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1.} %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
EOF

# 1. Databases, the v2 -> 1.x write proxy, the cluster (its metric reporter writes through the proxy), topics.
influx_query "" "CREATE DATABASE \"${DATABASE}\"" >/dev/null || fail "cannot create database ${DATABASE} at ${INFLUX_URL}"
influx_query "" "CREATE DATABASE \"${REFERENCE_DATABASE}\"" >/dev/null
java "${HELPERS}/InfluxV2WriteProxy.java" "${INFLUX_URL}" "${TEST_DIR}/proxy.port" >"${TEST_DIR}/proxy.log" 2>&1 </dev/null &
PROXY_PID=$!
for _ in $(seq 1 60); do [[ -f "${TEST_DIR}/proxy.port" ]] && break; kill -0 "${PROXY_PID}" 2>/dev/null || break; sleep 0.25; done
[[ -f "${TEST_DIR}/proxy.port" ]] || { cat "${TEST_DIR}/proxy.log" >&2; fail "the InfluxDB write proxy did not start"; }
PROXY_URL="http://127.0.0.1:$(cat "${TEST_DIR}/proxy.port")"
log "InfluxDB ${INFLUX_URL}, database ${DATABASE}; the job and the cluster's metric reporter write through ${PROXY_URL} (/api/v2/write -> /write)"
if scripts/flink-cluster.sh status >/dev/null 2>&1; then
  log "using the Flink cluster that already runs at ${REST_URL} (its metric reporter, if any, is not checked)"
else
  STARTED_CLUSTER=true
  timed "cluster start" env O2O_FLINK_INFLUX_URL="${PROXY_URL}" O2O_FLINK_INFLUX_BUCKET="${DATABASE}" \
    O2O_FLINK_INFLUX_INTERVAL="2 s" scripts/flink-cluster.sh start
fi
# Fresh topics for every input and output of the job (outputs from its --help, so new ones get a fresh name too).
mapfile -t OUTPUT_NAMES < <(run_java 60 io.o2o.analytics.job.LocationAnalyticsJob --help 2>/dev/null \
  | sed -n 's/^ *--topic\.\([a-z0-9-]*\) .*/\1/p' | grep -vxF -f <(printf '%s\n' "${INPUT_NAMES[@]}") || true)
printf '%s\n' "${OUTPUT_NAMES[@]}" | grep -qx visits || OUTPUT_NAMES=(visits dead-letters)
topic_specs=("${INPUT_TOPICS[@]}")
TOPIC_ARGS=()
for i in "${!INPUT_NAMES[@]}"; do TOPIC_ARGS+=("--topic.${INPUT_NAMES[$i]}" "${INPUT_TOPICS[$i]}"); done
for name in "${OUTPUT_NAMES[@]}"; do
  OUTPUT_TOPICS+=("${TOPIC_PREFIX}-${name}")
  TOPIC_ARGS+=("--topic.${name}" "${TOPIC_PREFIX}-${name}")
  [[ "${name}" == dead-letters ]] && topic_specs+=("${TOPIC_PREFIX}-${name}:1") || topic_specs+=("${TOPIC_PREFIX}-${name}")
done
kafka_helper create-topics "${BOOTSTRAP}" 2 "${topic_specs[@]}" >/dev/null
log "topics ${TOPIC_PREFIX}-{$(IFS=,; echo "${INPUT_NAMES[*]}")} in, ${TOPIC_PREFIX}-{$(IFS=,; echo "${OUTPUT_NAMES[*]}")} out, on ${BOOTSTRAP}"

# Two consecutive simulated hours from a fixed start, whatever the wall clock says: Saturday 12:00-14:00 in
# Shanghai (io.o2o.analytics.testing.SimulatedTime.START; SimulatedTimeTest checks that the two agree and that the
# sample stores and offer rules are open throughout). A broker takes records of any past time; the topics keep
# them (retention.ms=-1). Hour 1 goes in before the first submission, hour 2 around the stop.
SIMULATED_START="2026-03-07T04:00:00Z"
START_S="$(date -u -d "${SIMULATED_START}" +%s)"
HOUR1="${SIMULATED_START}"
HOUR2="$(date -u -d "@$(( START_S + 3600 ))" +%Y-%m-%dT%H:%M:%SZ)"
HOUR2_MS=$(( (START_S + 3600) * 1000 ))
END_MS=$(( (START_S + 7200) * 1000 ))
simulator() { # $1 part, $2 seed, $3 start, $4 speed (simulated seconds per second, 0: as fast as possible)
  local topic_args=() i
  for i in "${!INPUT_NAMES[@]}"; do topic_args+=("--topic.${INPUT_NAMES[$i]}" "${INPUT_TOPICS[$i]}"); done
  # exec: in the background, $! is then the simulator's own process (timeout, which passes a kill on to java).
  exec timeout "$(bound 120)" java -Dlog4j2.configurationFile="${TEST_DIR}/log4j2-quiet.properties" -cp "${JAR}:${FLINK_LIB}/*" \
    io.o2o.analytics.simulator.SimulatorCli --bootstrap-servers "${BOOTSTRAP}" "${topic_args[@]}" \
    --seed "$2" --customers "${CUSTOMERS}" --start "$3" --duration 1h --speed "$4" --truth-file "${TEST_DIR}/truth-$1.json" \
    >"${TEST_DIR}/simulator-$1.log" 2>&1 </dev/null
}
simulated() { # $1 part, $2 seed, $3 start, $4 exit code of simulator
  (( $4 == 0 )) || { tail -n 20 "${TEST_DIR}/simulator-$1.log" >&2; fail "the simulator failed writing part $1 (${TEST_DIR}/simulator-$1.log)"; }
  log "part $1: $(grep -o '"records" : [0-9]*' "${TEST_DIR}/truth-$1.json" | head -n 1 | grep -o '[0-9]*$') records from $3 (seed $2, ${CUSTOMERS} customers) written"
}
part_started="$(elapsed)"
status=0
(simulator 1 1 "${HOUR1}" 0) || status=$?
TIMINGS+=("simulator part 1 $(( $(elapsed) - part_started ))")
simulated 1 1 "${HOUR1}" "${status}"

JOB_ARGS=(--source kafka --kafka.bootstrap-servers "${BOOTSTRAP}" --kafka.group-id "${GROUP}" "${TOPIC_ARGS[@]}"
  --hash-key-file "${HASH_KEY_FILE}" --influxdb.url "${PROXY_URL}" --influxdb.bucket "${DATABASE}" --parallelism 2 --checkpoint.interval 2s)

submit() { # $1 log name, then extra CLI options before the jar
  local name="$1" output
  shift
  output="$(flink run -d "$@" "${JAR}" "${JOB_ARGS[@]}" 2>&1 | tee "${TEST_DIR}/${name}.log")" \
    || { tail -n 30 "${TEST_DIR}/${name}.log" >&2; fail "flink run failed (${TEST_DIR}/${name}.log)"; }
  JOB_ID="$(echo "${output}" | grep -o 'JobID [0-9a-f]\{32\}' | head -n 1 | cut -d' ' -f2)"
  [[ -n "${JOB_ID}" ]] || { echo "${output}" >&2; fail "no JobID in the output of flink run"; }
}
stop_with_savepoint() { # $1 log name, then extra `flink stop` options; sets SAVEPOINT
  local name="$1" output
  shift
  output="$(flink stop "$@" --savepointPath "file://${TEST_DIR}/savepoints" "${JOB_ID}" 2>&1 | tee "${TEST_DIR}/${name}.log")" \
    || { tail -n 30 "${TEST_DIR}/${name}.log" >&2; fail "flink stop failed (${TEST_DIR}/${name}.log)"; }
  SAVEPOINT="$(echo "${output}" | sed -n 's/.*Savepoint completed\. Path: \([^ ]*\).*/\1/p' | head -n 1)"
  [[ -n "${SAVEPOINT}" ]] || { echo "${output}" >&2; fail "no savepoint path in the output of flink stop"; }
  wait_for_job_state "${JOB_ID}" FINISHED 60
}

# 3. Submit, see it RUNNING and writing metrics.
timed "submit" submit submit-1
log "submitted job ${JOB_ID}"
timed "until RUNNING" wait_for_job_state "${JOB_ID}" RUNNING 60
log "job ${JOB_ID} is RUNNING"
wait_for_metrics() {
  local deadline points limit
  limit="$(bound 120)"
  deadline=$(( $(elapsed) + limit * 1000 ))
  until points="$(influx_scalar "${DATABASE}" 'SELECT count("entries") FROM "store_traffic"')" && [[ -n "${points}" && "${points}" != 0 ]]; do
    [[ "$(job_state "${JOB_ID}")" == RUNNING ]] || fail "job ${JOB_ID} is $(job_state "${JOB_ID}") while waiting for metrics"
    (( $(elapsed) < deadline )) || fail "no store_traffic points in ${DATABASE} after ${limit} s"
    sleep 1
  done
  log "InfluxDB holds ${points} store_traffic points"
}
timed "until metrics" wait_for_metrics
# Flink's own metrics, from the cluster's InfluxDB reporter (JobManager and TaskManager): a completed checkpoint
# of this job, and the Kafka source's lag and the InfluxDB sink's retry counter, as the pipeline-health dashboard
# reads them.
wait_for_flink_metrics() {
  local deadline limit checkpoints lag retries duration
  limit="$(bound 60)"
  deadline=$(( $(elapsed) + limit * 1000 ))
  until checkpoints="$(influx_scalar "${DATABASE}" "SELECT max(\"value\") FROM \"jobmanager_job_numberOfCompletedCheckpoints\" WHERE \"job_id\" = '${JOB_ID}'")" \
      && [[ -n "${checkpoints}" && "${checkpoints}" != 0 ]]; do
    (( $(elapsed) < deadline )) || fail "no completed checkpoint of job ${JOB_ID} in ${DATABASE} from the metric reporter after ${limit} s"
    sleep 1
  done
  duration="$(influx_scalar "${DATABASE}" "SELECT last(\"value\") FROM \"jobmanager_job_lastCheckpointDuration\" WHERE \"job_id\" = '${JOB_ID}'")"
  lag="$(influx_scalar "${DATABASE}" "SELECT count(\"value\") FROM \"taskmanager_job_task_operator_pendingRecords\" WHERE \"job_id\" = '${JOB_ID}'")"
  retries="$(influx_scalar "${DATABASE}" "SELECT count(\"count\") FROM \"taskmanager_job_task_operator_writeRetries\" WHERE \"job_id\" = '${JOB_ID}'")"
  [[ -n "${lag}" && "${lag}" != 0 ]] || fail "no consumer lag (pendingRecords) of job ${JOB_ID} in ${DATABASE}"
  [[ -n "${retries}" && "${retries}" != 0 ]] || fail "no InfluxDB sink retry counter (writeRetries) of job ${JOB_ID} in ${DATABASE}"
  log "Flink metrics in InfluxDB: ${checkpoints} completed checkpoint(s), the last took ${duration} ms; ${lag} consumer-lag and ${retries} sink-retry points"
}
if [[ "${STARTED_CLUSTER}" == true ]]; then
  timed "until Flink metrics" wait_for_flink_metrics
fi

# 4. Hour 2, paced, and while it flows a stop with a savepoint: the sources stop at the savepoint barrier, the
#    sinks flush what came before it, and nothing is emitted after it.
part2_started="$(elapsed)"
simulator 2 2 "${HOUR2}" 150 &
SIMULATOR_PID=$!
sleep 8
kill -0 "${SIMULATOR_PID}" 2>/dev/null || log "warning: part 2 was written completely before the stop began"
timed "stop with savepoint" stop_with_savepoint stop-1
if kill -0 "${SIMULATOR_PID}" 2>/dev/null; then
  log "stopped job ${JOB_ID} $(( ($(elapsed) - part2_started) / 1000 )) s into writing part 2, with savepoint ${SAVEPOINT} ($(du -sk "${SAVEPOINT#file:}" | cut -f1) KiB)"
else
  log "stopped job ${JOB_ID} with savepoint ${SAVEPOINT} ($(du -sk "${SAVEPOINT#file:}" | cut -f1) KiB); part 2 was already written"
fi
kafka_helper dump "${BOOTSTRAP}" "${VISITS_TOPIC}" "${TEST_DIR}/visits-at-stop.jsonl" >/dev/null
status=0
wait "${SIMULATOR_PID}" || status=$?
SIMULATOR_PID=""
TIMINGS+=("simulator part 2 (paced) $(( $(elapsed) - part2_started ))")
simulated 2 2 "${HOUR2}" "${status}"
# Someone still inside at the end of the input: one person in at sh-001's door, half a minute before the end of
# hour 2, never counted out. Draining must end the store's per-minute occupancy anyway (issue #13, item 2).
LAST_IN_MS=$(( END_MS - 30000 ))
kafka_helper produce "${BOOTSTRAP}" "${TOPIC_PREFIX}-store-sensors" "${LAST_IN_MS}" sh-001 \
  "{\"sensorId\":\"sh-001-door\",\"storeId\":\"sh-001\",\"zoneId\":\"sh-001-entrance\",\"kind\":\"door_counter\",\"in\":1,\"out\":0,\"ts\":${LAST_IN_MS}}" \
  >/dev/null || fail "could not write the last door counter reading"
log "wrote a last door counter reading: 1 in, 0 out at sh-001, $(date -u -d "@$(( LAST_IN_MS / 1000 ))" +%H:%M:%SZ) simulated"

# 5. Resume from the savepoint, consume everything, end the stream.
FIRST_JOB_ID="${JOB_ID}"
timed "resubmit from savepoint" submit submit-2 -s "${SAVEPOINT}"
log "resumed as job ${JOB_ID} from ${SAVEPOINT}"
wait_for_job_state "${JOB_ID}" RUNNING 60
timed "until consumed" kafka_helper wait-consumed "${BOOTSTRAP}" "${GROUP}" "$(bound 150)" "${INPUT_TOPICS[@]}" \
  || fail "job ${JOB_ID} did not consume all input in time"
report_sizing "${JOB_ID}"
drain() { # the job ends its stream with someone still inside a store: bounded, or it hangs
  local started output
  started="$(elapsed)"
  output="$(timeout "$(bound "${DRAIN_TIMEOUT}")" scripts/flink-cluster.sh cli stop --drain \
      --savepointPath "file://${TEST_DIR}/savepoints" "${JOB_ID}" 2>&1 | tee "${TEST_DIR}/stop-2.log")" \
    || fail "flink stop --drain did not finish within $(( ($(elapsed) - started) / 1000 )) s (job $(job_state "${JOB_ID}"));" \
      "an aggregation that never ends its stream? (${TEST_DIR}/stop-2.log)"
  SAVEPOINT="$(echo "${output}" | sed -n 's/.*Savepoint completed\. Path: \([^ ]*\).*/\1/p' | head -n 1)"
  [[ -n "${SAVEPOINT}" ]] || { echo "${output}" >&2; fail "no savepoint path in the output of flink stop --drain"; }
  wait_for_job_state "${JOB_ID}" FINISHED 30
}
timed "stop --drain" drain
log "drained and stopped job ${JOB_ID} (final savepoint ${SAVEPOINT}): FINISHED"
# The drain ended with someone inside: the door counters' occupancy of sh-001 was above zero at its last minute.
last_door="$(influx_scalar "${DATABASE}" "SELECT last(\"door_occupancy\") FROM \"store_occupancy\" WHERE \"store\" = 'sh-001'")"
[[ -n "${last_door}" ]] && (( ${last_door%.*} > 0 )) \
  || fail "sh-001's last door occupancy in ${DATABASE} is '${last_door}', not above zero: the drain was not tested with someone inside"
log "sh-001's door occupancy at the end of the drained job: ${last_door}"
restarts=$(( $(exceptions_of "${FIRST_JOB_ID}") + $(exceptions_of "${JOB_ID}") ))

# 6. The reference: the same job over the same topics, bounded, on a local MiniCluster, files out.
reference() {
  # bin/o2o-analytics, but from the jar under test: LocalLauncher runs the job on an embedded MiniCluster.
  timeout "$(bound 150)" java -Xmx1g \
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -Dlog4j2.configurationFile="${TEST_DIR}/log4j2-reference.properties" -Do2o.log.file="${TEST_DIR}/reference-flink.log" \
    -cp "${JAR}:${FLINK_LIB}/*" io.o2o.analytics.job.LocalLauncher --source kafka --bounded --outputs files \
    --output.dir "${TEST_DIR}/reference" --hash-key-file "${HASH_KEY_FILE}" --kafka.bootstrap-servers "${BOOTSTRAP}" --kafka.group-id "${REFERENCE_GROUP}" \
    "${TOPIC_ARGS[@]}" --parallelism 2 --checkpoint.interval 2s >"${TEST_DIR}/reference.log" 2>&1 \
    || { tail -n 30 "${TEST_DIR}/reference.log" >&2; fail "the reference run failed (${TEST_DIR}/reference.log)"; }
}
timed "reference run" reference

ids_of() { local field="$1"; shift; grep -o "\"${field}\":\"[^\"]*\"" "$@" | sed "s/.*\"${field}\":\"\([^\"]*\)\"/\1/"; }
event_ids() { ids_of eventId "$@"; }
kafka_helper dump "${BOOTSTRAP}" "${VISITS_TOPIC}" "${TEST_DIR}/visits.jsonl" >/dev/null
event_ids "${TEST_DIR}/visits.jsonl" | sort >"${TEST_DIR}/cluster.ids"
cat "${TEST_DIR}"/reference/visits-*.jsonl | event_ids | sort >"${TEST_DIR}/reference.ids"
event_ids "${TEST_DIR}/visits-at-stop.jsonl" | sort -u >"${TEST_DIR}/at-stop.ids"
uniq -d "${TEST_DIR}/cluster.ids" >"${TEST_DIR}/duplicated.ids"
uniq -d "${TEST_DIR}/reference.ids" >"${TEST_DIR}/reference-duplicated.ids"
comm -23 <(sort -u "${TEST_DIR}/reference.ids") <(sort -u "${TEST_DIR}/cluster.ids") >"${TEST_DIR}/lost.ids"
comm -13 <(sort -u "${TEST_DIR}/reference.ids") <(sort -u "${TEST_DIR}/cluster.ids") >"${TEST_DIR}/extra.ids"
# Decisions about hour 1 that only the resumed job emitted: their pings or open sessions were in the savepoint.
after_resume_hour1="$(comm -13 "${TEST_DIR}/at-stop.ids" <(sort -u "${TEST_DIR}/cluster.ids") \
  | awk -F: -v limit="${HOUR2_MS}" '$NF < limit' | wc -l)"
log "visits topic: $(wc -l <"${TEST_DIR}/cluster.ids") decisions ($(wc -l <"${TEST_DIR}/at-stop.ids") before the savepoint," \
    "${after_resume_hour1} about hour 1 decided after the resume); reference: $(wc -l <"${TEST_DIR}/reference.ids");" \
    "duplicated $(wc -l <"${TEST_DIR}/duplicated.ids"), lost $(wc -l <"${TEST_DIR}/lost.ids"), extra $(wc -l <"${TEST_DIR}/extra.ids")"

# Conversions: CEP journeys and per-customer state carried across the savepoint must decide the same journeys.
kafka_helper dump "${BOOTSTRAP}" "${TOPIC_PREFIX}-o2o-conversions" "${TEST_DIR}/conversions.jsonl" >/dev/null
ids_of conversionId "${TEST_DIR}/conversions.jsonl" | sort >"${TEST_DIR}/cluster-conversions.ids"
cat "${TEST_DIR}"/reference/o2o-conversions-*.jsonl | ids_of conversionId | sort >"${TEST_DIR}/reference-conversions.ids"
log "o2o-conversions topic: $(wc -l <"${TEST_DIR}/cluster-conversions.ids") conversions; reference: $(wc -l <"${TEST_DIR}/reference-conversions.ids")"

# Geo-offers: written exactly once (Kafka transactions); read committed, the same offers as the reference, none twice.
kafka_helper dump "${BOOTSTRAP}" "${TOPIC_PREFIX}-geo-offers" "${TEST_DIR}/geo-offers.jsonl" >/dev/null
ids_of offerId "${TEST_DIR}/geo-offers.jsonl" | sort >"${TEST_DIR}/cluster-offers.ids"
cat "${TEST_DIR}"/reference/geo-offers-*.jsonl | ids_of offerId | sort >"${TEST_DIR}/reference-offers.ids"
log "geo-offers topic (read committed): $(wc -l <"${TEST_DIR}/cluster-offers.ids") offers, $(uniq -d "${TEST_DIR}/cluster-offers.ids" | wc -l) twice; reference: $(wc -l <"${TEST_DIR}/reference-offers.ids")"

# The reference's metric points, loaded into a second database, against what the job wrote.
for lp in "${TEST_DIR}"/reference/metrics-*.lp; do
  [[ -s "${lp}" ]] || continue
  curl -fsS --max-time 30 -XPOST "${INFLUX_URL}/write?db=${REFERENCE_DATABASE}&precision=ms" --data-binary "@${lp}" \
    || fail "could not load ${lp} into ${REFERENCE_DATABASE}"
done
# store_traffic and store_dwell come from the decisions: every point must match. pipeline_health and
# dead_letters put a record that arrives behind the watermark (a phone re-sending a ping minutes later) into the
# oldest minute still open, which depends on how far the watermark had got: compare their totals per topic (and
# reason; late_event and duplicate_event are the same re-sent ping, which of the two depends on timing too).
flatten() { # a GROUP BY answer as lines "tags value(s)", late_event and duplicate_event as one reason
  sed 's/},{"name"/}\n{"name"/g' \
    | sed -n 's/.*"tags":{\([^}]*\)}.*"values":\[\["[^"]*",\([^]]*\)\]\].*/\1 \2/p' \
    | sed 's/"reason":"\(late_event\|duplicate_event\)"/"reason":"late_event|duplicate_event"/' \
    | awk '{if ($1 in v) v[$1] += $2; else v[$1] = $2} END {for (k in v) print k, v[k]}' | sort
}
compare_metrics() { # $1 name, $2 InfluxQL, $3 how to read the answers (cat or flatten)
  influx_query "${DATABASE}" "$2" | "$3" >"${TEST_DIR}/influx-$1.txt"
  influx_query "${REFERENCE_DATABASE}" "$2" | "$3" >"${TEST_DIR}/reference-$1.txt"
  if [[ ! -s "${TEST_DIR}/reference-$1.txt" ]] || ! grep -q '[0-9]' "${TEST_DIR}/reference-$1.txt"; then
    metric_differences+=("$1 (empty)")
    log "InfluxDB $1: the reference has nothing"
  elif cmp -s "${TEST_DIR}/influx-$1.txt" "${TEST_DIR}/reference-$1.txt"; then
    if [[ "$3" == cat ]]; then
      log "InfluxDB $1: the same $(grep -o '"values":\[\[\|\],\[' "${TEST_DIR}/influx-$1.txt" | wc -l) points as the reference"
    else
      log "InfluxDB $1: the same as the reference: $(tr '\n' ';' <"${TEST_DIR}/influx-$1.txt" | sed 's/"//g; s/;$//; s/;/; /g' | cut -c1-200)"
    fi
  else
    metric_differences+=("$1")
    log "InfluxDB $1: differs from the reference (${TEST_DIR}/influx-$1.txt vs reference-$1.txt)"
  fi
}
metric_differences=()
compare_metrics store_traffic 'SELECT * FROM "store_traffic" GROUP BY *' cat
compare_metrics store_dwell 'SELECT * FROM "store_dwell" GROUP BY *' cat
compare_metrics pipeline_health_totals 'SELECT sum("received"), sum("dead_letters") FROM "pipeline_health" GROUP BY "topic"' flatten
compare_metrics dead_letters_totals 'SELECT sum("count") FROM "dead_letters" GROUP BY "topic", "reason"' flatten
compare_metrics o2o_conversions 'SELECT * FROM "o2o_conversions" GROUP BY *' cat
compare_metrics store_customers 'SELECT * FROM "store_customers" GROUP BY *' cat
compare_metrics offers 'SELECT * FROM "offers" GROUP BY *' cat

(( $(wc -l <"${TEST_DIR}/reference.ids") > 0 )) || fail "the reference run decided nothing (${TEST_DIR}/reference.log)"
[[ ! -s "${TEST_DIR}/duplicated.ids" ]] || fail "$(wc -l <"${TEST_DIR}/duplicated.ids") eventIds twice in ${VISITS_TOPIC} (${TEST_DIR}/duplicated.ids)"
[[ ! -s "${TEST_DIR}/lost.ids" && ! -s "${TEST_DIR}/extra.ids" ]] \
  || fail "the visits topic differs from the reference: $(wc -l <"${TEST_DIR}/lost.ids") lost, $(wc -l <"${TEST_DIR}/extra.ids") extra (${TEST_DIR}/lost.ids, extra.ids)"
(( $(wc -l <"${TEST_DIR}/reference-conversions.ids") > 0 )) || fail "the reference run found no conversion (${TEST_DIR}/reference.log)"
cmp -s "${TEST_DIR}/cluster-conversions.ids" "${TEST_DIR}/reference-conversions.ids" \
  || fail "the o2o-conversions topic differs from the reference (${TEST_DIR}/cluster-conversions.ids vs reference-conversions.ids)"
(( $(wc -l <"${TEST_DIR}/reference-offers.ids") > 0 )) || fail "the reference run sent no geo-offer (${TEST_DIR}/reference.log)"
cmp -s "${TEST_DIR}/cluster-offers.ids" "${TEST_DIR}/reference-offers.ids" \
  || fail "the geo-offers topic differs from the reference (${TEST_DIR}/cluster-offers.ids vs reference-offers.ids)"
(( after_resume_hour1 > 0 )) || fail "no decision about hour 1 came after the resume: the test did not carry state across the savepoint"
(( ${#metric_differences[@]} == 0 )) || fail "InfluxDB differs from the reference in: ${metric_differences[*]}"
(( restarts == 0 )) || fail "the jobs failed and restarted ${restarts} time(s) (${REST_URL}/jobs/<id>/exceptions)"
log "first job ${FIRST_JOB_ID}, resumed job ${JOB_ID}: no decision lost or duplicated across stop-with-savepoint and resume"
