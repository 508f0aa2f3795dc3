package io.o2o.analytics.sink.influx;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a writer's requests to InfluxDB run: off the task thread, one at a time, a retry after its backoff. The
 * task thread only hands batches over, so a slow or absent InfluxDB never holds up records or checkpoint barriers
 * (until the writer's buffer is full). Tests replace it with a manual one that records the backoffs.
 */
interface WriteExecutor extends AutoCloseable {

    /** Runs {@code write} as soon as the previous one finished. */
    void execute(Runnable write);

    /** Runs {@code write} after {@code delay}. */
    void schedule(Runnable write, Duration delay);

    /** Stops: a running write is interrupted, waiting ones are dropped (they are in the writer's checkpoint state). */
    @Override
    void close();

    /** One daemon thread per writer, named after its subtask for thread dumps. */
    static WriteExecutor singleThread(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return new WriteExecutor() {
            @Override
            public void execute(Runnable write) {
                executor.execute(write);
            }

            @Override
            public void schedule(Runnable write, Duration delay) {
                executor.schedule(write, delay.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                executor.shutdownNow();
                try {
                    // A write in progress ends at its interrupt or, at worst, at the request time-out; the task
                    // does not wait for that: the points are in the last checkpoint.
                    executor.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** Thrown by a closed executor; the writer ignores it once it is closing. */
    static boolean isRejection(RuntimeException e) {
        return e instanceof RejectedExecutionException;
    }
}
