#!/usr/bin/env bash
# A real Apache Flink 2.2.1 standalone session cluster on this machine: one JobManager and one TaskManager as
# separate processes, run from the Flink jars on Maven Central (scripts/flink-cluster/pom.xml; there is no
# flink-dist there), started the way Flink's bin/jobmanager.sh and bin/taskmanager.sh start them. No Docker.
#
#   scripts/flink-cluster.sh start         fetch the jars once, write conf/, start the JobManager, then the
#                                          TaskManager; wait until the REST API shows a TaskManager with free slots
#   scripts/flink-cluster.sh stop          stop the TaskManager, then the JobManager, and wait until both are gone
#   scripts/flink-cluster.sh status        exit 0 when both run and the REST API answers, 3 otherwise
#   scripts/flink-cluster.sh cli ARGS...   the Flink CLI (CliFrontend) against this cluster: run, list, savepoint,
#                                          stop, cancel, info ... e.g. `cli run -d JAR --source kafka ...`
#
# Settings (environment):
#   O2O_RUN_DIR                where all test servers keep their files     (default /tmp/o2o-run); this one
#                              uses <run dir>/flink: lib/ conf/ log/ checkpoints/ savepoints/ tmp/
#   O2O_FLINK_REST_PORT        REST API and web UI on localhost            (default 18081)
#   O2O_FLINK_RPC_PORT         JobManager RPC port on localhost            (default 16123)
#   O2O_FLINK_SLOTS            task slots of the TaskManager               (default 2)
#   O2O_FLINK_JM_MEMORY        jobmanager.memory.process.size              (default 768m)
#   O2O_FLINK_TM_MEMORY        taskmanager.memory.process.size             (default 1280m)
#   O2O_FLINK_START_TIMEOUT    seconds to wait for a registered TaskManager (default 120)
#   O2O_FLINK_INFLUX_URL       when set: Flink's own metrics (checkpoints, consumer lag, sink retries) go to the
#                              InfluxDB v2 write API at this URL, through the project's reporter
#                              (influx-reporter/target/influx-reporter-*.jar, built by mvn install)
#   O2O_FLINK_INFLUX_BUCKET    ... into this bucket / database        (default o2o_analytics)
#   O2O_FLINK_INFLUX_INTERVAL  ... this often                         (default 10 s)
#
# Clients find the cluster at http://localhost:<rest port> (`cli` writes nothing but uses conf/config.yaml).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TEMPLATE_DIR="${SCRIPT_DIR}/flink-cluster"
FLINK_VERSION="2.2.1"
RUN_DIR="${O2O_RUN_DIR:-/tmp/o2o-run}/flink"
REST_PORT="${O2O_FLINK_REST_PORT:-18081}"
RPC_PORT="${O2O_FLINK_RPC_PORT:-16123}"
SLOTS="${O2O_FLINK_SLOTS:-2}"
JM_MEMORY="${O2O_FLINK_JM_MEMORY:-768m}"
TM_MEMORY="${O2O_FLINK_TM_MEMORY:-1280m}"
START_TIMEOUT="${O2O_FLINK_START_TIMEOUT:-120}"
REST_URL="http://localhost:${REST_PORT}"
LIBS_DIR="${RUN_DIR}/lib"
CONF_DIR="${RUN_DIR}/conf"
LOGS_DIR="${RUN_DIR}/log"
# Flink looks for plugins (file systems, metric reporters) in FLINK_PLUGINS_DIR, one sub-folder each: the
# InfluxDB metric reporter goes there when O2O_FLINK_INFLUX_URL is set.
PLUGINS_DIR="${RUN_DIR}/plugins"
INFLUX_URL="${O2O_FLINK_INFLUX_URL:-}"
INFLUX_BUCKET="${O2O_FLINK_INFLUX_BUCKET:-o2o_analytics}"
INFLUX_INTERVAL="${O2O_FLINK_INFLUX_INTERVAL:-10 s}"
REPORTER_JAR_GLOB="${SCRIPT_DIR}/../influx-reporter/target/influx-reporter-*.jar"
export FLINK_PLUGINS_DIR="${PLUGINS_DIR}"
JM_PID_FILE="${RUN_DIR}/jobmanager.pid"
TM_PID_FILE="${RUN_DIR}/taskmanager.pid"
PID_FILE="${JM_PID_FILE}"
SERVICE=flink-cluster.sh
# shellcheck source=lib/service.sh
source "${SCRIPT_DIR}/lib/service.sh"

JM_CLASS=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_CLASS=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
CLI_CLASS=org.apache.flink.client.cli.CliFrontend
BASH_JAVA_UTILS_CLASS=org.apache.flink.runtime.util.bash.BashJavaUtils

# The REST API's cluster overview, e.g. {"taskmanagers":1,"slots-total":2,"slots-available":2,...}.
overview() { curl -fsS --max-time 3 "${REST_URL}/overview" 2>/dev/null; }
json_number() { sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p"; }

ensure_libs() {
  # The marker names the pom's content: a changed jar list fetches again.
  local marker
  marker="${LIBS_DIR}/.complete-$(cksum <"${TEMPLATE_DIR}/pom.xml" | cut -d' ' -f1)"
  if [[ -f "${marker}" ]]; then
    return
  fi
  command -v java >/dev/null 2>&1 || die "java is not on PATH"
  command -v mvn >/dev/null 2>&1 || die "mvn is not on PATH (needed once to fetch the Flink ${FLINK_VERSION} jars)"
  log "fetching the Flink ${FLINK_VERSION} jars into ${LIBS_DIR} (mvn dependency:copy-dependencies)"
  rm -rf "${LIBS_DIR}"
  mkdir -p "${LIBS_DIR}" "${LOGS_DIR}"
  mvn -B -q -Dstyle.color=never -f "${TEMPLATE_DIR}/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="${LIBS_DIR}" >"${LOGS_DIR}/mvn-copy-dependencies.log" 2>&1 \
    || { tail -n 30 "${LOGS_DIR}/mvn-copy-dependencies.log" >&2; die "could not fetch the Flink jars with ${TEMPLATE_DIR}/pom.xml"; }
  [[ -f "${LIBS_DIR}/flink-runtime-${FLINK_VERSION}.jar" ]] || die "flink-runtime-${FLINK_VERSION}.jar missing in ${LIBS_DIR}"
  touch "${marker}"
}

write_config() {
  mkdir -p "${CONF_DIR}" "${LOGS_DIR}" "${PLUGINS_DIR}" "${RUN_DIR}/checkpoints" "${RUN_DIR}/savepoints" "${RUN_DIR}/tmp"
  sed -e "s|@RUN_DIR@|${RUN_DIR}|g" -e "s|@REST_PORT@|${REST_PORT}|g" -e "s|@RPC_PORT@|${RPC_PORT}|g" \
      -e "s|@SLOTS@|${SLOTS}|g" -e "s|@JM_MEMORY@|${JM_MEMORY}|g" -e "s|@TM_MEMORY@|${TM_MEMORY}|g" \
      "${TEMPLATE_DIR}/config.yaml.template" >"${CONF_DIR}/config.yaml"
  cp "${TEMPLATE_DIR}/log4j.properties" "${TEMPLATE_DIR}/log4j-cli.properties" "${CONF_DIR}/"
  rm -rf "${PLUGINS_DIR}/o2o-influxdb"
  if [[ -n "${INFLUX_URL}" ]]; then
    local jar
    # shellcheck disable=SC2086
    jar="$(ls ${REPORTER_JAR_GLOB} 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -n 1)"
    [[ -n "${jar}" ]] || die "no ${REPORTER_JAR_GLOB}: build it first (mvn -B -DskipTests install)"
    mkdir -p "${PLUGINS_DIR}/o2o-influxdb"
    cp "${jar}" "${PLUGINS_DIR}/o2o-influxdb/"
    sed -e "s|@INFLUX_URL@|${INFLUX_URL}|g" -e "s|@INFLUX_BUCKET@|${INFLUX_BUCKET}|g" \
        -e "s|@INFLUX_INTERVAL@|${INFLUX_INTERVAL}|g" \
        "${TEMPLATE_DIR}/influx-reporter.yaml.template" >>"${CONF_DIR}/config.yaml"
    log "Flink metrics go to ${INFLUX_URL}, bucket ${INFLUX_BUCKET}, every ${INFLUX_INTERVAL} (reporter ${jar##*/})"
  fi
}

# JVM options for every Flink JVM, as bin/config.sh builds FLINK_ENV_JAVA_OPTS: env.java.opts.all of config.yaml.
java_opts() {
  local opts
  opts="$(sed -n 's/^env\.java\.opts\.all:[ ]*\(.*\)$/\1/p' "${CONF_DIR}/config.yaml" | tail -n 1)"
  echo "-XX:+IgnoreUnrecognizedVMOptions ${opts}"
}

# What bin/taskmanager.sh and bin/jobmanager.sh ask BashJavaUtils for: line 1 the JVM memory flags (-Xmx, -Xms,
# -XX:MaxDirectMemorySize, -XX:MaxMetaspaceSize), line 2 the derived memory options as "-D key=value" pairs.
# $1: GET_JM_RESOURCE_PARAMS or GET_TM_RESOURCE_PARAMS.
resource_params() {
  local output results
  output="$(java -cp "${LIBS_DIR}/*" "${BASH_JAVA_UTILS_CLASS}" "$1" --configDir "${CONF_DIR}" 2>&1)" \
    || { echo "${output}" | tail -n 20 >&2; die "BashJavaUtils $1 failed (see the memory settings in ${CONF_DIR}/config.yaml)"; }
  results="$(echo "${output}" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')"
  [[ "$(echo "${results}" | wc -l)" == 2 ]] || { echo "${output}" >&2; die "unexpected BashJavaUtils $1 output"; }
  echo "${results}"
}

# Starts one Flink process in the background. $1: name (jobmanager|taskmanager), $2: pid file, $3: main class,
# $4: resource command for BashJavaUtils, then the program arguments.
launch() {
  local name="$1" pid_file="$2" main_class="$3" resource_cmd="$4" params jvm_params dynamic_params pid
  shift 4
  params="$(resource_params "${resource_cmd}")"
  jvm_params="$(echo "${params}" | head -n 1)"
  dynamic_params="$(echo "${params}" | tail -n 1)"
  echo "${name}: ${jvm_params} ${dynamic_params}" >>"${LOGS_DIR}/resource-params.log"
  # Word splitting of the JVM flags and "-D key=value" pairs is intended: none holds a space.
  # shellcheck disable=SC2046,SC2086
  setsid java ${jvm_params} $(java_opts) \
    -Dlog.file="${LOGS_DIR}/${name}.log" -Dlog4j.configurationFile="file:${CONF_DIR}/log4j.properties" \
    -classpath "${LIBS_DIR}/*" "${main_class}" --configDir "${CONF_DIR}" "$@" ${dynamic_params} \
    >>"${LOGS_DIR}/${name}.out" 2>&1 </dev/null &
  pid=$!
  echo "${pid}" >"${pid_file}"
  log "started the ${name} (pid ${pid}, ${jvm_params%% -XX:MaxMetaspaceSize*}); log ${LOGS_DIR}/${name}.log"
}

# Fails with the tail of the logs when a started process died.
check_alive() {
  local name="$1" pid_file="$2"
  PID_FILE="${pid_file}"
  if ! running_pid >/dev/null; then
    rm -f "${pid_file}"
    tail -n 30 "${LOGS_DIR}/${name}.out" "${LOGS_DIR}/${name}.log" >&2 2>/dev/null || true
    die "the ${name} exited during start-up; logs in ${LOGS_DIR}"
  fi
}

start() {
  local started answer tms free
  started="$(now_ms)"
  PID_FILE="${JM_PID_FILE}"
  if running_pid >/dev/null; then
    log "the JobManager already runs (pid $(running_pid))"
  else
    rm -f "${JM_PID_FILE}"
    port_open "${REST_PORT}" && die "port ${REST_PORT} is already taken by another process; set O2O_FLINK_REST_PORT to a free port"
    port_open "${RPC_PORT}" && die "port ${RPC_PORT} is already taken by another process; set O2O_FLINK_RPC_PORT to a free port"
    ensure_libs
    write_config
    log "starting Flink ${FLINK_VERSION}: JobManager (${JM_MEMORY}) and TaskManager (${TM_MEMORY}, ${SLOTS} slots); files in ${RUN_DIR}"
    started="$(now_ms)"
    launch jobmanager "${JM_PID_FILE}" "${JM_CLASS}" GET_JM_RESOURCE_PARAMS --executionMode cluster
  fi
  PID_FILE="${TM_PID_FILE}"
  if running_pid >/dev/null; then
    log "the TaskManager already runs (pid $(running_pid))"
  else
    rm -f "${TM_PID_FILE}"
    [[ -f "${CONF_DIR}/config.yaml" ]] || { ensure_libs; write_config; }
    launch taskmanager "${TM_PID_FILE}" "${TM_CLASS}" GET_TM_RESOURCE_PARAMS
  fi
  until answer="$(overview)" && tms="$(echo "${answer}" | json_number taskmanagers)" \
      && free="$(echo "${answer}" | json_number slots-available)" && (( tms >= 1 && free >= 1 )); do
    check_alive jobmanager "${JM_PID_FILE}"
    check_alive taskmanager "${TM_PID_FILE}"
    if (( $(now_ms) - started >= START_TIMEOUT * 1000 )); then
      tail -n 20 "${LOGS_DIR}/jobmanager.log" "${LOGS_DIR}/taskmanager.log" >&2 2>/dev/null || true
      die "no TaskManager with free slots at ${REST_URL} within ${START_TIMEOUT} s (last answer: ${answer:-none}); logs in ${LOGS_DIR}"
    fi
    sleep 0.5
  done
  log "running: ${tms} TaskManager(s), ${free} free slot(s), REST API and web UI at ${REST_URL}, up after $(( $(now_ms) - started )) ms"
}

stop() {
  SERVICE="flink-cluster.sh (taskmanager)" PID_FILE="${TM_PID_FILE}" stop_service 30
  SERVICE="flink-cluster.sh (jobmanager)" PID_FILE="${JM_PID_FILE}" stop_service 30
}

status() {
  local jm tm answer
  PID_FILE="${JM_PID_FILE}"
  jm="$(running_pid)" || { log "the JobManager is not running"; exit 3; }
  PID_FILE="${TM_PID_FILE}"
  tm="$(running_pid)" || { log "the JobManager runs (pid ${jm}), the TaskManager does not"; exit 3; }
  answer="$(overview)" || { log "JobManager pid ${jm} and TaskManager pid ${tm} run, but ${REST_URL} does not answer"; exit 3; }
  log "running: JobManager pid ${jm}, TaskManager pid ${tm}, ${REST_URL}/overview: ${answer}"
}

# The Flink CLI as bin/flink runs it: CliFrontend with FLINK_CONF_DIR; the job's main() runs in this JVM.
cli() {
  [[ -f "${CONF_DIR}/config.yaml" ]] || { ensure_libs; write_config; }
  # shellcheck disable=SC2046
  FLINK_CONF_DIR="${CONF_DIR}" exec java $(java_opts) \
    -Dlog.file="${LOGS_DIR}/flink-cli.log" -Dlog4j.configurationFile="file:${CONF_DIR}/log4j-cli.properties" \
    -classpath "${LIBS_DIR}/*" "${CLI_CLASS}" "$@"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  cli) shift; cli "$@" ;;
  *) echo "usage: $0 start|stop|status|cli ARGS..." >&2; exit 2 ;;
esac
