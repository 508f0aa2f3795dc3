package io.o2o.analytics.sink.influx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Explicit format of {@link PendingPoints} in checkpoints and savepoints (version 1): the number of lines, then
 * each line as its UTF-8 length and bytes. Lines are not limited to the 64 KiB of {@code writeUTF}.
 */
final class PendingPointsSerializer implements SimpleVersionedSerializer<PendingPoints> {

    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(PendingPoints points) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64 + points.lines().size() * 128);
        out.writeInt(points.lines().size());
        for (String line : points.lines()) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public PendingPoints deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown version " + version + " of the InfluxDB sink's pending points (this "
                    + "build reads version " + VERSION + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int count = in.readInt();
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            lines.add(new String(bytes, StandardCharsets.UTF_8));
        }
        if (in.available() != 0) {
            throw new IOException("The InfluxDB sink's pending points have " + in.available() + " bytes too many");
        }
        return new PendingPoints(lines);
    }
}
