package io.o2o.analytics.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * A key's elements by the instant they fall due, for a function with one event-time timer per instant that takes
 * exactly that instant's elements when it fires (as Flink's CEP operator keeps its element queue). A timer reads
 * and removes one instant and leaves the others untouched, where one list of everything pending
 * ({@link EventTimeBuffer}) is read and rewritten whole: the better layout for a key with much pending at once
 * (the identity graph's one key, a customer's activities), the worse one for a short per-device list, since adding
 * here reads before it writes.
 */
public final class InstantLists<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final TypeInformation<T> type;
    private transient MapState<Long, List<T>> byInstant;

    public InstantLists(String name, TypeInformation<T> type) {
        this.name = name;
        this.type = type;
    }

    public void open(RuntimeContext context) {
        byInstant = context.getMapState(new MapStateDescriptor<>(name, Types.LONG, Types.LIST(type)));
    }

    /**
     * Adds {@code element} at {@code instant}, after the elements already there.
     *
     * @return whether it is the instant's first element: the caller registers the instant's timer
     */
    public boolean add(long instant, T element) throws Exception {
        // The list read is the caller's to change: RocksDB deserialises a new one, and the heap backend copies a
        // value a running snapshot still refers to before handing it out.
        List<T> atInstant = byInstant.get(instant);
        boolean first = atInstant == null;
        if (first) {
            atInstant = new ArrayList<>(1);
        }
        atInstant.add(element);
        byInstant.put(instant, atInstant);
        return first;
    }

    /** Removes and returns the elements of {@code instant} in the order they were added; empty when it has none. */
    public List<T> take(long instant) throws Exception {
        List<T> atInstant = byInstant.get(instant);
        if (atInstant == null) {
            return new ArrayList<>(0);
        }
        byInstant.remove(instant);
        return atInstant;
    }
}
