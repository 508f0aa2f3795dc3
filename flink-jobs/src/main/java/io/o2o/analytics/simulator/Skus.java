package io.o2o.analytics.simulator;

import java.util.Locale;
import java.util.SplittableRandom;

/** The retailer's product range: SKU codes with fixed prices, so a SKU costs the same in every basket. */
final class Skus {
    private static final int COUNT = 300;
    private static final int FIRST = 10001;

    private Skus() {}

    static String pick(SplittableRandom random) {
        return code(random.nextInt(COUNT));
    }

    static String code(int index) {
        return String.format(Locale.ROOT, "sku-%05d", FIRST + index);
    }

    /** Prices from 19 to 1,498 yuan, ending in .00 or .90 as shelf prices do. */
    static double price(String sku) {
        int index = Integer.parseInt(sku.substring(4)) - FIRST;
        int yuan = 19 + (index * 7919) % 1480;
        return index % 3 == 0 ? yuan : yuan + 0.9;
    }
}
