package io.o2o.analytics.sink.influx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The write thread of a writer under test, run by the test: writes wait until {@link #runNext} and a retry's
 * backoff moves a virtual clock instead of sleeping. The backoffs asked for are kept in order.
 */
final class ManualWriteExecutor implements WriteExecutor {

    final List<Duration> backoffs = new ArrayList<>();
    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long sequence;
    boolean closed;

    private record Task(long due, long sequence, Runnable write) {}

    @Override
    public void execute(Runnable write) {
        tasks.add(new Task(now, sequence++, write));
    }

    @Override
    public void schedule(Runnable write, Duration delay) {
        backoffs.add(delay);
        tasks.add(new Task(now + delay.toMillis(), sequence++, write));
    }

    @Override
    public void close() {
        closed = true;
        tasks.clear();
    }

    boolean hasWork() {
        return !tasks.isEmpty();
    }

    /** Runs the write that is due first, moving the virtual clock to it; false when none waits. */
    boolean runNext() {
        Task next = tasks.stream()
                .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence))
                .orElse(null);
        if (next == null) {
            return false;
        }
        tasks.remove(next);
        now = Math.max(now, next.due());
        next.write().run();
        return true;
    }

    /** Virtual milliseconds spent in backoffs so far. */
    long now() {
        return now;
    }
}
