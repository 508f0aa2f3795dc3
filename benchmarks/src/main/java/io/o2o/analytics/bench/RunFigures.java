package io.o2o.analytics.bench;

/**
 * What one run of one pipeline measured.
 *
 * @param records input records the pipeline counted
 * @param wallNanos from submission to the job's result (the cluster was already running)
 * @param cpuNanos CPU time of this whole process over the same span: the MiniCluster's task, network,
 *     checkpoint and RocksDB threads, the Kafka clients and garbage collection (the broker is another process)
 */
public record RunFigures(String pipeline, int round, long records, long wallNanos, long cpuNanos,
        CheckpointFigures checkpoints) {

    public double wallSeconds() {
        return wallNanos / 1e9;
    }

    public double cpuSeconds() {
        return cpuNanos / 1e9;
    }

    public double recordsPerSecond() {
        return wallNanos <= 0 ? 0 : records / wallSeconds();
    }

    /** Records per CPU-second: throughput per core, the figure that does not depend on how many cores helped. */
    public double recordsPerCpuSecond() {
        return cpuNanos <= 0 ? 0 : records / cpuSeconds();
    }

    /** How many cores the run kept busy on average. */
    public double coresBusy() {
        return wallNanos <= 0 ? 0 : (double) cpuNanos / wallNanos;
    }
}
