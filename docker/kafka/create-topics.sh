#!/bin/bash
# Creates the O2O topics on the compose stack's broker (one-shot service kafka-topics). Idempotent.
#   BOOTSTRAP_SERVERS  e.g. kafka:19092
#   TOPICS             space-separated topic names
#   PARTITIONS         partitions per topic (at least the job's parallelism for the input topics)
set -euo pipefail
for topic in ${TOPICS}; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "${BOOTSTRAP_SERVERS}" --create --if-not-exists \
    --topic "${topic}" --partitions "${PARTITIONS}" --replication-factor 1
done
echo "kafka-topics: topics on ${BOOTSTRAP_SERVERS}:"
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "${BOOTSTRAP_SERVERS}" --list
