package io.o2o.analytics.bench.identity;

import io.o2o.analytics.identity.IdentityEdge;
import java.time.Duration;

/**
 * A national retailer's identity evidence, made up deterministically from a sequence number: customers of three
 * identifiers each (a phone's hashed device id, an app user, a member card), known through two links each; then
 * the same links sent again (a device seen with its user is re-sent daily) and, every {@code mergeEvery}-th
 * customer, a link to the customer before it (two accounts of one household member found to be one person), all
 * spread evenly over {@code span} of event time in sequence order.
 *
 * <p>Identifiers are as long as the job's: {@code kind:} and 32 hex digits for hashed device ids.
 */
public record SyntheticEvidence(long customers, int rounds, long mergeEvery, long startMillis, Duration span)
        implements java.io.Serializable {
    static final String EVIDENCE = "identity-links";

    /** Edges in all: two per customer per round, and one per merge. */
    public long edges() {
        return 2 * customers * rounds + merges();
    }

    public long merges() {
        return mergeEvery <= 0 ? 0 : (customers - 1) / mergeEvery;
    }

    public long identifiers() {
        return 3 * customers;
    }

    public IdentityEdge edge(long sequence) {
        long ts = startMillis + Math.max(1, span.toMillis() / Math.max(1, edges())) * sequence;
        long linksPerRound = 2 * customers;
        long links = linksPerRound * rounds;
        if (sequence < links) {
            long inRound = sequence % linksPerRound;
            long customer = inRound / 2;
            return inRound % 2 == 0
                    ? IdentityEdge.of(device(customer), user(customer), ts, EVIDENCE)
                    : IdentityEdge.of(user(customer), member(customer), ts, EVIDENCE);
        }
        long customer = (sequence - links + 1) * mergeEvery;
        return IdentityEdge.of(member(customer), user(customer - 1), ts, EVIDENCE);
    }

    static String device(long customer) {
        return "device:" + hex(mix(customer)) + hex(mix(~customer));
    }

    static String user(long customer) {
        return "user:u" + customer;
    }

    static String member(long customer) {
        return "member:m" + customer;
    }

    private static String hex(long value) {
        return String.format("%016x", value);
    }

    /** SplitMix64's finaliser: a fixed, well-spread stand-in for a keyed hash. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
