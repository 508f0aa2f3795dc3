#!/usr/bin/env bash
# Validates the compose stack without a Docker engine (nothing is built or started):
#   - installs Debian's docker-compose package when docker-compose is missing (needs root);
#   - `docker-compose config -q` on docker/docker-compose.yml with docker/.env.example, with and without
#     the simulator profile: YAML, schema, variable interpolation, depends_on conditions;
#   - every file the stack bind-mounts exists, and the scripts it runs are executable.
# Exit 0 when valid. Usage: scripts/validate-compose.sh [ENV_FILE]   (default docker/.env.example)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
compose_file=docker/docker-compose.yml
env_file="${1:-docker/.env.example}"

log() { echo "validate-compose.sh: $*" >&2; }
die() { log "$*"; exit 1; }

if ! command -v docker-compose >/dev/null 2>&1; then
  [[ "$(id -u)" == 0 ]] || die "docker-compose is missing and only root can install it: apt-get install -y docker-compose"
  log "docker-compose is missing: installing Debian's docker-compose package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  command -v docker-compose >/dev/null 2>&1 || die "apt-get installed docker-compose but it is not on PATH"
fi
[[ -f "${env_file}" ]] || die "no env file ${env_file}"

compose=(docker-compose -f "${compose_file}" --env-file "${env_file}")
"${compose[@]}" config -q || die "${compose_file} is not valid (docker-compose $(docker-compose version --short))"
"${compose[@]}" --profile simulator config -q || die "${compose_file} is not valid with --profile simulator"

# Bind mounts: `config` prints each service's volumes resolved to absolute host paths, one per line
# ("    - /abs/path:/in/container:ro") under "    volumes:".
resolved="$("${compose[@]}" --profile simulator config)"
sources="$(printf '%s\n' "${resolved}" | awk '
  /^    volumes:/ { inside = 1; next }
  /^    [a-z_]+:/ || /^  [^ ]/ || /^[^ ]/ { inside = 0 }
  inside && /^    - \// { sub(/^    - /, ""); sub(/:.*/, ""); print }' | sort -u)"
[[ -n "${sources}" ]] || die "found no bind mounts in the resolved compose file: has the output format changed?"
missing=0
while read -r source; do
  if [[ ! -e "${source}" ]]; then
    log "bind-mount source ${source} does not exist"
    missing=1
  fi
done <<<"${sources}"
(( missing == 0 )) || die "bind-mount sources are missing"

for script in docker/flink/o2o-entrypoint.sh docker/flink/submit-job.sh docker/influxdb/create-dbrp.sh \
    docker/kafka/create-topics.sh; do
  [[ -x "${script}" ]] || die "${script} must be executable (chmod +x; git keeps the bit)"
  bash -n "${script}" || die "${script} has a syntax error"
done

jar_glob=(flink-jobs/target/flink-jobs-*-job.jar)
if [[ ! -f "${jar_glob[0]}" ]]; then
  log "note: no job jar yet; build it (mvn -B -DskipTests package) before docker compose build/up"
fi
log "${compose_file} is valid (docker-compose $(docker-compose version --short), env ${env_file})"
