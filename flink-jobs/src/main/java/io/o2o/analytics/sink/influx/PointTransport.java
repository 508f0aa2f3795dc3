package io.o2o.analytics.sink.influx;

import java.io.IOException;
import java.util.List;

/**
 * Where a batch of line-protocol lines goes: an InfluxDB server ({@link InfluxDbClientTransport}) or a local file
 * ({@link LineProtocolFileTransport}). The {@link BatchingPointWriter} owns batching, retries and metrics; a
 * transport only sends one batch and says how it failed.
 *
 * <p>Failure contract of {@link #write}: a {@link TransportException} says whether a retry can help; any other
 * {@link IOException} is an I/O error and is retried.
 */
public interface PointTransport extends AutoCloseable {

    /**
     * Sends one batch: all lines or, when it throws, none as far as the caller knows (a retry sends the whole
     * batch again, which InfluxDB absorbs because a point with the same series and timestamp overwrites).
     * The list belongs to the writer and changes after the call: do not keep it.
     */
    void write(List<String> lines) throws IOException;

    @Override
    void close() throws IOException;
}
