package io.o2o.analytics.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster the pipeline tests run on: one TaskManager with as many slots as the widest job needs. */
public final class TestClusters {
    private TestClusters() {}

    public static MiniClusterExtension withSlots(int slots) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(noGenericTypes())
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }

    /**
     * {@code pipeline.generic-types: false}: a record or state type that would fall back to Kryo fails the test.
     * The job's own configuration ({@code JobSetup.flinkConfiguration()}) sets it too; the cluster's configuration
     * does not reach a test's environment, so a test that builds its environment itself passes this to it.
     */
    public static Configuration noGenericTypes() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        return config;
    }

    /** The test's environment on the MiniCluster, refusing Kryo. */
    public static StreamExecutionEnvironment environment() {
        return StreamExecutionEnvironment.getExecutionEnvironment(noGenericTypes());
    }
}
