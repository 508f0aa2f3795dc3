package io.o2o.analytics.records;

/**
 * A decision about one device and one store, published to the {@code visits} topic.
 *
 * <ul>
 *   <li>{@code enter}: the device was confirmed inside the store; {@code eventTime} is the first ping inside.
 *   <li>{@code exit}: the device left (or was last seen inside); {@code eventTime} is the last presence.
 *   <li>{@code visit}: a stay of at least the minimum dwell; {@code eventTime} is the exit, with enter,
 *       exit and dwell filled in.
 *   <li>{@code pass_by}: the device came within the store's near-buffer and left without a visit;
 *       {@code eventTime} is its last moment near the store, {@code decidedAt} the fix beyond the buffer.
 *   <li>{@code reattributed}: the device of an open visit now belongs to another customer (a link arrived
 *       during the visit); {@code eventTime} is the link's time, {@code enteredAt} the visit's start.
 * </ul>
 *
 * @param eventId deterministic, so that a consumer can drop the duplicates an at-least-once replay makes
 * @param deviceId keyed hash of the device
 * @param userId the platform user last seen on the device's pings, if any
 * @param customerId the customer the device belonged to at {@code eventTime} (docs/identity.md), or null
 *     while no evidence links the device to anyone
 * @param decidedAt for an {@code enter}, the time of the ping that confirmed it (later than {@code eventTime},
 *     the first ping inside); for a {@code pass_by}, the first fix beyond the near-buffer: when the engine could
 *     know it, whatever the watermark did. Null for the others and for the pass-by of a phone that fell silent,
 *     which are known at {@code eventTime} plus the exit timeout
 */
public record StoreVisitEvent(
        String eventId,
        String type,
        String deviceId,
        String userId,
        String storeId,
        long eventTime,
        Long enteredAt,
        Long exitedAt,
        Long dwellMillis,
        String customerId,
        Long decidedAt) {

    public static final String ENTER = "enter";
    public static final String EXIT = "exit";
    public static final String VISIT = "visit";
    public static final String PASS_BY = "pass_by";
    public static final String REATTRIBUTED = "reattributed";

    public static StoreVisitEvent of(
            String type, String deviceId, String userId, String storeId, long eventTime, Long enteredAt, Long exitedAt) {
        Long dwell = enteredAt != null && exitedAt != null ? exitedAt - enteredAt : null;
        String id = storeId + ':' + type + ':' + deviceId + ':' + eventTime;
        return new StoreVisitEvent(id, type, deviceId, userId, storeId, eventTime, enteredAt, exitedAt, dwell, null, null);
    }

    /** The same decision, made at {@code at} (an entry confirmed by a later ping). */
    public StoreVisitEvent decidedAt(long at) {
        return new StoreVisitEvent(
                eventId, type, deviceId, userId, storeId, eventTime, enteredAt, exitedAt, dwellMillis, customerId, at);
    }

    public StoreVisitEvent withCustomer(String customer) {
        return new StoreVisitEvent(
                eventId, type, deviceId, userId, storeId, eventTime, enteredAt, exitedAt, dwellMillis, customer, decidedAt);
    }
}
