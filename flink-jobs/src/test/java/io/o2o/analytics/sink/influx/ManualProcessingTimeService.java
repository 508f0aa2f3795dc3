package io.o2o.analytics.sink.influx;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;

/** Processing time that moves only when the test says so; due timers fire in the test's thread. */
final class ManualProcessingTimeService implements ProcessingTimeService {

    private long now;
    private final List<Timer> timers = new ArrayList<>();

    @Override
    public long getCurrentProcessingTime() {
        return now;
    }

    @Override
    public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
        Timer timer = new Timer(timestamp, callback);
        timers.add(timer);
        return timer;
    }

    /** Moves time forward and fires every timer due by then, in time order. */
    void advance(long millis) throws Exception {
        now += millis;
        while (true) {
            Timer due = timers.stream()
                    .filter(t -> !t.isCancelled() && t.timestamp <= now)
                    .min(Comparator.comparingLong(t -> t.timestamp))
                    .orElse(null);
            if (due == null) {
                return;
            }
            timers.remove(due);
            due.callback.onProcessingTime(due.timestamp);
            due.complete(null);
        }
    }

    long pendingTimers() {
        return timers.stream().filter(t -> !t.isCancelled()).count();
    }

    private static final class Timer extends CompletableFuture<Void> implements ScheduledFuture<Void> {
        final long timestamp;
        final ProcessingTimeCallback callback;

        Timer(long timestamp, ProcessingTimeCallback callback) {
            this.timestamp = timestamp;
            this.callback = callback;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(timestamp, TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), other.getDelay(TimeUnit.MILLISECONDS));
        }
    }
}
