package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint format of the points a writer had not yet stored. */
class PendingPointsSerializerTest {

    private final PendingPointsSerializer serializer = new PendingPointsSerializer();

    @Test
    void roundTripsLinesOfAnyLengthAndScript() throws Exception {
        PendingPoints points = new PendingPoints(List.of(
                "store_traffic,store=s-1 visitors=3i 1700000000000",
                "zone_activity,store=上海-001,zone=入口 dwell=1.5 1700000000001",
                "m,t=" + "x".repeat(70_000) + " f=1i 2",
                ""));

        byte[] bytes = serializer.serialize(points);

        assertThat(serializer.deserialize(serializer.getVersion(), bytes)).isEqualTo(points);
        assertThat(serializer.deserialize(1, serializer.serialize(new PendingPoints(List.of()))).lines()).isEmpty();
    }

    @Test
    void refusesAnUnknownVersionAndTrailingBytes() throws Exception {
        byte[] bytes = serializer.serialize(new PendingPoints(List.of("m f=1i 1")));
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> serializer.deserialize(2, bytes))
                .isInstanceOf(IOException.class)
                .hasMessage("Unknown version 2 of the InfluxDB sink's pending points (this build reads version 1)");
        assertThatThrownBy(() -> serializer.deserialize(1, longer))
                .isInstanceOf(IOException.class)
                .hasMessage("The InfluxDB sink's pending points have 1 bytes too many");
    }
}
