package io.o2o.analytics.journeys;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
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

/**
 * Lets each conversion through once. When two customers merge, the absorbed one's recent activities are sent
 * again as the survivor's, and a journey already decided for the absorbed customer is decided again; the
 * earliest decision stands (ties: the smaller customer id), whichever reached this operator first.
 *
 * <p>Keyed by conversion id. A decision waits for the watermark to pass its time; the id is then remembered
 * for {@code memory} of event time, and repeats within it are dropped and counted.
 */
public class FirstConversionOnly extends KeyedProcessFunction<String, O2oConversion, O2oConversion> {
    private static final long serialVersionUID = 1L;

    /** Job accumulators with the number of conversions of each direction, for a run's summary. */
    public static final String ACCUMULATOR_PREFIX = "conversions.";

    private static final Comparator<O2oConversion> EARLIEST =
            Comparator.comparingLong(O2oConversion::decidedAt).thenComparing(O2oConversion::customerId);

    private final long memoryMillis;
    private transient ValueState<O2oConversion> candidate;
    private transient ValueState<Long> publishedAt;
    private transient Counter repeats;
    private transient Map<String, LongCounter> published;

    public FirstConversionOnly(Duration memory) {
        this.memoryMillis = memory.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        candidate = getRuntimeContext().getState(
                new ValueStateDescriptor<>("candidate", TypeInformation.of(O2oConversion.class)));
        publishedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("published-at", Types.LONG));
        repeats = getRuntimeContext().getMetricGroup().counter("repeatedConversions");
        published = new HashMap<>();
        for (String direction : JourneyMatch.directions()) {
            LongCounter counter = new LongCounter();
            getRuntimeContext().addAccumulator(ACCUMULATOR_PREFIX + direction, counter);
            published.put(direction, counter);
        }
    }

    @Override
    public void processElement(O2oConversion conversion, Context ctx, Collector<O2oConversion> out) throws Exception {
        O2oConversion current = candidate.value();
        if (publishedAt.value() != null || current != null) {
            repeats.inc();
        }
        if (publishedAt.value() != null) {
            return;
        }
        if (current == null || EARLIEST.compare(conversion, current) < 0) {
            candidate.update(conversion);
        }
        ctx.timerService().registerEventTimeTimer(
                Math.max(conversion.decidedAt(), ctx.timerService().currentWatermark() + 1));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<O2oConversion> out) throws Exception {
        O2oConversion decided = candidate.value();
        if (decided != null) {
            out.collect(decided);
            published.get(decided.direction()).add(1);
            candidate.clear();
            publishedAt.update(timestamp);
            ctx.timerService().registerEventTimeTimer(timestamp + memoryMillis);
        } else if (publishedAt.value() != null && timestamp >= publishedAt.value() + memoryMillis) {
            publishedAt.clear();
        }
    }
}
