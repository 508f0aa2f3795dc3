package io.o2o.analytics.sink.influx;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Records every batch it accepts; fails the next calls with scripted exceptions first. Used by one thread. */
final class FakeTransport implements PointTransport {

    final List<List<String>> batches = new ArrayList<>();
    final Deque<Exception> failures = new ArrayDeque<>();
    int attempts;
    boolean closed;

    FakeTransport failNext(IOException... next) {
        failures.addAll(List.of(next));
        return this;
    }

    /** A failure the transport's contract does not foresee. */
    FakeTransport throwNext(RuntimeException next) {
        failures.add(next);
        return this;
    }

    @Override
    public void write(List<String> lines) throws IOException {
        attempts++;
        if (!failures.isEmpty()) {
            Exception failure = failures.poll();
            if (failure instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) failure;
        }
        batches.add(List.copyOf(lines));
    }

    List<String> allLines() {
        List<String> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }

    @Override
    public void close() {
        closed = true;
    }
}
