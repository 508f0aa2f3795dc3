#!/usr/bin/env bash
# Entrypoint of the O2O Flink image: installs the mounted Flink configuration, then hands over to the
# official image's entrypoint (jobmanager | taskmanager | standalone-job | any command).
#
# The configuration is mounted read-only at /opt/o2o/flink-conf/config.yaml and copied into
# $FLINK_HOME/conf, because the official entrypoint rewrites conf/config.yaml in place (it adds
# jobmanager.rpc.address from JOB_MANAGER_RPC_ADDRESS and the task slots from
# TASK_MANAGER_NUMBER_OF_TASK_SLOTS): mounted there directly, the file would be read-only, or the
# repository's copy would be rewritten. On the way, the @O2O_INFLUXDB_ORG@ and @O2O_INFLUXDB_BUCKET@
# placeholders take their values from the environment.
set -euo pipefail
conf="${O2O_FLINK_CONF:-/opt/o2o/flink-conf/config.yaml}"
if [[ -f "${conf}" ]]; then
  # The InfluxDB metric reporter's org and bucket, the same as the job's (docker/.env).
  sed -e "s|@O2O_INFLUXDB_ORG@|${O2O_INFLUXDB_ORG:-o2o}|g" -e "s|@O2O_INFLUXDB_BUCKET@|${O2O_INFLUXDB_BUCKET:-o2o_analytics}|g" \
    "${conf}" >"${FLINK_HOME}/conf/config.yaml"
else
  echo "o2o-entrypoint: ${conf} is not mounted; using the image's default Flink configuration" >&2
fi
exec /docker-entrypoint.sh "$@"
