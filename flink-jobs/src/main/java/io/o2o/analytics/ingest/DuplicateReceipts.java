package io.o2o.analytics.ingest;

import io.o2o.analytics.metrics.Tally;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.PosTransaction;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets each till receipt through once: a till that lost its connection sends its receipts again, and a
 * receipt counted twice is revenue that never happened. Keyed by {@link #keyOf store and receipt id}; a
 * receipt id is remembered for {@code window} of event time after the receipt, then forgotten (an event-time
 * timer, so a replay of last month forgets exactly as the live run did). Of two copies, the first to arrive is
 * kept: copies of one receipt are the same sale.
 */
public class DuplicateReceipts extends KeyedProcessFunction<String, PosTransaction, PosTransaction> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DUPLICATES = new OutputTag<>("duplicate-receipts") {};
    /** The metric and the job accumulator counting the receipts let through no more. */
    public static final String COUNTER = "duplicateReceipts";

    private final long windowMillis;

    /** The receipt's event time, while it is remembered. */
    private transient ValueState<Long> seen;
    private transient Tally duplicates;

    public DuplicateReceipts(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("pos.duplicate-window must be > 0");
        }
        this.windowMillis = window.toMillis();
    }

    public static String keyOf(PosTransaction tx) {
        return tx.storeId() + "/" + tx.txId();
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("receipt-seen", Types.LONG));
        duplicates = Tally.register(getRuntimeContext(), COUNTER, COUNTER);
    }

    @Override
    public void processElement(PosTransaction tx, Context ctx, Collector<PosTransaction> out) throws Exception {
        Long first = seen.value();
        if (first == null) {
            seen.update(tx.ts());
            ctx.timerService().registerEventTimeTimer(forgetAt(tx.ts()));
            out.collect(tx);
            return;
        }
        duplicates.inc();
        ctx.output(DUPLICATES, DeadLetter.decided(InputTopic.POS_TRANSACTIONS.defaultTopicName(),
                DeadLetterReason.DUPLICATE_EVENT.code(),
                "store " + tx.storeId() + " sent receipt " + tx.txId() + " before",
                String.format(Locale.ROOT, "{\"txId\":\"%s\",\"storeId\":\"%s\",\"amount\":%s,\"ts\":%d}",
                        tx.txId(), tx.storeId(), tx.amount(), tx.ts()),
                ctx.timestamp() == null ? tx.ts() : ctx.timestamp()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PosTransaction> out) throws Exception {
        // At the end of input (watermark at Long.MAX_VALUE) forgetting changes nothing: no copy can follow.
        Long first = seen.value();
        if (first != null && forgetAt(first) <= timestamp) {
            seen.clear();
        }
    }

    private long forgetAt(long receiptTime) {
        return receiptTime > Long.MAX_VALUE - windowMillis ? Long.MAX_VALUE : receiptTime + windowMillis;
    }
}
