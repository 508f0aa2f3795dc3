package io.o2o.analytics.testing;

import io.o2o.analytics.job.JobOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;

/**
 * Test jobs get their hash key as production task managers do: from a file they read where they run (an
 * environment variable would have to be this JVM's own, which a test cannot set).
 */
public final class TestHashKeys {
    private TestHashKeys() {}

    /** {@code options} with {@code --hash-key-file} naming a new file that holds {@code key}. */
    public static Configuration withKeyFile(Configuration options, String key) {
        try {
            Path file = Files.createTempFile("o2o-test-hash-key-", ".key");
            file.toFile().deleteOnExit();
            Files.writeString(file, key, StandardCharsets.UTF_8);
            options.set(JobOptions.HASH_KEY_FILE, file.toString());
            return options;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
