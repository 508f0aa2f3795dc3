package io.o2o.analytics.sink.influx;

import io.o2o.analytics.metrics.MetricPoint;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink sink (Sink V2) that stores {@link MetricPoint}s in InfluxDB through the v2 write API, or appends them as
 * line protocol to local files. At-least-once: every checkpoint waits until the points before its barrier are
 * written; a replay after a restart rewrites the same points, which InfluxDB overwrites in place (same
 * measurement, tag set and timestamp), so the stored result is the same.
 *
 * <pre>{@code
 * stream.sinkTo(InfluxDbSink.builder()
 *         .setUrl("http://influxdb:8086")
 *         .setOrg("o2o")
 *         .setBucket("store_ops")
 *         .setToken(token)
 *         .build())
 *     .name("influxdb-store-ops").uid("influxdb-store-ops");
 * }</pre>
 *
 * @see InfluxDbSinkBuilder for the settings and their defaults
 */
public final class InfluxDbSink implements Sink<MetricPoint> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbSink.class);

    private final PointTransportFactory transportFactory;
    private final BatchSettings batchSettings;

    InfluxDbSink(PointTransportFactory transportFactory, BatchSettings batchSettings) {
        this.transportFactory = Objects.requireNonNull(transportFactory, "transportFactory");
        this.batchSettings = Objects.requireNonNull(batchSettings, "batchSettings");
    }

    public static InfluxDbSinkBuilder builder() {
        return new InfluxDbSinkBuilder();
    }

    @Override
    public SinkWriter<MetricPoint> createWriter(WriterInitContext context) throws IOException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        LOG.info("InfluxDB sink subtask {} writes to {} with {}", subtask, transportFactory.describe(), batchSettings);
        PointTransport transport = transportFactory.open(subtask);
        return new BatchingPointWriter(
                transport,
                transportFactory.describe(),
                batchSettings,
                context.getProcessingTimeService(),
                context.metricGroup(),
                duration -> Thread.sleep(duration.toMillis()));
    }

    /** Where the points go, without secrets. */
    public String describe() {
        return transportFactory.describe();
    }

    PointTransportFactory transportFactory() {
        return transportFactory;
    }

    BatchSettings batchSettings() {
        return batchSettings;
    }

    @Override
    public String toString() {
        return "InfluxDbSink{" + transportFactory + ", " + batchSettings + '}';
    }

    /** How the writer batches and retries, whatever the transport. */
    record BatchSettings(int batchSize, Duration flushInterval, RetryPolicy retryPolicy) implements Serializable {}
}
