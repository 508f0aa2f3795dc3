package io.o2o.analytics.bench;

import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStatsSummarySnapshot;

/**
 * The checkpoints of one run, as the JobManager's checkpoint statistics summarise them over every completed
 * checkpoint of the job (not only the last few that the history keeps).
 *
 * @param maxFullBytes the largest checkpoint's full state size: with incremental RocksDB checkpoints, every
 *     file the checkpoint refers to, shared ones included; what a restore reads
 * @param maxIncrementalBytes the most any one checkpoint uploaded (equal to the full size without incremental
 *     checkpoints)
 * @param maxDurationMillis the longest end-to-end duration, trigger to last acknowledgement
 */
public record CheckpointFigures(long completed, long failed, long maxFullBytes, long maxIncrementalBytes,
        long maxDurationMillis) {

    public static final CheckpointFigures NONE = new CheckpointFigures(0, 0, 0, 0, 0);

    public static CheckpointFigures of(CheckpointStatsSnapshot stats) {
        if (stats == null || stats.getCounts().getNumberOfCompletedCheckpoints() == 0) {
            return stats == null ? NONE
                    : new CheckpointFigures(0, stats.getCounts().getNumberOfFailedCheckpoints(), 0, 0, 0);
        }
        CompletedCheckpointStatsSummarySnapshot summary = stats.getSummaryStats();
        return new CheckpointFigures(
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                stats.getCounts().getNumberOfFailedCheckpoints(),
                summary.getStateSizeStats().getMaximum(),
                summary.getCheckpointedSize().getMaximum(),
                summary.getEndToEndDurationStats().getMaximum());
    }

    /** Bytes of the largest full checkpoint per device; 0 when there are no devices or no checkpoint. */
    public double bytesPer(long devices) {
        return devices <= 0 ? 0 : (double) maxFullBytes / devices;
    }
}
