package io.o2o.analytics.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Resolves secrets from the environment or from files, never from code: the identifier hash key. Values are never
 * logged. The InfluxDB token is not resolved here: the sink's writers read it on the TaskManagers, from the file of
 * {@code --influxdb.token-file} or the variable {@value #INFLUXDB_TOKEN_ENV}, so that it never enters the job graph.
 */
public final class Secrets {
    public static final String HASH_KEY_ENV = "O2O_HASH_KEY";
    public static final String INFLUXDB_TOKEN_ENV = "O2O_INFLUXDB_TOKEN";

    private final Configuration options;
    private final Map<String, String> environment;

    public Secrets(Configuration options, Map<String, String> environment) {
        this.options = options;
        this.environment = environment;
    }

    /** The hash key from {@code O2O_HASH_KEY} or {@code --hash-key-file}, if either is set. */
    public Optional<byte[]> hashKey() {
        return secret(HASH_KEY_ENV, JobOptions.HASH_KEY_FILE, null).map(k -> k.getBytes(StandardCharsets.UTF_8));
    }

    /** A key for one run only: hashes then differ from run to run, which a demo does not mind. */
    public static byte[] ephemeralHashKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private Optional<String> secret(String envVar, ConfigOption<String> fileOption, ConfigOption<String> inline) {
        if (inline != null && options.getOptional(inline).isPresent()) {
            return options.getOptional(inline);
        }
        Optional<String> file = options.getOptional(fileOption);
        if (file.isPresent()) {
            try {
                return Optional.of(Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read --" + fileOption.key() + " " + file.get(), e);
            }
        }
        String value = environment.get(envVar);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
