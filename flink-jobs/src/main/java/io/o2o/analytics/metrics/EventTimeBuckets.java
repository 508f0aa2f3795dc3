package io.o2o.analytics.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Aggregates per key into fixed event-time periods (e.g. one minute per store) and emits each period once,
 * when the watermark has passed its end by {@code finalisationDelay}.
 *
 * <p>Why not a Flink window: decisions such as "this visit ended at 10:03" are emitted only after an exit
 * timeout, so they carry an event time older than the record's own timestamp. Bucketing by the decision's
 * time and waiting out the known delay gives every minute its exact count, emitted once, in order per key
 * (which lets a subclass keep running totals such as occupancy). An element decided only after its period
 * was due goes to the period of its record timestamp (when it was
 * decided), and one that arrives behind the watermark to the oldest open period, rather than lost; both are
 * counted in {@code lateToBucket}.
 *
 * <p>A running total (an occupancy) is carried into quiet periods so that a dashboard shows it, but never
 * unboundedly ahead of the key's own input: at most {@link #CARRY_LIMIT} past the key's last element, and at
 * the end of the input (a bounded run, {@code flink stop --drain}: the watermark at {@code Long.MAX_VALUE}) not
 * past the period of that last element. Otherwise one door counter left above zero would make the key emit a
 * point for every minute until the end of time, and stopping would never finish.
 */
public abstract class EventTimeBuckets<K, IN, ACC, OUT> extends KeyedProcessFunction<K, IN, OUT> {
    private static final long serialVersionUID = 1L;

    /** How far a running total is carried into periods without input for its key. */
    public static final Duration CARRY_LIMIT = Duration.ofHours(24);

    private final long bucketMillis;
    private final long delayMillis;
    private final Class<ACC> bucketType;

    private transient MapState<Long, ACC> buckets;
    /** The event time of the key's latest element: how far its running total may be carried. */
    private transient ValueState<Long> lastInput;
    private transient Counter lateToBucket;

    protected EventTimeBuckets(Duration bucketSize, Duration finalisationDelay, Class<ACC> bucketType) {
        if (bucketSize.toMillis() <= 0 || finalisationDelay.isNegative()) {
            throw new IllegalArgumentException("bucket size must be > 0 and delay >= 0");
        }
        this.bucketMillis = bucketSize.toMillis();
        this.delayMillis = finalisationDelay.toMillis();
        this.bucketType = bucketType;
    }

    protected abstract long eventTimeOf(IN element);

    protected abstract ACC newBucket();

    protected abstract void add(ACC bucket, IN element);

    /** Emits one finished period; called in ascending period order for each key. */
    protected abstract void emit(K key, long bucketStart, ACC bucket, Collector<OUT> out) throws Exception;

    /** Whether an empty period should follow this one (e.g. a store still has people inside). */
    protected boolean continuesAfter(K key) throws Exception {
        return false;
    }

    /**
     * Whether this aggregation carries a running total into quiet periods ({@link #continuesAfter}); only those
     * keep the key's last input, so that the others (pipeline health sees every record) pay no state access for it.
     */
    protected boolean carriesRunningTotal() {
        return false;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        buckets = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("buckets", Types.LONG, TypeInformation.of(bucketType)));
        lastInput = getRuntimeContext().getState(new ValueStateDescriptor<>("last-input", Types.LONG));
        lateToBucket = getRuntimeContext().getMetricGroup().counter("lateToBucket");
    }

    @Override
    public void processElement(IN element, Context ctx, Collector<OUT> out) throws Exception {
        long eventTime = eventTimeOf(element);
        long watermark = ctx.timerService().currentWatermark();
        // Decided only after its period was due (a journey learnt through a late link): into the period it was
        // decided in (its record timestamp), whether or not its own period was written yet, so that where it lands
        // depends on the input alone and not on how far the watermark had got.
        Long decidedAt = ctx.timestamp();
        if (decidedAt != null && decidedAt >= finalisedBy(bucketStart(eventTime))) {
            lateToBucket.inc();
            eventTime = decidedAt;
        }
        // Arrived behind the watermark itself: the oldest open period, rather than lost.
        if (finalisedBy(bucketStart(eventTime)) <= watermark) {
            lateToBucket.inc();
            eventTime = watermark - delayMillis + 1;
        }
        long start = bucketStart(eventTime);
        ACC bucket = buckets.get(start);
        if (bucket == null) {
            bucket = newBucket();
            ctx.timerService().registerEventTimeTimer(finalisedBy(start));
        }
        add(bucket, element);
        buckets.put(start, bucket);
        if (carriesRunningTotal()) {
            Long last = lastInput.value();
            if (last == null || eventTime > last) {
                lastInput.update(eventTime);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        TreeSet<Long> due = new TreeSet<>();
        for (Map.Entry<Long, ACC> entry : buckets.entries()) {
            if (finalisedBy(entry.getKey()) <= timestamp) {
                due.add(entry.getKey());
            }
        }
        K key = ctx.getCurrentKey();
        long carryUntil = carriesRunningTotal() ? carryUntil(ctx.timerService().currentWatermark()) : Long.MIN_VALUE;
        while (!due.isEmpty()) {
            long start = due.pollFirst();
            emit(key, start, buckets.get(start), out);
            buckets.remove(start);
            long next = start + bucketMillis;
            if (next < carryUntil && continuesAfter(key) && !buckets.contains(next)) {
                buckets.put(next, newBucket());
                if (finalisedBy(next) <= timestamp) {
                    due.add(next);
                } else {
                    ctx.timerService().registerEventTimeTimer(finalisedBy(next));
                }
            }
        }
        if (carriesRunningTotal() && buckets.isEmpty()) {
            lastInput.clear();
        }
    }

    /** The first period start not to carry a running total into. */
    private long carryUntil(long watermark) throws Exception {
        Long last = lastInput.value();
        if (last == null) {
            return Long.MIN_VALUE;
        }
        if (watermark == Long.MAX_VALUE) {
            return bucketStart(last) + bucketMillis;
        }
        return last > Long.MAX_VALUE - CARRY_LIMIT.toMillis() ? Long.MAX_VALUE : last + CARRY_LIMIT.toMillis();
    }

    /**
     * Adds {@code change} to a running total carried from period to period (an occupancy), never below zero: an
     * exit whose entry was counted before a restart from an older savepoint must not drive it negative. The
     * state is cleared at zero, so a quiet key leaves none behind.
     */
    protected static long addToRunningTotal(ValueState<Long> total, long change) throws Exception {
        long current = Math.max(0, (total.value() == null ? 0 : total.value()) + change);
        if (current == 0) {
            total.clear();
        } else {
            total.update(current);
        }
        return current;
    }

    protected final long bucketMillis() {
        return bucketMillis;
    }

    private long bucketStart(long eventTime) {
        return Math.floorDiv(eventTime, bucketMillis) * bucketMillis;
    }

    private long finalisedBy(long bucketStart) {
        return bucketStart + bucketMillis + delayMillis - 1;
    }
}
