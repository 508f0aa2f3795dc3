# Shared by the test-server scripts (influxdb.sh, kafka.sh): logging, the pid file, and stopping.
# The caller sets SERVICE (its name in messages) and PID_FILE before sourcing this file.

log() { echo "${SERVICE}: $*"; }
die() { echo "${SERVICE}: ERROR: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Succeeds when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints the pid from PID_FILE when that process is alive; fails otherwise.
running_pid() {
  [[ -f "${PID_FILE}" ]] || return 1
  local pid
  pid="$(cat "${PID_FILE}")"
  [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null || return 1
  echo "${pid}"
}

# Stops the process of PID_FILE: SIGTERM, up to $1 seconds for a clean shutdown, then SIGKILL.
stop_service() {
  local grace_seconds="$1" pid
  if ! pid="$(running_pid)"; then
    rm -f "${PID_FILE}"
    log "not running"
    return
  fi
  log "stopping pid ${pid}"
  kill "${pid}" 2>/dev/null || true
  for _ in $(seq 1 $(( grace_seconds * 5 ))); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "${pid}" 2>/dev/null; then
    log "pid ${pid} still alive after ${grace_seconds} s: killing it"
    kill -9 "${pid}" 2>/dev/null || true
    while kill -0 "${pid}" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "${PID_FILE}"
  log "stopped"
}
