package io.o2o.analytics.job;

import io.o2o.analytics.ingest.HashKeyLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;

/**
 * Says where the secrets are, never what they are: the identifier hash key's location (an environment variable
 * or a file), which the task managers read where they hash. Values are never logged or put in the job graph. The InfluxDB token is not resolved here: the sink's writers read it on the TaskManagers, from the file of
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

    /**
     * Where the task managers find the hash key: {@code --hash-key-file}, else {@code O2O_HASH_KEY} when it is
     * set here (the client); empty if neither. Only the location goes into the job graph.
     */
    public Optional<HashKeyLocation> hashKeyLocation() {
        Optional<String> file = options.getOptional(JobOptions.HASH_KEY_FILE);
        if (file.isPresent()) {
            return Optional.of(HashKeyLocation.file(Path.of(file.get())));
        }
        String value = environment.get(HASH_KEY_ENV);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(HashKeyLocation.environment(HASH_KEY_ENV));
    }

    /**
     * A key for one local run only, in a file only this user can read, deleted when the JVM exits: hashes then
     * differ from run to run, which a demo does not mind. A file, so that the key is read where it is used like
     * any other, and not carried in the job graph.
     */
    public static HashKeyLocation ephemeralHashKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            Path file = Files.createTempFile("o2o-hash-key-", ".key",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            Files.writeString(file, HexFormat.of().formatHex(key), StandardCharsets.UTF_8);
            return HashKeyLocation.file(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a key file for this run", e);
        }
    }
}
