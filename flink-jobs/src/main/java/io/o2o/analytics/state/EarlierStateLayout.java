package io.o2o.analytics.state;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Refuses a savepoint whose state a function keeps in another layout since (docs/operations.md, "State layout
 * changes"). Flink carries a restored state that no function asks for along unused, so a savepoint of an earlier
 * layout would otherwise restore without a word and every key would start afresh (open visits lost, opt-outs
 * forgotten). Asking for one of the earlier layout's states as a value of another type makes Flink refuse it at
 * restore, and the message says what to do; on a fresh start it costs one state that stays empty.
 */
public final class EarlierStateLayout {
    private EarlierStateLayout() {}

    /**
     * @param earlierState the name of a state of the earlier layout, which held anything but a single boolean
     * @param what what the earlier layout held, for the message ("the offer engine's state ...")
     */
    public static void refuse(RuntimeContext context, String earlierState, String what) {
        try {
            context.getState(new ValueStateDescriptor<>(earlierState, Types.BOOLEAN));
        } catch (RuntimeException e) {
            throw new IllegalStateException("The savepoint holds " + what + " of an earlier version, which does not "
                    + "restore into this one: finish the old job with 'flink stop --drain' and start this one without "
                    + "a savepoint (docs/operations.md, \"State layout changes\")", e);
        }
    }
}
