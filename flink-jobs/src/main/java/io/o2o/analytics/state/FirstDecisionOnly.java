package io.o2o.analytics.state;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Lets each decision through once. When two customers merge, the absorbed one's recent activities are sent
 * again as the survivor's, and what was already decided for the absorbed customer is decided again; the
 * earliest decision stands (ties: {@code tieBreak}, e.g. the smaller customer id), whichever reached this
 * operator first.
 *
 * <p>Keyed by the decision's id. A decision waits for the watermark to pass its time; the id is then remembered
 * for {@code memory} of event time, and repeats within it are dropped and counted. A decision that must not wait
 * ({@code atOnce}: a live one) is let through as it arrives, unless its id was let through already. Each decision let through adds
 * one to the job accumulator {@code accumulatorPrefix + kindOf(decision)}, for a run's summary.
 */
public class FirstDecisionOnly<T> extends KeyedProcessFunction<String, T, T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final SerializableFunction<T, Long> decidedAt;
    private final EventTimeBuffer.SerializableComparator<T> tieBreak;
    private final long memoryMillis;
    private final String repeatsMetric;
    private final String accumulatorPrefix;
    private final List<String> kinds;
    private final SerializableFunction<T, String> kindOf;
    private final SerializableFunction<T, Boolean> atOnce;

    private transient Comparator<T> earliest;
    private transient ValueState<T> candidate;
    private transient ValueState<Long> publishedAt;
    private transient Counter repeats;
    private transient Map<String, LongCounter> published;

    /** @param kinds every value {@code kindOf} gives: each has its accumulator */
    public FirstDecisionOnly(Class<T> type, SerializableFunction<T, Long> decidedAt,
            EventTimeBuffer.SerializableComparator<T> tieBreak, Duration memory, String repeatsMetric,
            String accumulatorPrefix, List<String> kinds, SerializableFunction<T, String> kindOf) {
        this(type, decidedAt, tieBreak, memory, repeatsMetric, accumulatorPrefix, kinds, kindOf, decision -> false);
    }

    /** @param atOnce which decisions are let through as they arrive, not when the watermark passes them */
    public FirstDecisionOnly(Class<T> type, SerializableFunction<T, Long> decidedAt,
            EventTimeBuffer.SerializableComparator<T> tieBreak, Duration memory, String repeatsMetric,
            String accumulatorPrefix, List<String> kinds, SerializableFunction<T, String> kindOf,
            SerializableFunction<T, Boolean> atOnce) {
        this.type = type;
        this.decidedAt = decidedAt;
        this.tieBreak = tieBreak;
        this.memoryMillis = memory.toMillis();
        this.repeatsMetric = repeatsMetric;
        this.accumulatorPrefix = accumulatorPrefix;
        this.kinds = List.copyOf(kinds);
        this.kindOf = kindOf;
        this.atOnce = atOnce;
    }

    @Override
    public void open(OpenContext openContext) {
        earliest = Comparator.comparing(decidedAt).thenComparing(tieBreak);
        candidate = getRuntimeContext().getState(new ValueStateDescriptor<>("candidate", TypeInformation.of(type)));
        publishedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("published-at", Types.LONG));
        repeats = getRuntimeContext().getMetricGroup().counter(repeatsMetric);
        published = new HashMap<>();
        for (String kind : kinds) {
            LongCounter counter = new LongCounter();
            getRuntimeContext().addAccumulator(accumulatorPrefix + kind, counter);
            published.put(kind, counter);
        }
    }

    @Override
    public void processElement(T decision, Context ctx, Collector<T> out) throws Exception {
        T current = candidate.value();
        if (publishedAt.value() != null || current != null) {
            repeats.inc();
        }
        if (publishedAt.value() != null) {
            return;
        }
        if (atOnce.apply(decision)) {
            publish(decision, Math.max(decidedAt.apply(decision), ctx.timerService().currentWatermark() + 1), ctx, out);
            return;
        }
        if (current == null || earliest.compare(decision, current) < 0) {
            candidate.update(decision);
        }
        ctx.timerService().registerEventTimeTimer(
                Math.max(decidedAt.apply(decision), ctx.timerService().currentWatermark() + 1));
    }

    /** Out, once: the id is remembered from {@code at} for the memory. */
    private void publish(T decided, long at, Context ctx, Collector<T> out) throws Exception {
        out.collect(decided);
        published.get(kindOf.apply(decided)).add(1);
        candidate.clear();
        publishedAt.update(at);
        ctx.timerService().registerEventTimeTimer(at + memoryMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<T> out) throws Exception {
        T decided = candidate.value();
        if (decided != null) {
            publish(decided, timestamp, ctx, out);
        } else if (publishedAt.value() != null && timestamp >= publishedAt.value() + memoryMillis) {
            publishedAt.clear();
        }
    }
}
