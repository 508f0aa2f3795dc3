package io.o2o.analytics.testing;

import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** Helpers for the operator test harnesses of two-input functions. */
public final class Harnesses {
    private Harnesses() {}

    /** The same watermark on both inputs, as a job whose inputs share one source sees it. */
    public static void watermark(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> harness, long at) throws Exception {
        harness.processWatermark1(new Watermark(at));
        harness.processWatermark2(new Watermark(at));
    }
}
