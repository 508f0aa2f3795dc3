package io.o2o.analytics.sink.influx;

import java.io.IOException;
import java.io.Serializable;

/**
 * Serializable recipe for a {@link PointTransport}: it travels with the sink to the task managers, and each
 * parallel writer opens its own transport there.
 */
public interface PointTransportFactory extends Serializable {

    /** Opens the transport of one parallel writer. */
    PointTransport open(int subtaskIndex) throws IOException;

    /** Where the points go, for log lines and error messages; never contains a secret. */
    String describe();
}
