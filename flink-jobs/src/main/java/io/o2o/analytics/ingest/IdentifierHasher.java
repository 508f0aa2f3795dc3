package io.o2o.analytics.ingest;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces personal identifiers (device ids, MAC addresses, phone numbers) with a keyed hash
 * (HMAC-SHA256, truncated to 128 bits) at ingestion, so that no raw identifier travels further than the
 * parser. A keyed hash rather than a plain one: without the key, nobody can confirm a guessed phone number
 * against a stored hash.
 *
 * <p>Identifiers are normalised first so that one device or phone always hashes the same way:
 * {@code A4-5E-60-01-02-03} and {@code a4:5e:60:01:02:03} are one MAC, {@code +86 138 0013 8000} and
 * {@code +8613800138000} are one phone.
 *
 * <p>The key itself is never serialised: a hasher made {@linkplain #atKeyLocation from a key location} reads it
 * where it runs (a task manager), and one {@linkplain #IdentifierHasher(byte[]) made from a key} keeps it in the
 * JVM that made it (tests, the client's own look-ups), so that a copy shipped in a job graph has no key and says so.
 */
public final class IdentifierHasher implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final String ALGORITHM = "HmacSHA256";
    private static final int HASH_BYTES = 16;
    // Compiled once: hashing runs for every ping and sensor reading.
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}[:-]){5}[0-9a-f]{2}");
    private static final Pattern NOT_PHONE_DIGIT = Pattern.compile("[^0-9+]");

    /** Null for a hasher whose key stays in this JVM. */
    private final HashKeyLocation keyLocation;
    private transient byte[] key;
    private transient Mac mac;

    /** A hasher for this JVM only: its key is not serialised with it. */
    public IdentifierHasher(byte[] key) {
        if (key == null || key.length < HashKeyLocation.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("The identifier hash key must be at least "
                    + HashKeyLocation.MIN_KEY_BYTES + " bytes long");
        }
        this.keyLocation = null;
        this.key = key.clone();
    }

    private IdentifierHasher(HashKeyLocation keyLocation) {
        this.keyLocation = keyLocation;
    }

    /** A hasher that reads its key from {@code location} where it first hashes. */
    public static IdentifierHasher atKeyLocation(HashKeyLocation location) {
        return new IdentifierHasher(location);
    }

    public String hashDevice(String rawDeviceId) {
        return hash("device", normaliseDevice(rawDeviceId));
    }

    public String hashPhone(String rawPhone) {
        return hash("phone", NOT_PHONE_DIGIT.matcher(rawPhone).replaceAll(""));
    }

    private String hash(String domain, String normalised) {
        Mac m = mac();
        m.update(domain.getBytes(StandardCharsets.UTF_8));
        m.update((byte) 0);
        byte[] digest = m.doFinal(normalised.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, HASH_BYTES);
    }

    private static String normaliseDevice(String raw) {
        String trimmed = raw.trim().toLowerCase(Locale.ROOT);
        if (MAC.matcher(trimmed).matches()) {
            return trimmed.replace('-', ':');
        }
        return trimmed;
    }

    private Mac mac() {
        if (mac == null) {
            if (key == null) {
                if (keyLocation == null) {
                    throw new IllegalStateException("This identifier hasher was made with a key that stays in the "
                            + "JVM that made it; a job must use IdentifierHasher.atKeyLocation");
                }
                key = keyLocation.read();
            }
            try {
                mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(key, ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
            }
        }
        return mac;
    }
}
