package io.o2o.analytics.sink.influx;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a writer finds the InfluxDB token on its task manager: a file (a mounted secret) or, without one, an
 * environment variable of the task manager process. This travels in the job graph; the token itself never does,
 * so neither the JobManager's blob and HA storage nor the web UI ever hold it.
 *
 * @param environmentVariable the variable to read, or empty for none
 * @param file a path on the task managers, or null; wins over the variable
 */
record InfluxTokenSource(String environmentVariable, String file) implements Serializable {

    /** The token, read now; empty when neither is set (an InfluxDB without authentication). */
    Optional<String> read(Function<String, String> environment) throws IOException {
        if (file != null) {
            String token;
            try {
                token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IOException("InfluxDB sink: cannot read the token file " + file + " on this task manager: "
                        + e, e);
            }
            if (token.isEmpty()) {
                throw new IOException("InfluxDB sink: the token file " + file + " is empty");
            }
            return Optional.of(token);
        }
        if (environmentVariable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(environment.apply(environmentVariable)).map(String::strip).filter(t -> !t.isEmpty());
    }

    String describe() {
        if (file != null) {
            return "token file " + file;
        }
        return environmentVariable.isEmpty() ? "no token" : "token from $" + environmentVariable;
    }
}
