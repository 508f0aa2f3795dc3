package io.o2o.analytics.job;

import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.journeys.O2oConversion;
import io.o2o.analytics.journeys.ProfileUpdate;
import io.o2o.analytics.job.JobOptions.OutputKind;
import io.o2o.analytics.job.JobOptions.SourceKind;
import io.o2o.analytics.metrics.MetricPoint;
import io.o2o.analytics.offers.GeoOffer;
import io.o2o.analytics.offers.OfferDecision;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.sink.JsonLinesFileSink;
import io.o2o.analytics.sink.JsonSerialization;
import io.o2o.analytics.sink.influx.InfluxDbSink;
import java.nio.file.Path;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The production sinks chosen by the options: Kafka topics or files, InfluxDB or line-protocol files. */
public final class Outputs {
    private final Configuration options;

    public Outputs(Configuration options) {
        this.options = options;
    }

    public OutputKind kind() {
        return options.getOptional(JobOptions.OUTPUTS)
                .orElse(options.get(JobOptions.SOURCE) == SourceKind.kafka ? OutputKind.kafka : OutputKind.files);
    }

    public Path outputDir() {
        return Path.of(options.get(JobOptions.OUTPUT_DIR)).toAbsolutePath();
    }

    public JobSinks sinks() {
        return new JobSinks(visits(), liveMoments(), deadLetters(), metrics(), customerAssignments(), conversions(), profileUpdates(),
                geoOffers(), offerAudit());
    }

    public Sink<StoreVisitEvent> visits() {
        return kind() == OutputKind.kafka
                ? kafka(options.get(JobOptions.TOPIC_VISITS), StoreVisitEvent::deviceId)
                : new JsonLinesFileSink<>(outputDir(), "visits");
    }

    /** At least once, as visits: what is live is worth nothing a checkpoint interval later. */
    public Sink<StoreVisitEvent> liveMoments() {
        return kind() == OutputKind.kafka
                ? kafka(options.get(JobOptions.TOPIC_LIVE_MOMENTS), StoreVisitEvent::deviceId)
                : new JsonLinesFileSink<>(outputDir(), "live-moments");
    }

    public Sink<DeadLetter> deadLetters() {
        return kind() == OutputKind.kafka
                ? kafka(options.get(JobOptions.TOPIC_DEAD_LETTERS), DeadLetter::reason)
                : new JsonLinesFileSink<>(outputDir(), "dead-letters");
    }

    public Sink<CustomerAssignment> customerAssignments() {
        return kind() == OutputKind.kafka
                ? kafka(options.get(JobOptions.TOPIC_CUSTOMER_ASSIGNMENTS), CustomerAssignment::node)
                : new JsonLinesFileSink<>(outputDir(), "customer-assignments");
    }

    public Sink<O2oConversion> conversions() {
        return kind() == OutputKind.kafka
                ? kafka(options.get(JobOptions.TOPIC_O2O_CONVERSIONS), O2oConversion::customerId)
                : new JsonLinesFileSink<>(outputDir(), "o2o-conversions");
    }

    public Sink<ProfileUpdate> profileUpdates() {
        return kind() == OutputKind.kafka
                ? kafka(options.get(JobOptions.TOPIC_PROFILE_UPDATES), ProfileUpdate::customerId)
                : new JsonLinesFileSink<>(outputDir(), "profile-updates");
    }

    /**
     * Exactly once by default: a restart must not send an offer twice. The records become visible to read_committed
     * consumers when the checkpoint that covers them completes. At least once, on request: visible at once, and a
     * repeat after a restart carries the same offer id.
     */
    public Sink<GeoOffer> geoOffers() {
        if (kind() != OutputKind.kafka) {
            return new JsonLinesFileSink<>(outputDir(), "geo-offers");
        }
        if (options.get(JobOptions.OFFERS_DELIVERY) == JobOptions.OfferDelivery.at_least_once) {
            return kafka(options.get(JobOptions.TOPIC_GEO_OFFERS), GeoOffer::customerId);
        }
        return KafkaSink.<GeoOffer>builder()
                .setBootstrapServers(options.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer(options.get(JobOptions.TOPIC_GEO_OFFERS), GeoOffer::customerId))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(options.get(JobOptions.OFFERS_TRANSACTIONAL_ID_PREFIX))
                // How long a transaction may wait for its commit: a broker outage or a stopped job must end within it.
                .setProperty("transaction.timeout.ms",
                        String.valueOf(options.get(JobOptions.OFFERS_TRANSACTION_TIMEOUT).toMillis()))
                .build();
    }

    public Sink<OfferDecision> offerAudit() {
        return kind() == OutputKind.kafka
                ? kafka(options.get(JobOptions.TOPIC_OFFER_AUDIT), OfferDecision::customerId)
                : new JsonLinesFileSink<>(outputDir(), "offer-audit");
    }

    public boolean metricsToInfluxDb() {
        return options.getOptional(JobOptions.INFLUXDB_URL).isPresent();
    }

    public Sink<MetricPoint> metrics() {
        if (!metricsToInfluxDb()) {
            return InfluxDbSink.builder().setLineProtocolDirectory(outputDir()).build();
        }
        return InfluxDbSink.builder()
                .setUrl(options.get(JobOptions.INFLUXDB_URL))
                .setOrg(options.get(JobOptions.INFLUXDB_ORG))
                .setBucket(options.get(JobOptions.INFLUXDB_BUCKET))
                // Where the writers find the token on the TaskManagers; the token itself stays out of the job graph.
                .setTokenEnvironmentVariable(Secrets.INFLUXDB_TOKEN_ENV)
                .setTokenFile(options.getOptional(JobOptions.INFLUXDB_TOKEN_FILE).map(Path::of).orElse(null))
                .build();
    }

    public String describe() {
        String records = kind() == OutputKind.kafka
                ? "visits -> Kafka topic '" + options.get(JobOptions.TOPIC_VISITS) + "', live moments -> '"
                        + options.get(JobOptions.TOPIC_LIVE_MOMENTS) + "', dead letters -> '"
                        + options.get(JobOptions.TOPIC_DEAD_LETTERS) + "', customer assignments -> '"
                        + options.get(JobOptions.TOPIC_CUSTOMER_ASSIGNMENTS) + "', conversions -> '"
                        + options.get(JobOptions.TOPIC_O2O_CONVERSIONS) + "', profile updates -> '"
                        + options.get(JobOptions.TOPIC_PROFILE_UPDATES) + "', geo-offers -> '"
                        + options.get(JobOptions.TOPIC_GEO_OFFERS) + "' (exactly once), offer audit -> '"
                        + options.get(JobOptions.TOPIC_OFFER_AUDIT) + "'"
                : "visits, live moments, dead letters, customer assignments, conversions, profile updates, geo-offers, "
                        + "offer audit -> " + outputDir().resolve("{visits,live-moments,dead-letters,customer-assignments,o2o-conversions,"
                                + "profile-updates,geo-offers,offer-audit}-*.jsonl");
        String metrics = metricsToInfluxDb()
                ? "metrics -> InfluxDB " + options.get(JobOptions.INFLUXDB_URL) + " bucket "
                        + options.get(JobOptions.INFLUXDB_BUCKET)
                : "metrics -> line protocol " + outputDir().resolve("metrics-*.lp");
        return records + "; " + metrics;
    }

    private <T> Sink<T> kafka(String topic, KeyOf<T> keyOf) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(options.get(JobOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setRecordSerializer(serializer(topic, keyOf))
                // Output records carry deterministic ids, so consumers can drop what a replay repeats.
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    private static <T> KafkaRecordSerializationSchema<T> serializer(String topic, KeyOf<T> keyOf) {
        return KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(keyOf)
                .setValueSerializationSchema(new JsonSerialization<T>())
                .build();
    }

    /** The Kafka record key of an output: same key, same partition, so per-key order is kept. */
    @FunctionalInterface
    private interface KeyOf<T> extends SerializationSchema<T> {
        String keyOf(T element);

        @Override
        default byte[] serialize(T element) {
            String key = keyOf(element);
            return key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
