#!/bin/bash
# InfluxDB 2.x init script (/docker-entrypoint-initdb.d, first start only): maps the InfluxQL database
# "<bucket>" with retention policy "autogen" onto the bucket, so that InfluxQL queries (Grafana's data
# source, the /query API) reach it. The image runs it after its setup, with the influx CLI configured with
# the admin token and DOCKER_INFLUXDB_INIT_BUCKET_ID set. It must be executable (git keeps the bit).
set -euo pipefail
db="${DOCKER_INFLUXDB_INIT_BUCKET}"
if influx v1 dbrp list --org "${DOCKER_INFLUXDB_INIT_ORG}" --db "${db}" 2>/dev/null \
    | grep -q "${DOCKER_INFLUXDB_INIT_BUCKET_ID}"; then
  echo "create-dbrp: database ${db} is already mapped"
  exit 0
fi
influx v1 dbrp create --org "${DOCKER_INFLUXDB_INIT_ORG}" --db "${db}" --rp autogen \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" --default
echo "create-dbrp: InfluxQL database ${db} (retention policy autogen) -> bucket ${db}"
