package io.o2o.analytics.simulator;

/** A closed span of simulated time, in epoch milliseconds. */
record Interval(long from, long to) {

    Interval {
        if (to < from) {
            throw new IllegalArgumentException("interval ends before it starts: " + from + " > " + to);
        }
    }

    boolean contains(long t) {
        return t >= from && t <= to;
    }

    long length() {
        return to - from;
    }
}
