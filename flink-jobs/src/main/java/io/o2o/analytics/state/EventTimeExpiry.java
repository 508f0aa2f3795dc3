package io.o2o.analytics.state;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.TimerService;

/**
 * Forgets a key's state once the key has been idle for a time to live, in event time: the key's last activity plus
 * the TTL, as the watermark sees it.
 *
 * <p>Not Flink's state TTL, which runs in processing time: a replay of last month's topics would expire nothing, and a
 * live run would expire by the wall clock, so results would depend on when the job ran.
 *
 * <p>Two parts, because either alone is wrong. A check on access: an element at or after the key's deadline finds
 * the state gone, whether or not a timer fired first, so decisions do not depend on how the watermark moved (a
 * bounded input's watermark jumps to the end of time and fires every timer at once). And one cleanup timer per key,
 * so that a key that goes quiet does not keep its state forever. The timer is not moved at every element: an
 * element only records its time (one small state read, and a write when the last activity moves on); when the
 * timer fires and the key was active since, it is set again at the new deadline. An active key costs one timer per
 * TTL, not one per element.
 *
 * <p>When a bounded input ends the watermark jumps to the end of time: that expires nothing (the input ended, the
 * customers did not disappear), the same rule as the identity graph's. Only an element still to be handled then
 * expires what it finds idle, as it would have in a live run.
 *
 * <p>State: one value per key with a pending expiry, the last activity and the time of the pending timer; or, for a
 * function that keeps all of a key's state in one value of its own, a {@link Clock} inside that value (no state of
 * its own: one state read and write fewer per callback).
 */
public final class EventTimeExpiry implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final long ttlMillis;
    /** f0: the key's last activity; f1: when its pending expiry timer fires. */
    private transient ValueState<Tuple2<Long, Long>> clock;

    public EventTimeExpiry(String name, Duration ttl) {
        if (ttl.toMillis() <= 0) {
            throw new IllegalArgumentException("the time to live must be positive, found " + ttl);
        }
        this.name = name;
        this.ttlMillis = ttl.toMillis();
    }

    public void open(RuntimeContext context) {
        clock = context.getState(new ValueStateDescriptor<>(name, Types.TUPLE(Types.LONG, Types.LONG)));
    }

    public long ttlMillis() {
        return ttlMillis;
    }

    /**
     * Event time has reached {@code now}: a timer of the key fires (and everything before it was handled), or an
     * element at {@code now} is about to be handled. Call it before the element.
     *
     * @param arriving whether an element of the key is handled at {@code now}: it expires what it finds idle even at
     *     the end of input
     * @return whether the key has been idle for the TTL: the caller forgets its state (the clock is gone already)
     */
    public boolean expiredAt(long now, boolean arriving, TimerService timers) throws Exception {
        Tuple2<Long, Long> current = clock.value();
        if (current == null) {
            return false;
        }
        if (idleAt(current.f0, now, arriving, timers)) {
            clock.clear();
            return true;
        }
        if (firedEarly(current.f0, current.f1, now, timers)) {
            current.f1 = current.f0 + ttlMillis;
            clock.update(current);
            timers.registerEventTimeTimer(current.f1);
        }
        return false;
    }

    /**
     * An element of the key at {@code at} is about to be handled: {@link #expiredAt expiredAt(at, true, timers)},
     * then {@link #touch touch(at, timers)}, with one read of the clock and at most one write. For functions that
     * call both for every element (the staff filter, for every sensor reading).
     *
     * @return whether the key had been idle for the TTL: the caller forgets its state before handling the element
     */
    public boolean arrivedAt(long at, TimerService timers) throws Exception {
        Tuple2<Long, Long> current = clock.value();
        boolean expired = current != null && idleAt(current.f0, at, true, timers);
        if (current == null || expired) {
            clock.update(Tuple2.of(at, at + ttlMillis));
            timers.registerEventTimeTimer(at + ttlMillis);
            return expired;
        }
        boolean moved = false;
        if (firedEarly(current.f0, current.f1, at, timers)) {
            current.f1 = current.f0 + ttlMillis;
            timers.registerEventTimeTimer(current.f1);
            moved = true;
        }
        if (at > current.f0) {
            current.f0 = at;
            moved = true;
        }
        if (moved) {
            clock.update(current);
        }
        return false;
    }

    /** The key was active at {@code at}: its state lives at least until {@code at} plus the TTL. */
    public void touch(long at, TimerService timers) throws Exception {
        Tuple2<Long, Long> current = clock.value();
        if (current == null) {
            clock.update(Tuple2.of(at, at + ttlMillis));
            timers.registerEventTimeTimer(at + ttlMillis);
        } else if (at > current.f0) {
            current.f0 = at;
            clock.update(current);
        }
    }

    /**
     * As {@link #expiredAt(long, boolean, TimerService)}, for a clock the caller keeps in a state value of its own
     * (and writes back afterwards: the pending timer may have moved).
     *
     * @return whether the key has been idle for the TTL: the caller forgets its state, the clock with it
     */
    public boolean expiredAt(Clock clock, long now, boolean arriving, TimerService timers) {
        if (idleAt(clock.lastActivity, now, arriving, timers)) {
            return true;
        }
        if (firedEarly(clock.lastActivity, clock.timerAt, now, timers)) {
            clock.timerAt = clock.lastActivity + ttlMillis;
            timers.registerEventTimeTimer(clock.timerAt);
        }
        return false;
    }

    /**
     * As {@link #touch(long, TimerService)}, for a clock the caller keeps in a state value of its own.
     *
     * @param clock the key's clock, null when it has none (yet, or since it expired)
     * @return the clock to keep
     */
    public Clock touch(Clock clock, long at, TimerService timers) {
        if (clock == null) {
            timers.registerEventTimeTimer(at + ttlMillis);
            return new Clock(at, at + ttlMillis);
        }
        if (at > clock.lastActivity) {
            clock.lastActivity = at;
        }
        return clock;
    }

    private boolean idleAt(long lastActivity, long now, boolean arriving, TimerService timers) {
        return lastActivity + ttlMillis <= now && (arriving || timers.currentWatermark() != Long.MAX_VALUE);
    }

    /**
     * Whether the key's timer fired before the deadline its later activity moved: it is set again there. (A timer the
     * watermark has not reached yet is still pending and will do this itself.)
     */
    private boolean firedEarly(long lastActivity, long timerAt, long now, TimerService timers) {
        long watermark = timers.currentWatermark();
        return timerAt <= Math.min(now, watermark) && lastActivity + ttlMillis > now && watermark != Long.MAX_VALUE;
    }

    /** The key's last activity, or null when nothing is kept for it. */
    public Long lastActivity() throws Exception {
        Tuple2<Long, Long> current = clock.value();
        return current == null ? null : current.f0;
    }

    /** The caller emptied the key's state for reasons of its own; a pending timer then finds nothing to do. */
    public void clear() {
        clock.clear();
    }

    /** A key's expiry clock inside a state value of the caller's (a POJO, so that Flink serialises it without Kryo). */
    public static final class Clock {
        /** The key's last activity. */
        public long lastActivity;
        /** When the key's pending expiry timer fires. */
        public long timerAt;

        public Clock() {}

        Clock(long lastActivity, long timerAt) {
            this.lastActivity = lastActivity;
            this.timerAt = timerAt;
        }
    }
}
