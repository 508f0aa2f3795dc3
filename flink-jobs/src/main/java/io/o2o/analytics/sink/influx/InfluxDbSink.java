package io.o2o.analytics.sink.influx;

import io.o2o.analytics.metrics.MetricPoint;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink sink (Sink V2) that stores {@link MetricPoint}s in InfluxDB through the v2 write API, or appends them as
 * line protocol to local files. Writes run off the task thread; a checkpoint does not wait for them but keeps the
 * points not yet stored in the writer's state. At-least-once: a restart sends those again and replays the rest;
 * InfluxDB overwrites a point written twice in place (same measurement, tag set and timestamp), so the stored
 * result is the same.
 *
 * <pre>{@code
 * stream.sinkTo(InfluxDbSink.builder()
 *         .setUrl("http://influxdb:8086")
 *         .setOrg("o2o")
 *         .setBucket("store_ops")
 *         .setTokenFile(Path.of("/run/secrets/influxdb-token"))   // read on the task managers
 *         .build())
 *     .name("influxdb-store-ops").uid("influxdb-store-ops");
 * }</pre>
 *
 * @see InfluxDbSinkBuilder for the settings and their defaults
 */
public final class InfluxDbSink implements Sink<MetricPoint>, SupportsWriterState<MetricPoint, PendingPoints> {

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
    public StatefulSinkWriter<MetricPoint, PendingPoints> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<MetricPoint, PendingPoints> restoreWriter(
            WriterInitContext context, Collection<PendingPoints> recoveredState) throws IOException {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        int restored = recoveredState.stream().mapToInt(state -> state.lines().size()).sum();
        LOG.info("InfluxDB sink subtask {} writes to {} with {}; {} points restored from the checkpoint", subtask,
                transportFactory.describe(), batchSettings, restored);
        PointTransport transport = transportFactory.open(subtask);
        BatchingPointWriter writer = new BatchingPointWriter(
                transport,
                transportFactory.describe(),
                batchSettings,
                context.getProcessingTimeService(),
                context.getMailboxExecutor(),
                context.metricGroup(),
                WriteExecutor.singleThread("influxdb-sink-" + context.getTaskInfo().getTaskNameWithSubtasks()));
        writer.restore(recoveredState);
        return writer;
    }

    @Override
    public SimpleVersionedSerializer<PendingPoints> getWriterStateSerializer() {
        return new PendingPointsSerializer();
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

    /** How the writer batches, buffers and retries, whatever the transport. */
    record BatchSettings(int batchSize, Duration flushInterval, int maxBufferedPoints, RetryPolicy retryPolicy)
            implements Serializable {}
}
