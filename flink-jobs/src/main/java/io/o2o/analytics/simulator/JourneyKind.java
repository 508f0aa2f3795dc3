package io.o2o.analytics.simulator;

/** The journeys a simulated customer can follow; the order is the order of the shares in {@link JourneyMix}. */
enum JourneyKind {
    STORE_VISITOR,
    O2O_VISITOR,
    PASSER_BY,
    WALK_THROUGH,
    ONLINE_ONLY;

    /** Online shoppers always have the app (or a mini-program login), so they always have a user id. */
    boolean engagesOnline() {
        return this == O2O_VISITOR || this == ONLINE_ONLY;
    }
}
