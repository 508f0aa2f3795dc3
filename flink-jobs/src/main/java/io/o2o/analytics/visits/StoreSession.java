package io.o2o.analytics.visits;

/**
 * What one device's detector remembers about one store it is near. A mutable POJO with public fields so
 * that Flink stores it with its POJO serializer (compact in RocksDB, and evolvable across savepoints).
 */
public class StoreSession {
    /** First and last accurate-enough ping within the store's near-buffer. */
    public long firstNearAt;
    public long lastNearAt;
    /** Consecutive accurate pings deep inside while no visit is open, and when that run began. */
    public int insideStreak;
    public long candidateEnterAt;
    /** Set while a visit is open: when it began and the last ping that placed the device in the store. */
    public Long enteredAt;
    public long lastPresenceAt;
    /** Whether a stay of at least the minimum dwell happened during this near-store session. */
    public boolean visited;
    public String userId;

    public StoreSession() {}

    static StoreSession startedAt(long at, String userId) {
        StoreSession session = new StoreSession();
        session.firstNearAt = at;
        session.lastNearAt = at;
        session.userId = userId;
        return session;
    }

    boolean visitOpen() {
        return enteredAt != null;
    }

    long visitDeadline(long exitTimeoutMillis) {
        return lastPresenceAt + exitTimeoutMillis;
    }

    long sessionDeadline(long exitTimeoutMillis) {
        return lastNearAt + exitTimeoutMillis;
    }

    /** The next instant at which this session must be looked at again if no ping comes. */
    long nextDeadline(long exitTimeoutMillis) {
        return visitOpen() ? visitDeadline(exitTimeoutMillis) : sessionDeadline(exitTimeoutMillis);
    }
}
