package io.o2o.analytics.state;

import java.util.HashSet;
import java.util.Set;

/**
 * The keys whose event-time callback has already run up to the current horizon, for functions that handle
 * every pending element up to the watermark in the first timer that fires (horizon = max(timer, watermark)).
 *
 * <p>Such a function registers a timer per buffered element, so one watermark advance fires many timers of
 * one key, and all but the first find nothing due and no deadline passed: with RocksDB each of them still read
 * and rewrote the key's state. They can return at once, because nothing can become due at or before a
 * horizon after it was handled: the function rejects elements at or behind the watermark, and no element
 * arrives between the timers of one watermark advance.
 *
 * <p>Only a shortcut, not state: after a restore it is empty and the first timer of each key does the full
 * (then idle) pass, as before.
 */
public final class SettledKeys {
    private long horizon = Long.MIN_VALUE;
    private final Set<Object> keys = new HashSet<>();

    /**
     * Whether {@code key} was already handled up to {@code horizon}; if not, it counts as handled from now on.
     * Keys handled at an earlier horizon are forgotten when the horizon moves on, so the set holds only the
     * keys of one watermark advance.
     */
    public boolean alreadySettled(Object key, long horizon) {
        if (horizon != this.horizon) {
            this.horizon = horizon;
            keys.clear();
        }
        return !keys.add(key);
    }
}
