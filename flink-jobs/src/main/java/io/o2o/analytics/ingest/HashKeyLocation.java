package io.o2o.analytics.ingest;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the identifier hash key is, not what it is: the job graph carries this, and each task manager reads
 * the key itself when it first hashes. Whoever reads the JobManager's blob or HA storage then learns a file
 * name or a variable name, never the key (with the key, a phone number's hash is found by trying the ~10^10
 * numbers).
 *
 * @param environmentVariable read from the task manager's environment when {@code file} is null
 * @param file a file on the task manager (a mounted secret), or null
 */
public record HashKeyLocation(String environmentVariable, String file) implements Serializable {
    /** Shorter keys are refused: an HMAC key is as strong as its length. */
    public static final int MIN_KEY_BYTES = 16;

    public HashKeyLocation {
        if ((environmentVariable == null) == (file == null)) {
            throw new IllegalArgumentException("a hash key is in an environment variable or a file, one of them");
        }
    }

    public static HashKeyLocation environment(String variable) {
        return new HashKeyLocation(variable, null);
    }

    public static HashKeyLocation file(Path file) {
        return new HashKeyLocation(null, file.toString());
    }

    /** The key, as UTF-8 bytes of the text with surrounding white space removed (a trailing newline). */
    public byte[] read() {
        String text;
        if (file != null) {
            try {
                text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the identifier hash key file " + file + ": " + e);
            }
        } else {
            text = System.getenv(environmentVariable);
            if (text == null) {
                throw new IllegalStateException("No identifier hash key: " + environmentVariable
                        + " is not set in this process's environment (on a cluster: on every task manager)");
            }
        }
        byte[] key = text.strip().getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException("The identifier hash key in " + this + " is shorter than "
                    + MIN_KEY_BYTES + " bytes");
        }
        return key;
    }

    @Override
    public String toString() {
        return file != null ? "file " + file : "environment variable " + environmentVariable;
    }
}
