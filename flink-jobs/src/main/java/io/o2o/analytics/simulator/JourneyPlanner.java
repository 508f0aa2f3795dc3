package io.o2o.analytics.simulator;

import io.o2o.analytics.simulator.CityMap.StoreSite;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;

/**
 * Plans where customers walk: to a store's door and inside to a few stopping points, in and straight out
 * again, or past a store at a chosen distance.
 *
 * <p>The truth is computed exactly from whatever path is chosen, but some paths would make it ambiguous for
 * an engine that only sees noisy fixes: a path that grazes another store's near-buffer edge, passes within a
 * few metres of its wall, or crosses its buffer twice. The planner tries several directions and keeps the
 * first path free of such near-misses (or the one with the fewest), so that the truth is also what a careful
 * engine can reasonably find.
 */
final class JourneyPlanner {
    static final double MIN_SPEED_MPS = 1.2;
    static final double MAX_SPEED_MPS = 1.5;
    /** How far from the store a walk starts and ends, unless the near-buffer is wider. */
    private static final double APPROACH_M = 300;
    /** A walk starts and ends this far outside the target's near-buffer, so the approach is seen whole. */
    private static final double BEYOND_BUFFER_M = 100;
    /** Closer than this to another store's wall, a fix with ordinary GPS noise can land inside it. */
    private static final double WALL_CLEARANCE_M = 15;
    /** Within this of a near-buffer's edge, noise decides whether a fix counts as near. */
    private static final double BUFFER_EDGE_MARGIN_M = 10;
    private static final double MIN_PASS_DISTANCE_M = 5;
    private static final double MAX_PASS_SHARE_OF_BUFFER = 0.8;
    /** Where a walk to the door turns in: just outside it, in the middle of a mall corridor. */
    private static final double DOORSTEP_M = 2;
    /** Walks straight out of the door keep within this angle of the wall's normal. */
    private static final double MAX_OUTWARD_ANGLE_RAD = Math.toRadians(70);
    /** Walks along the shop fronts keep this close to parallel, to stay inside a corridor a few metres wide. */
    private static final double MAX_ALONG_WALL_ANGLE_RAD = Math.toRadians(1);
    /** Once clear of the shop fronts, a walk may turn this far off its first heading. */
    private static final double MAX_TURN_RAD = Math.toRadians(45);
    private static final double ALONG_WALL_SHARE = 0.5;
    private static final double CLEARING_STEP_M = 5;
    private static final double MAX_CLEARING_M = 200;
    private static final double STOP_IN_ZONE_SHARE = 0.7;
    private static final int MAX_STOPS = 3;
    private static final int ROUTE_ATTEMPTS = 30;
    private static final int WAY_OUT_ATTEMPTS = 20;
    /** Crossings shorter than this are touches of the door's wall, not walks through a store. */
    private static final double CUT_TOLERANCE_M = 0.01;
    private static final int PASS_STORE_ATTEMPTS = 5;
    private static final int POINT_ATTEMPTS = 100;
    private static final int TURN_ATTEMPTS = 10;

    private static final int SERIOUS = 1000;
    private static final int AMBIGUOUS = 10;

    private final CityMap city;
    private final double[] cumulativeCapacity;

    JourneyPlanner(CityMap city) {
        this.city = city;
        List<StoreSite> sites = city.sites();
        this.cumulativeCapacity = new double[sites.size()];
        // A store of unknown capacity draws as many as the average store whose capacity is known.
        double known = sites.stream().filter(s -> s.store().hasCapacity())
                .mapToInt(s -> Math.max(1, s.store().capacity())).average().orElse(1);
        double total = 0;
        for (int i = 0; i < sites.size(); i++) {
            total += sites.get(i).store().hasCapacity() ? Math.max(1, sites.get(i).store().capacity()) : known;
            cumulativeCapacity[i] = total;
        }
    }

    /** A visit or walk-through: approach to the door, a walk inside, and a walk away. */
    record StoreRoute(StoreSite site, Route route, int doorIn, int doorOut) {

        long approachMillis() {
            return route.walkingMillis(0, doorIn);
        }

        long insideWalkingMillis() {
            return route.walkingMillis(doorIn, doorOut);
        }

        long leaveMillis() {
            return route.walkingMillis(doorOut, route.points().size() - 1);
        }
    }

    /**
     * Bigger stores draw more people: a store is picked with probability proportional to its capacity (the
     * average known capacity for a store whose fence file gives none).
     */
    StoreSite pickStore(SplittableRandom random) {
        double u = random.nextDouble() * cumulativeCapacity[cumulativeCapacity.length - 1];
        for (int i = 0; i < cumulativeCapacity.length; i++) {
            if (u < cumulativeCapacity[i]) {
                return city.sites().get(i);
            }
        }
        return city.sites().get(city.sites().size() - 1);
    }

    static double walkingSpeed(SplittableRandom random) {
        return RandomStreams.uniform(random, MIN_SPEED_MPS, MAX_SPEED_MPS);
    }

    /** In at the door, to 1 to 3 stopping points deep inside, back out at the door. */
    StoreRoute visitRoute(StoreSite site, SplittableRandom random, double speed) {
        List<Coordinate> inside = new ArrayList<>(List.of(site.door(), site.lobby()));
        List<Double> weights = new ArrayList<>(List.of(0.0, 0.0));
        Coordinate current = site.lobby();
        int stops = 1 + random.nextInt(MAX_STOPS);
        for (int i = 0; i < stops; i++) {
            Coordinate stop = stopPoint(site, random);
            if (!site.coversSegment(current, stop)) {
                // Around a corner of an L-shaped store: go back by the lobby, from where the stop is in sight.
                if (!site.coversSegment(site.lobby(), stop)) {
                    continue;
                }
                inside.add(site.lobby());
                weights.add(0.0);
            }
            inside.add(stop);
            weights.add(RandomStreams.uniform(random, 0.3, 1.0));
            current = stop;
        }
        if (weights.stream().allMatch(w -> w == 0)) {
            // No stop could be reached in a straight line: browse around the lobby instead.
            weights.set(1, 1.0);
        }
        // Back to the lobby, retracing the way in until the lobby is in sight (around a courtyard, say).
        int retrace = inside.size() - 1;
        while (!site.coversSegment(current, site.lobby())) {
            current = inside.get(--retrace);
            inside.add(current);
            weights.add(0.0);
        }
        if (!current.equals2D(site.lobby())) {
            inside.add(site.lobby());
            weights.add(0.0);
        }
        inside.add(site.door());
        weights.add(0.0);
        normalise(weights);
        return routeThroughDoor(site, inside, weights, random, speed);
    }

    /** In at the door, a few steps inside, a look around, and straight back out. */
    StoreRoute walkThroughRoute(StoreSite site, SplittableRandom random, double speed) {
        Coordinate inward = new Coordinate(-site.outward().x, -site.outward().y);
        Coordinate turn = site.lobby();
        for (int i = 0; i < TURN_ATTEMPTS; i++) {
            double angle = RandomStreams.uniform(random, -0.5, 0.5);
            double depth = RandomStreams.uniform(random, 3, 8);
            Coordinate candidate = offset(site.door(), rotate(inward, angle), depth);
            if (site.coversSegment(site.door(), candidate)) {
                turn = candidate;
                break;
            }
        }
        List<Coordinate> inside = List.of(site.door(), turn, site.door());
        return routeThroughDoor(site, inside, List.of(0.0, 1.0, 0.0), random, speed);
    }

    /**
     * A straight walk past the store whose closest approach to the footprint is between 5 m and 0.8 times its
     * near-buffer, never inside it or any other store.
     */
    Route passRoute(StoreSite target, SplittableRandom random, double speed) {
        Route best = null;
        int bestPenalty = Integer.MAX_VALUE;
        StoreSite site = target;
        for (int storeAttempt = 0; storeAttempt < PASS_STORE_ATTEMPTS && bestPenalty >= SERIOUS; storeAttempt++) {
            if (storeAttempt > 0) {
                // Some stores sit so tightly among others that no straight line passes them cleanly.
                site = pickStore(random);
            }
            for (int attempt = 0; attempt < ROUTE_ATTEMPTS && bestPenalty > 0; attempt++) {
                Route candidate = passCandidate(site, random, speed);
                int penalty = passPenalty(candidate, site);
                if (penalty < bestPenalty) {
                    best = candidate;
                    bestPenalty = penalty;
                }
            }
        }
        return best;
    }

    private Route passCandidate(StoreSite site, SplittableRandom random, double speed) {
        double buffer = site.nearBufferM();
        double maxPass = MAX_PASS_SHARE_OF_BUFFER * buffer;
        double distance = RandomStreams.uniform(random, Math.min(MIN_PASS_DISTANCE_M, maxPass), maxPass);
        double heading = RandomStreams.uniform(random, 0, 2 * StrictMath.PI);
        Coordinate along = new Coordinate(StrictMath.cos(heading), StrictMath.sin(heading));
        Coordinate across = new Coordinate(-along.y, along.x);
        // The footprint's outermost vertex across the line: a line that far out plus `distance` passes the
        // footprint at exactly `distance`.
        Coordinate outermost = null;
        double reach = Double.NEGATIVE_INFINITY;
        for (Coordinate vertex : site.footprint().geometry().getCoordinates()) {
            double d = vertex.x * across.x + vertex.y * across.y;
            if (d > reach) {
                reach = d;
                outermost = vertex;
            }
        }
        Coordinate closest = offset(outermost, across, distance);
        double before = approachDistance(site, random);
        double after = approachDistance(site, random);
        Coordinate start = offset(closest, along, -before);
        Coordinate end = offset(closest, along, after);
        return new Route(List.of(start, closest, end), List.of(0.0, 0.0, 0.0), speed);
    }

    private StoreRoute routeThroughDoor(
            StoreSite site, List<Coordinate> inside, List<Double> insideWeights, SplittableRandom random, double speed) {
        StoreRoute best = null;
        int bestPenalty = Integer.MAX_VALUE;
        for (int attempt = 0; attempt < ROUTE_ATTEMPTS && bestPenalty > 0; attempt++) {
            List<Coordinate> approach = new ArrayList<>(wayOut(site, random));
            Collections.reverse(approach);
            List<Coordinate> leave = wayOut(site, random);
            List<Coordinate> points = new ArrayList<>(approach);
            points.addAll(inside);
            points.addAll(leave);
            List<Double> weights = new ArrayList<>(Collections.nCopies(approach.size(), 0.0));
            weights.addAll(insideWeights);
            weights.addAll(Collections.nCopies(leave.size(), 0.0));
            int doorIn = approach.size();
            int doorOut = doorIn + inside.size() - 1;
            StoreRoute candidate = new StoreRoute(site, new Route(points, weights, speed), doorIn, doorOut);
            int penalty = doorPenalty(candidate, approach, leave);
            if (penalty < bestPenalty) {
                best = candidate;
                bestPenalty = penalty;
            }
        }
        return best;
    }

    /**
     * A way from the door out to about 300 m away that enters no store: a step out of the door, then either
     * straight away from the store or along the shop fronts (down a mall's corridor) until clear of the other
     * stores, then on.
     *
     * @return the doorstep, the point where the walk clears the shop fronts (if it is not the doorstep), and
     *     the far end
     */
    private List<Coordinate> wayOut(StoreSite site, SplittableRandom random) {
        Coordinate doorstep = offset(site.door(), site.outward(), DOORSTEP_M);
        List<Coordinate> fallback = null;
        for (int attempt = 0; attempt < WAY_OUT_ATTEMPTS; attempt++) {
            Coordinate heading;
            if (RandomStreams.chance(random, ALONG_WALL_SHARE)) {
                double side = random.nextBoolean() ? 1 : -1;
                Coordinate along = new Coordinate(-side * site.outward().y, side * site.outward().x);
                heading = rotate(along, RandomStreams.uniform(random, -MAX_ALONG_WALL_ANGLE_RAD, MAX_ALONG_WALL_ANGLE_RAD));
            } else {
                heading = rotate(site.outward(), RandomStreams.uniform(random, -MAX_OUTWARD_ANGLE_RAD, MAX_OUTWARD_ANGLE_RAD));
            }
            Coordinate onward = rotate(heading, RandomStreams.uniform(random, -MAX_TURN_RAD, MAX_TURN_RAD));
            double distance = approachDistance(site, random);
            Coordinate clear = clearing(site, doorstep, heading);
            if (clear == null) {
                continue;
            }
            Coordinate far = offset(clear, onward, distance);
            List<Coordinate> way = clear.equals2D(doorstep) ? List.of(doorstep, far) : List.of(doorstep, clear, far);
            if (!entersAnyStore(clear, far)) {
                return way;
            }
            if (fallback == null) {
                fallback = way;
            }
        }
        return fallback != null ? fallback : List.of(doorstep, offset(doorstep, site.outward(), APPROACH_M));
    }

    /**
     * The first point along {@code heading} from the doorstep that is clear of every other store's walls, or
     * null if the heading runs into a store first (or never clears).
     */
    private Coordinate clearing(StoreSite site, Coordinate doorstep, Coordinate heading) {
        for (double d = 0; d <= MAX_CLEARING_M; d += CLEARING_STEP_M) {
            Coordinate point = offset(doorstep, heading, d);
            if (d > 0 && entersAnyStore(doorstep, point)) {
                return null;
            }
            if (clearOfOthers(point, site)) {
                return point;
            }
        }
        return null;
    }

    private boolean entersAnyStore(Coordinate a, Coordinate b) {
        for (StoreSite other : city.sites()) {
            if (other.footprint().lengthInside(a, b) > CUT_TOLERANCE_M) {
                return true;
            }
        }
        return false;
    }

    private boolean clearOfOthers(Coordinate c, StoreSite target) {
        for (StoreSite other : city.sites()) {
            if (other == target || other.footprint().envelope().distance(new Envelope(c)) >= WALL_CLEARANCE_M) {
                continue;
            }
            if (other.footprint().geometry().distance(CityMap.point(c)) < WALL_CLEARANCE_M) {
                return false;
            }
        }
        return true;
    }

    private int doorPenalty(StoreRoute candidate, List<Coordinate> approach, List<Coordinate> leave) {
        StoreSite site = candidate.site();
        int penalty = 0;
        for (List<Coordinate> outside : List.of(approach, leave)) {
            double cutThrough = 0;
            for (int i = 0; i + 1 < outside.size(); i++) {
                cutThrough += site.footprint().lengthInside(outside.get(i), outside.get(i + 1));
            }
            if (cutThrough > CUT_TOLERANCE_M) {
                penalty += SERIOUS; // it would cut through the store before reaching the door
            }
            if (site.near().runs(outside) > 1) {
                penalty += AMBIGUOUS;
            }
        }
        penalty += endsPenalty(site, approach.get(0), leave.get(leave.size() - 1));
        return penalty + othersPenalty(candidate.route(), site);
    }

    private int passPenalty(Route candidate, StoreSite site) {
        List<Coordinate> points = candidate.points();
        int penalty = site.footprint().geometry().distance(candidate.path()) <= 0 ? SERIOUS : 0;
        if (site.near().runs(points) > 1) {
            penalty += AMBIGUOUS;
        }
        penalty += endsPenalty(site, points.get(0), points.get(points.size() - 1));
        return penalty + othersPenalty(candidate, site);
    }

    /** A walk should start and end clearly outside the target's near-buffer. */
    private static int endsPenalty(StoreSite site, Coordinate start, Coordinate end) {
        double clear = site.nearBufferM() + BUFFER_EDGE_MARGIN_M;
        int penalty = 0;
        for (Coordinate c : List.of(start, end)) {
            if (site.footprint().geometry().distance(CityMap.point(c)) <= clear) {
                penalty += AMBIGUOUS;
            }
        }
        return penalty;
    }

    /** How badly a route near-misses the stores other than its target. */
    private int othersPenalty(Route route, StoreSite target) {
        Geometry path = route.path();
        Envelope pathEnvelope = path.getEnvelopeInternal();
        int penalty = 0;
        for (StoreSite other : city.sites()) {
            if (other == target) {
                continue;
            }
            Envelope reach = new Envelope(other.near().envelope());
            reach.expandBy(BUFFER_EDGE_MARGIN_M);
            if (!reach.intersects(pathEnvelope)) {
                continue;
            }
            double distance = other.footprint().geometry().distance(path);
            if (distance <= 0) {
                penalty += SERIOUS;
            } else if (distance < WALL_CLEARANCE_M) {
                penalty += AMBIGUOUS;
            }
            if (Math.abs(distance - other.nearBufferM()) < BUFFER_EDGE_MARGIN_M) {
                penalty += AMBIGUOUS;
            }
            if (distance < other.nearBufferM() && other.near().runs(route.points()) > 1) {
                penalty += AMBIGUOUS;
            }
        }
        return penalty;
    }

    private static double approachDistance(StoreSite site, SplittableRandom random) {
        double base = Math.max(APPROACH_M, site.nearBufferM() + BEYOND_BUFFER_M);
        return base * RandomStreams.uniform(random, 0.85, 1.15);
    }

    /** Mostly in an aisle, display, fitting room or at the tills, otherwise anywhere deep inside. */
    private static Coordinate stopPoint(StoreSite site, SplittableRandom random) {
        Geometry area = !site.stopAreas().isEmpty() && RandomStreams.chance(random, STOP_IN_ZONE_SHARE)
                ? RandomStreams.pick(random, site.stopAreas())
                : site.deep().geometry();
        return pointIn(area, random);
    }

    /** A uniform point of {@code area}, by rejection from its bounding box. */
    static Coordinate pointIn(Geometry area, SplittableRandom random) {
        Envelope box = area.getEnvelopeInternal();
        for (int i = 0; i < POINT_ATTEMPTS; i++) {
            Coordinate c = new Coordinate(
                    RandomStreams.uniform(random, box.getMinX(), box.getMaxX()),
                    RandomStreams.uniform(random, box.getMinY(), box.getMaxY()));
            if (area.covers(CityMap.point(c))) {
                return c;
            }
        }
        return area.getInteriorPoint().getCoordinate();
    }

    private static void normalise(List<Double> weights) {
        double sum = weights.stream().mapToDouble(Double::doubleValue).sum();
        weights.replaceAll(w -> w / sum);
    }

    private static Coordinate rotate(Coordinate v, double angle) {
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        return new Coordinate(v.x * cos - v.y * sin, v.x * sin + v.y * cos);
    }

    private static Coordinate offset(Coordinate from, Coordinate direction, double metres) {
        return new Coordinate(from.x + direction.x * metres, from.y + direction.y * metres);
    }
}
