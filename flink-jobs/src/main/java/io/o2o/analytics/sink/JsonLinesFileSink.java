package io.o2o.analytics.sink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes records as JSON lines to {@code <directory>/<name>-<subtask>.jsonl}, one file per parallel writer
 * so lines never interleave. The embedded default's stand-in for the output topics when no Kafka is there;
 * flushed on every checkpoint, so what a checkpoint covers is on disk.
 */
public final class JsonLinesFileSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String directory;
    private final String name;
    private final JsonSerialization<T> json = new JsonSerialization<>();

    public JsonLinesFileSink(Path directory, String name) {
        this.directory = directory.toString();
        this.name = name;
    }

    /** All files this sink writes, whatever the parallelism: {@code <name>-*.jsonl}. */
    public static String filePattern(String name) {
        return name + "-*.jsonl";
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Path dir = Path.of(directory);
        Files.createDirectories(dir);
        Path file = dir.resolve(name + "-" + context.getTaskInfo().getIndexOfThisSubtask() + ".jsonl");
        BufferedWriter out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                out.write(json.toJson(element));
                out.write('\n');
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
