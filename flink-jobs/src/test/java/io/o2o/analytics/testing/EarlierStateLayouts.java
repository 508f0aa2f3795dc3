package io.o2o.analytics.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** For the tests that a savepoint of an earlier state layout is refused (state/EarlierStateLayout), on both backends. */
public final class EarlierStateLayouts {
    private EarlierStateLayouts() {}

    /** The backends the tests run on, by the name their parameters give: {@code hashmap} or {@code rocksdb}. */
    public static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    /** Opening the function restored from the earlier layout fails, and says what to do. */
    public static void assertRefused(ThrowingCallable open) {
        assertThatThrownBy(open).hasMessageContaining("docs/operations.md").hasMessageContaining("without a savepoint");
    }
}
