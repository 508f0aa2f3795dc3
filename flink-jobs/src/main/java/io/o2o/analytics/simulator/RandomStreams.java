package io.o2o.analytics.simulator;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Independent random streams, each addressed by the seed and a name, so that adding a customer, a store or
 * a kind of bad record never shifts the draws of another: customer 7 walks the same path whether there are
 * 100 customers or 200.
 */
final class RandomStreams {
    private static final long CUSTOMERS = 0x43555354L;
    private static final long STORES = 0x53544f52L;
    private static final long BAD_RECORDS = 0x42414452L;
    private static final long CUSTOMER_DEVICES = 0x44455643L;
    private static final long STAFF = 0x53544146L;

    private RandomStreams() {}

    static SplittableRandom forCustomer(long seed, int customerIndex) {
        return new SplittableRandom(derive(seed, CUSTOMERS, customerIndex));
    }

    /** A customer's second stream, for their second device: added later, it leaves their first stream as it was. */
    static SplittableRandom forCustomerDevices(long seed, int customerIndex) {
        return new SplittableRandom(derive(seed, CUSTOMER_DEVICES, customerIndex));
    }

    /** The {@code member}-th employee of the store at {@code storeIndex} in the catalogue. */
    static SplittableRandom forStaff(long seed, int storeIndex, int member) {
        return new SplittableRandom(derive(seed, STAFF, (long) storeIndex * MAX_STAFF_INDEX + member));
    }

    private static final long MAX_STAFF_INDEX = 1000;

    static SplittableRandom forStore(long seed, String storeId) {
        return new SplittableRandom(derive(seed, STORES, storeId.hashCode()));
    }

    static SplittableRandom forBadRecords(long seed) {
        return new SplittableRandom(derive(seed, BAD_RECORDS, 0));
    }

    /** Hashes (seed, stream, index) through SplitMix64's finaliser: neighbouring indices give unrelated seeds. */
    private static long derive(long seed, long stream, long index) {
        return mix(mix(seed ^ mix(stream)) + index * 0x9E3779B97F4A7C15L);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A draw from [min, max). */
    static double uniform(SplittableRandom random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }

    /** A duration in milliseconds drawn from [minMillis, maxMillis]. */
    static long millisBetween(SplittableRandom random, long minMillis, long maxMillis) {
        return maxMillis <= minMillis ? minMillis : random.nextLong(minMillis, maxMillis + 1);
    }

    static boolean chance(SplittableRandom random, double probability) {
        return random.nextDouble() < probability;
    }

    /**
     * A standard normal draw by Box-Muller on {@link StrictMath}, so the same seed gives the same bits on every
     * JVM and CPU ({@code nextGaussian} leaves its algorithm to the implementation).
     */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    static <T> T pick(SplittableRandom random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
