package io.o2o.analytics.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Keyed elements held until the watermark passes them, then handed out in a fixed event-time order: what
 * makes a stateful decision independent of the order its inputs arrived in. The caller registers an
 * event-time timer per element (at {@link #timeOf}) and takes the due ones when a timer fires.
 */
public final class EventTimeBuffer<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final Class<T> type;
    private final SerializableFunction<T, Long> time;
    private final Comparator<T> order;
    private transient ListState<T> pending;

    /** @param order a total order for elements of equal time, so that ties do not depend on arrival */
    public static <T> EventTimeBuffer<T> of(
            String name, Class<T> type, SerializableFunction<T, Long> time, SerializableComparator<T> tieBreak) {
        return new EventTimeBuffer<>(name, type, time, tieBreak);
    }

    /** A comparator that can travel with the function that holds it. */
    public interface SerializableComparator<T> extends Comparator<T>, Serializable {}

    private EventTimeBuffer(String name, Class<T> type, SerializableFunction<T, Long> time, Comparator<T> tieBreak) {
        this.name = name;
        this.type = type;
        this.time = time;
        this.order = tieBreak;
    }

    public void open(RuntimeContext context) {
        pending = context.getListState(new ListStateDescriptor<>(name, TypeInformation.of(type)));
    }

    public long timeOf(T element) {
        return time.apply(element);
    }

    public void add(T element) throws Exception {
        pending.add(element);
    }

    /** Removes and returns the elements at or before {@code horizon}, in event-time order. */
    public List<T> takeDue(long horizon) throws Exception {
        List<T> due = new ArrayList<>();
        List<T> later = new ArrayList<>();
        for (T element : pending.get()) {
            (timeOf(element) <= horizon ? due : later).add(element);
        }
        if (!due.isEmpty()) {
            pending.update(later);
            due.sort(Comparator.comparingLong(this::timeOf).thenComparing(order));
        }
        return due;
    }
}
