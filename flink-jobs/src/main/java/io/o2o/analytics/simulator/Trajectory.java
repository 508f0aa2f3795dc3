package io.o2o.analytics.simulator;

import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;

/**
 * Where a customer truly is at every moment of a walk: straight legs at walking speed and stays in place,
 * in the simulator's city frame (metres). The truth (entries, visits, pass-bys) is computed exactly from
 * it, and the phone's pings are it plus noise.
 */
final class Trajectory {
    /** A straight move from (x0, y0) at t0 to (x1, y1) at t1, or a stay when both ends are the same point. */
    record Leg(double x0, double y0, double x1, double y1, long t0, long t1) {

        boolean stay() {
            return x0 == x1 && y0 == y1;
        }

        Coordinate at(long t) {
            if (t1 == t0) {
                return new Coordinate(x1, y1);
            }
            double f = (double) (t - t0) / (t1 - t0);
            return new Coordinate(x0 + f * (x1 - x0), y0 + f * (y1 - y0));
        }
    }

    private final List<Leg> legs;

    private Trajectory(List<Leg> legs) {
        if (legs.isEmpty()) {
            throw new IllegalArgumentException("a trajectory needs at least one leg");
        }
        this.legs = List.copyOf(legs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Trajectory other && other.legs.equals(legs);
    }

    @Override
    public int hashCode() {
        return legs.hashCode();
    }

    @Override
    public String toString() {
        return "Trajectory[" + legs.size() + " legs, " + start() + ".." + end() + "]";
    }

    static Builder startingAt(Coordinate start, long t) {
        return new Builder(start, t);
    }

    long start() {
        return legs.get(0).t0();
    }

    long end() {
        return legs.get(legs.size() - 1).t1();
    }

    Coordinate at(long t) {
        for (Leg leg : legs) {
            if (t <= leg.t1()) {
                return leg.at(Math.max(t, leg.t0()));
            }
        }
        Leg last = legs.get(legs.size() - 1);
        return new Coordinate(last.x1(), last.y1());
    }

    Envelope envelope() {
        Envelope envelope = new Envelope();
        for (Leg leg : legs) {
            envelope.expandToInclude(leg.x0(), leg.y0());
            envelope.expandToInclude(leg.x1(), leg.y1());
        }
        return envelope;
    }

    /**
     * The spans of time during which the customer is inside {@code area} (boundary included), merged where they
     * touch. A path that only grazes the area at a single point gives no span: nobody can be counted through a
     * wall's corner.
     */
    List<Interval> within(ClipArea area) {
        List<Interval> spans = new ArrayList<>();
        for (Leg leg : legs) {
            Coordinate from = new Coordinate(leg.x0(), leg.y0());
            if (leg.stay()) {
                if (area.covers(from)) {
                    add(spans, leg.t0(), leg.t1());
                }
                continue;
            }
            long duration = leg.t1() - leg.t0();
            for (double[] piece : area.inside(from, new Coordinate(leg.x1(), leg.y1()))) {
                add(spans, leg.t0() + Math.round(piece[0] * duration), leg.t0() + Math.round(piece[1] * duration));
            }
        }
        List<Interval> merged = new ArrayList<>();
        for (Interval span : spans) {
            Interval last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            // Legs meet end to end, so the spans of one stay inside touch within rounding.
            if (last != null && span.from() <= last.to() + 1) {
                merged.set(merged.size() - 1, new Interval(last.from(), Math.max(last.to(), span.to())));
            } else {
                merged.add(span);
            }
        }
        return merged;
    }

    /** How long a walk from a to b takes, rounded to the millisecond the same way everywhere. */
    static long walkingMillis(Coordinate a, Coordinate b, double speedMps) {
        return Math.round(a.distance(b) / speedMps * 1000);
    }

    private static void add(List<Interval> spans, long from, long to) {
        if (to > from) {
            spans.add(new Interval(from, to));
        }
    }

    /** Builds a trajectory leg by leg from a starting point and time. */
    static final class Builder {
        private final List<Leg> legs = new ArrayList<>();
        private Coordinate position;
        private long time;

        private Builder(Coordinate start, long t) {
            this.position = start;
            this.time = t;
        }

        /** Walks straight to {@code target} at {@code speedMps}. */
        Builder walkTo(Coordinate target, double speedMps) {
            long duration = walkingMillis(position, target, speedMps);
            legs.add(new Leg(position.x, position.y, target.x, target.y, time, time + duration));
            position = target;
            time += duration;
            return this;
        }

        /** Stays put for {@code millis}. */
        Builder stay(long millis) {
            if (millis > 0) {
                legs.add(new Leg(position.x, position.y, position.x, position.y, time, time + millis));
                time += millis;
            }
            return this;
        }

        long time() {
            return time;
        }

        Trajectory build() {
            if (legs.isEmpty()) {
                stay(1);
            }
            return new Trajectory(legs);
        }
    }
}
