package io.o2o.analytics.identity;

/**
 * Evidence that two identifiers ({@code kind:id}, device and phone ids already hashed) belong to one
 * person: an identity link, or an event that carried both (a ping with a device and a user).
 *
 * @param evidence where it came from: the input topic name
 */
public record IdentityEdge(String a, String b, long ts, String evidence) {

    /** The same edge with its ends in a fixed order, so that a-b and b-a are one edge. */
    public static IdentityEdge of(String one, String other, long ts, String evidence) {
        return one.compareTo(other) <= 0
                ? new IdentityEdge(one, other, ts, evidence)
                : new IdentityEdge(other, one, ts, evidence);
    }

    public String key() {
        return a + '|' + b;
    }
}
