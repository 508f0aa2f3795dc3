#!/usr/bin/env bash
# Submits the O2O job to the Flink session cluster of the compose stack, unless it already runs there.
# Arguments: the job's options (README "Options"). Environment:
#   FLINK_REST            JobManager REST address              (default jobmanager:8081)
#   O2O_FROM_SAVEPOINT    start from this savepoint or retained checkpoint (path or file:// URI)
#   O2O_ALLOW_NON_RESTORED_STATE=true   skip savepoint state that no operator claims (flink run -n)
#   O2O_HASH_KEY          the client checks that it is set; the TaskManagers read their own copy where they
#                         hash, so it is never in the job graph (nor is the InfluxDB token: the job's sink reads
#                         O2O_INFLUXDB_TOKEN on the TaskManagers)
#   O2O_SUBMIT_TIMEOUT    seconds to wait for free task slots  (default 180)
set -euo pipefail

REST="${FLINK_REST:-jobmanager:8081}"
JAR="${O2O_JOB_JAR:-/opt/flink/usrlib/o2o-analytics-job.jar}"
JOB_NAME="o2o-location-analytics"
TIMEOUT="${O2O_SUBMIT_TIMEOUT:-180}"

log() { echo "submit-job: $*" >&2; }

parallelism=2
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --parallelism) parallelism="${args[i + 1]:-2}" ;;
    --parallelism=*) parallelism="${args[i]#*=}" ;;
  esac
done

# Already running (a restart of this service, or `docker compose up` again): nothing to do.
active='"state":"(CREATED|INITIALIZING|RUNNING|RESTARTING|RECONCILING)"'
if curl -fsS "http://${REST}/jobs/overview" | grep -Eq "\"name\":\"${JOB_NAME}\"[^}]*${active}"; then
  log "${JOB_NAME} already runs on ${REST}; nothing to submit"
  exit 0
fi

# TaskManagers register a few seconds after they start: wait until the job's parallelism fits.
deadline=$(( $(date +%s) + TIMEOUT ))
while true; do
  slots="$(curl -fsS "http://${REST}/overview" | sed -n 's/.*"slots-available":\([0-9]*\).*/\1/p')"
  if [[ -n "${slots}" && "${slots}" -ge "${parallelism}" ]]; then
    break
  fi
  if (( $(date +%s) >= deadline )); then
    log "only ${slots:-0} free task slots after ${TIMEOUT} s, the job needs ${parallelism}: add TaskManagers" \
        "(--scale taskmanager=N) or slots (FLINK_TASK_SLOTS), or lower O2O_PARALLELISM"
    exit 1
  fi
  sleep 2
done

run=(flink run --detached --jobmanager "${REST}")
if [[ -n "${O2O_FROM_SAVEPOINT:-}" ]]; then
  log "starting from savepoint ${O2O_FROM_SAVEPOINT}"
  run+=(--fromSavepoint "${O2O_FROM_SAVEPOINT}")
  if [[ "${O2O_ALLOW_NON_RESTORED_STATE:-false}" == "true" ]]; then
    run+=(--allowNonRestoredState)
  fi
fi
log "submitting ${JAR} to ${REST}: $*"
exec "${run[@]}" "${JAR}" "$@"
