package io.o2o.analytics.ingest;

import io.o2o.analytics.metrics.HealthTick;
import io.o2o.analytics.offers.OfferRuleChange;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.IdentityLink;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.MarketingPreference;
import io.o2o.analytics.records.OnlineEvent;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreSensorEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits parsed input into one stream per event type (pings on the main output, the rest on side
 * outputs), sends dead letters aside, and emits a health tick for every record. Counts records and dead letters per topic and reason as Flink metrics.
 */
public class InputRouter extends ProcessFunction<Ingested, LbsPing> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<StoreSensorEvent> SENSORS = new OutputTag<>("store-sensors") {};
    public static final OutputTag<OnlineEvent> ONLINE = new OutputTag<>("online-events") {};
    public static final OutputTag<PosTransaction> POS = new OutputTag<>("pos-transactions") {};
    public static final OutputTag<IdentityLink> LINKS = new OutputTag<>("identity-links") {};
    public static final OutputTag<MarketingPreference> PREFERENCES = new OutputTag<>("marketing-preferences") {};
    public static final OutputTag<OfferRuleChange> RULE_CHANGES = new OutputTag<>("offer-rules") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    public static final OutputTag<HealthTick> HEALTH = new OutputTag<>("health") {};

    /** Job accumulators, for a run's summary. */
    public static final String RECORDS_ACCUMULATOR = "input.records";
    public static final String DEAD_LETTERS_ACCUMULATOR = "input.deadLetters";

    private transient MetricGroup metrics;
    /** Per topic, its counters by name; looked up without building a key per record. */
    private transient Map<String, Map<String, Counter>> counters;
    private transient LongCounter recordsTotal;
    private transient LongCounter deadLettersTotal;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup().addGroup("input");
        counters = new HashMap<>();
        recordsTotal = new LongCounter();
        deadLettersTotal = new LongCounter();
        getRuntimeContext().addAccumulator(RECORDS_ACCUMULATOR, recordsTotal);
        getRuntimeContext().addAccumulator(DEAD_LETTERS_ACCUMULATOR, deadLettersTotal);
    }

    @Override
    public void processElement(Ingested in, Context ctx, Collector<LbsPing> out) {
        String topic = in.topic().defaultTopicName();
        count(topic, "records");
        recordsTotal.add(1);
        // Lateness is not judged here: whether a late record is still useful is the consumer's call (a late
        // identity link still joins two customers; a late ping can no longer change a decided visit).
        DeadLetter deadLetter = in.deadLetter();
        if (deadLetter != null) {
            count(topic, deadLetter.reason());
            deadLettersTotal.add(1);
            ctx.output(DEAD_LETTERS, deadLetter);
            ctx.output(HEALTH, new HealthTick(topic, 1, deadLetter.reason(), deadLetter.receivedAtMillis()));
            return;
        }
        ctx.output(HEALTH, new HealthTick(topic, 1, null, in.receivedAt()));
        switch (in.topic()) {
            case LBS_PINGS -> out.collect(in.ping());
            case STORE_SENSORS -> ctx.output(SENSORS, in.sensor());
            case ONLINE_EVENTS -> ctx.output(ONLINE, in.online());
            case POS_TRANSACTIONS -> ctx.output(POS, in.pos());
            case IDENTITY_LINKS -> ctx.output(LINKS, in.link());
            case MARKETING_PREFERENCES -> ctx.output(PREFERENCES, in.preference());
            case OFFER_RULES -> ctx.output(RULE_CHANGES, in.ruleChange());
        }
    }

    /** {@code what} is "records" or a dead-letter reason (counted as {@code deadLetters.<reason>}). */
    private void count(String topic, String what) {
        counters.computeIfAbsent(topic, t -> new HashMap<>())
                .computeIfAbsent(what, name -> metrics.addGroup("topic", topic)
                        .counter(name.equals("records") ? name : "deadLetters." + name))
                .inc();
    }
}
