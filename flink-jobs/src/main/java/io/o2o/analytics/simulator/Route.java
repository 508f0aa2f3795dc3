package io.o2o.analytics.simulator;

import java.util.ArrayList;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * A walk planned in space but not yet in time: waypoints at a walking speed, with a share of a stay budget
 * spent at some of them. Planning the shape first lets a journey measure how long its walking takes before it
 * decides when to start and how long to stay, so that everything fits in the simulated window.
 *
 * @param points the waypoints, starting point first
 * @param stayShares per waypoint, the share of the stay budget spent there on arrival; they add up to 1 or
 *     are all 0
 * @param speedMps walking speed in metres per second
 */
record Route(List<Coordinate> points, List<Double> stayShares, double speedMps) {
    private static final GeometryFactory METRIC = new GeometryFactory();

    Route {
        points = List.copyOf(points);
        stayShares = List.copyOf(stayShares);
        if (points.size() != stayShares.size() || points.isEmpty()) {
            throw new IllegalArgumentException("a route needs one stay share per waypoint");
        }
    }

    /** Walking time from waypoint {@code from} to waypoint {@code to}, rounded per leg as the trajectory rounds it. */
    long walkingMillis(int from, int to) {
        long total = 0;
        for (int i = from; i < to; i++) {
            total += Trajectory.walkingMillis(points.get(i), points.get(i + 1), speedMps);
        }
        return total;
    }

    long walkingMillis() {
        return walkingMillis(0, points.size() - 1);
    }

    /** The stays, in waypoint order: the last takes the rounding remainder, so they add up to the budget exactly. */
    Trajectory build(long startMillis, long stayBudgetMillis) {
        int lastStay = -1;
        for (int i = 0; i < stayShares.size(); i++) {
            if (stayShares.get(i) > 0) {
                lastStay = i;
            }
        }
        Trajectory.Builder builder = Trajectory.startingAt(points.get(0), startMillis);
        long spent = 0;
        for (int i = 0; i < points.size(); i++) {
            if (i > 0) {
                builder.walkTo(points.get(i), speedMps);
            }
            if (stayShares.get(i) > 0) {
                long stay = i == lastStay ? stayBudgetMillis - spent : Math.round(stayShares.get(i) * stayBudgetMillis);
                builder.stay(stay);
                spent += stay;
            }
        }
        return builder.build();
    }

    /** The path without timing, for checking it against every store before committing to it. */
    Geometry path() {
        List<Coordinate> distinct = new ArrayList<>();
        for (Coordinate c : points) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals2D(c)) {
                distinct.add(c);
            }
        }
        return distinct.size() == 1
                ? METRIC.createPoint(distinct.get(0))
                : METRIC.createLineString(distinct.toArray(Coordinate[]::new));
    }
}
