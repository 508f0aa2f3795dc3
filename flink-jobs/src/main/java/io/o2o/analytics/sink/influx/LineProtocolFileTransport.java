package io.o2o.analytics.sink.influx;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * Appends batches as InfluxDB line protocol (one point per line, millisecond timestamps) to
 * {@code <directory>/metrics-<subtask>.lp}: one file per parallel writer, so subtasks never interleave lines.
 * For the embedded demo when no InfluxDB is configured; the files load into InfluxDB as they are
 * ({@code influx write --precision ms}, or {@code curl --data-binary @metrics-0.lp '/write?db=..&precision=ms'}).
 */
final class LineProtocolFileTransport implements PointTransport {

    private final Path file;
    private final Writer out;

    LineProtocolFileTransport(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    /** The file of one subtask. */
    static Path fileOf(Path directory, int subtaskIndex) {
        return directory.resolve("metrics-" + subtaskIndex + ".lp");
    }

    Path file() {
        return file;
    }

    @Override
    public void write(List<String> lines) throws IOException {
        for (String line : lines) {
            out.write(line);
            out.write('\n');
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Serializable settings: the directory is kept as a string because {@link Path} is not serializable. */
    record Settings(String directory) implements PointTransportFactory {

        Settings {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public PointTransport open(int subtaskIndex) throws IOException {
            return new LineProtocolFileTransport(fileOf(Path.of(directory), subtaskIndex));
        }

        @Override
        public String describe() {
            return "line-protocol files " + Path.of(directory).resolve("metrics-<subtask>.lp");
        }
    }
}
