package io.o2o.analytics.simulator;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything that decides a simulation's output: the same settings (and fences) always give byte-identical
 * records and truth.
 *
 * @param seed the root of every random draw
 * @param customers how many customers to simulate; each follows one journey
 * @param start the first instant of the simulated window
 * @param duration the window's length; every journey starts and ends inside it
 * @param pingInterval the mean time between two location pings of a moving or visiting phone (each gap is
 *     jittered by up to 30 % either way)
 * @param badRecordRate the share of all records that are deliberately broken
 * @param mix the share of each journey
 * @param staffPerStore how many employees work in each store with opening hours, every day of the window
 *     (docs/simulator.md, "Staff"); 0 leaves the stores to the customers
 */
public record SimulationSettings(
        long seed,
        int customers,
        Instant start,
        Duration duration,
        Duration pingInterval,
        double badRecordRate,
        JourneyMix mix,
        int staffPerStore)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_CUSTOMERS = 2000;
    /** A Saturday, 10:00 in Shanghai: shops are open and filling up. */
    public static final Instant DEFAULT_START = Instant.parse("2026-03-07T02:00:00Z");
    public static final Duration DEFAULT_DURATION = Duration.ofHours(2);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final double DEFAULT_BAD_RECORD_RATE = 0.002;

    /**
     * The shortest window that holds an O2O journey at its shortest: a login, 10 minutes of lead, the walk
     * in, a 6-minute visit and the walk away, with room to spare.
     */
    public static final Duration MIN_DURATION = Duration.ofMinutes(45);
    /** Two weeks: room for a staff learning period of 7 days and a week of verdicts after it. */
    public static final Duration MAX_DURATION = Duration.ofDays(14);
    public static final int MAX_STAFF_PER_STORE = 50;
    public static final Duration MIN_PING_INTERVAL = Duration.ofSeconds(1);
    public static final Duration MAX_PING_INTERVAL = Duration.ofMinutes(5);
    public static final int MAX_CUSTOMERS = 1_000_000;
    public static final double MAX_BAD_RECORD_RATE = 0.5;

    public SimulationSettings {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(mix, "mix");
        if (customers < 0 || customers > MAX_CUSTOMERS) {
            // Ids are six digits wide (u-000123): more customers would break their format.
            throw new IllegalArgumentException(
                    "customers must be between 0 and " + MAX_CUSTOMERS + ", was " + customers);
        }
        if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(
                    "duration must be between " + MIN_DURATION + " and " + MAX_DURATION + ", was " + duration);
        }
        if (pingInterval.compareTo(MIN_PING_INTERVAL) < 0 || pingInterval.compareTo(MAX_PING_INTERVAL) > 0) {
            throw new IllegalArgumentException("pingInterval must be between " + MIN_PING_INTERVAL + " and "
                    + MAX_PING_INTERVAL + ", was " + pingInterval);
        }
        if (!(badRecordRate >= 0 && badRecordRate <= MAX_BAD_RECORD_RATE)) {
            throw new IllegalArgumentException(
                    "badRecordRate must be between 0 and " + MAX_BAD_RECORD_RATE + ", was " + badRecordRate);
        }
        if (staffPerStore < 0 || staffPerStore > MAX_STAFF_PER_STORE) {
            throw new IllegalArgumentException(
                    "staffPerStore must be between 0 and " + MAX_STAFF_PER_STORE + ", was " + staffPerStore);
        }
        if (start.toEpochMilli() % 1000 != 0) {
            // Door counters report whole minutes from the start; a ragged start would split the first one.
            throw new IllegalArgumentException("start must be a whole second, was " + start);
        }
    }

    public static SimulationSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .seed(seed)
                .customers(customers)
                .start(start)
                .duration(duration)
                .pingInterval(pingInterval)
                .badRecordRate(badRecordRate)
                .mix(mix)
                .staffPerStore(staffPerStore);
    }

    public SimulationSettings withSeed(long newSeed) {
        return toBuilder().seed(newSeed).build();
    }

    public SimulationSettings withCustomers(int newCustomers) {
        return toBuilder().customers(newCustomers).build();
    }

    public SimulationSettings withDuration(Duration newDuration) {
        return toBuilder().duration(newDuration).build();
    }

    public SimulationSettings withBadRecordRate(double newRate) {
        return toBuilder().badRecordRate(newRate).build();
    }

    public long startMillis() {
        return start.toEpochMilli();
    }

    public long endMillis() {
        return start.toEpochMilli() + duration.toMillis();
    }

    /** Collects settings, starting from the defaults; {@link #build()} validates them. */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private int customers = DEFAULT_CUSTOMERS;
        private Instant start = DEFAULT_START;
        private Duration duration = DEFAULT_DURATION;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private double badRecordRate = DEFAULT_BAD_RECORD_RATE;
        private JourneyMix mix = JourneyMix.defaults();
        private int staffPerStore;

        private Builder() {}

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder customers(int value) {
            this.customers = value;
            return this;
        }

        public Builder start(Instant value) {
            this.start = value;
            return this;
        }

        public Builder duration(Duration value) {
            this.duration = value;
            return this;
        }

        public Builder pingInterval(Duration value) {
            this.pingInterval = value;
            return this;
        }

        public Builder badRecordRate(double value) {
            this.badRecordRate = value;
            return this;
        }

        public Builder mix(JourneyMix value) {
            this.mix = value;
            return this;
        }

        public Builder staffPerStore(int value) {
            this.staffPerStore = value;
            return this;
        }

        public SimulationSettings build() {
            return new SimulationSettings(
                    seed, customers, start, duration, pingInterval, badRecordRate, mix, staffPerStore);
        }
    }
}
