package io.o2o.analytics.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.CitySimulator;
import io.o2o.analytics.simulator.KafkaSimulatorWriter;
import io.o2o.analytics.simulator.Simulation;
import io.o2o.analytics.simulator.SimulationSettings;
import io.o2o.analytics.testing.JobMetricsProbe;
import io.o2o.analytics.testing.KafkaBrokerProcess;
import io.o2o.analytics.testing.KafkaTestBroker;
import io.o2o.analytics.testing.SimulatedTime;
import io.o2o.analytics.testing.TestHashKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker maintenance under a Kafka-sourced run of the launcher (issue #16): the job runs on the MiniCluster
 * configuration of {@code bin/o2o-analytics --source kafka} ({@link LocalLauncher#flinkConfiguration}, so with its
 * restart strategy, {@link LocalRecovery}) over an hour of a simulated city in a real broker's topics. Once it has
 * read and checkpointed all of it and written visits, the broker is stopped and stays down until the job has failed
 * and restarted more often than the launcher's old strategy allowed (fixed delay, two attempts: the third failure was
 * the end), and at least a minute. Then the broker comes back; the job must complete a checkpoint and end with
 * {@code stop --drain}, which decides everything still open through the sinks of the recovered job. Its outputs must
 * be those of a reference run over the same topics without an outage: the geo-offers (read committed) exactly, each
 * once; the at-least-once topics (visits, dead letters and the rest) every record and no other, where a record the
 * job wrote after its last checkpoint before the outage may be there again, alike, as after any restart.
 *
 * <p>The whole input is in the topics before the job starts, and the outage comes after the job has read it. Input
 * written after the outage would reach a job whose partitions have fallen idle ({@code watermark.idleness}) or whose
 * watermarks a restart has reset: it could be judged late otherwise than in the reference, and the comparison would
 * depend on timing.
 *
 * <p>The test stops a broker, so it starts one of its own ({@link KafkaBrokerProcess}): the broker the other tests
 * share keeps running. Every wait is for something to happen (records read and checkpointed, restarts), bounded by
 * generous time-outs; the input is at {@link SimulatedTime#START}, whatever the hour.
 *
 * <p>A five-minute outage is covered by the same settings: the restarts ride out at least
 * {@link LocalRecovery#minimumRideOut()} ({@code LocalRecoveryTest}), and the geo-offers' transactions outlive it
 * ({@code offers.transaction-timeout}).
 */
class BrokerOutageITCase {
    /** The launcher's old fixed-delay strategy restarted twice; a third failure failed the run for good. */
    private static final int RESTARTS_THE_OLD_STRATEGY_ALLOWED = 2;

    private static final Duration LEAST_OUTAGE = Duration.ofMinutes(1);

    /**
     * Each restart during an outage fails after the Kafka clients' one-minute time-outs, so three restarts take some
     * three to four minutes; a broker kept down this long without them is a failed test, not a longer wait.
     */
    private static final Duration LONGEST_OUTAGE = Duration.ofMinutes(8);

    /** For anything the job must get done: far more than it needs on a loaded machine. */
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private static final List<String> OUTPUTS = List.of("visits", "dead-letters", "customer-assignments",
            "o2o-conversions", "profile-updates", "geo-offers", "offer-audit");

    @TempDir
    static Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaBrokerProcess broker;
    private static KafkaTestBroker kafka;

    @BeforeAll
    static void startABrokerOfTheTestsOwn() {
        broker = KafkaBrokerProcess.create("broker-outage-kafka");
        broker.start();
        kafka = broker.client();
    }

    @AfterAll
    static void stopIt() {
        if (broker != null) {
            broker.close();
        }
    }

    /** One run of the job: its options and its output topics. */
    private record Run(String name, String group, Map<String, String> outputs, JobSetup setup) {
        static Run of(String name, Map<InputTopic, String> input, boolean bounded) {
            String unique = name + "-" + System.nanoTime();
            List<String> args = new ArrayList<>(List.of(
                    "--source", "kafka",
                    "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "--kafka.group-id", unique,
                    "--offers.transactional-id-prefix", unique,
                    "--output.dir", dir.resolve(name).toString()));
            if (bounded) {
                args.add("--bounded");
            }
            input.forEach((topic, created) -> args.addAll(List.of("--topic." + topic.defaultTopicName(), created)));
            Map<String, String> outputs = new HashMap<>();
            for (String output : OUTPUTS) {
                outputs.put(output, kafka.createTopic(name + "-" + output, 2));
                args.addAll(List.of("--topic." + output, outputs.get(output)));
            }
            JobSetup setup = JobSetup.of(TestHashKeys.withKeyFile(CommandLine.parse(args.toArray(String[]::new)),
                    "broker-outage-test-key-0123456789"), Map.of());
            return new Run(name, unique, outputs, setup);
        }

        /** Starts the job as the launcher does: its own MiniCluster, with the launcher's configuration. */
        JobClient start() throws Exception {
            Configuration flink = LocalLauncher.flinkConfiguration(setup);
            flink.addAll(JobMetricsProbe.configuration());
            JobMetricsProbe.reset();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
            setup.job().build(env);
            return env.executeAsync(LocationAnalyticsJob.JOB_NAME);
        }

        List<String> read(String output) {
            return kafka.consumeToEnd(outputs.get(output), PATIENCE);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void aKafkaRunOfTheLauncherRidesOutABrokerOutageWithNothingLostAndNoOfferSentTwice() throws Exception {
        Map<InputTopic, String> input = new EnumMap<>(InputTopic.class);
        for (InputTopic topic : InputTopic.values()) {
            input.put(topic, kafka.createTopic(topic.defaultTopicName(), 2));
        }
        Simulation simulation = new CitySimulator(JobSetup.of(CommandLine.parse(new String[0]), Map.of()).fences(),
                SimulationSettings.builder()
                        .start(SimulatedTime.START)
                        .customers(400)
                        .duration(Duration.ofHours(1))
                        .badRecordRate(0.01)
                        .build())
                .run();
        write(input, simulation.records());

        Run outage = Run.of("outage", input, false);
        JobClient job = outage.start();
        List<String> inputTopics = List.copyOf(input.values());
        awaitJob(job, "read and checkpoint the whole input",
                () -> kafka.hasConsumedEverything(outage.group(), inputTopics));
        // Once the input partitions have been silent for watermark.idleness, event time moves on and decisions flow.
        awaitJob(job, "write visits", () -> kafka.hasRecords(outage.outputs().get("visits")));

        long restartsBefore = JobMetricsProbe.value(JobMetricsProbe.RESTARTS);
        long down = System.nanoTime();
        broker.stop();
        while (!terminal(job) && elapsed(down).compareTo(LONGEST_OUTAGE) < 0
                && (elapsed(down).compareTo(LEAST_OUTAGE) < 0
                        || JobMetricsProbe.value(JobMetricsProbe.RESTARTS) - restartsBefore
                                <= RESTARTS_THE_OLD_STRATEGY_ALLOWED)) {
            Thread.sleep(1000);
        }
        long restartsDuringOutage = JobMetricsProbe.value(JobMetricsProbe.RESTARTS) - restartsBefore;
        boolean ended = terminal(job);
        broker.start();
        Duration outageLasted = elapsed(down);
        System.out.printf("broker outage: %d s, %d restarts of the job during it%n", outageLasted.toSeconds(),
                restartsDuringOutage);
        if (ended) {
            throw new AssertionError("the job ended during a broker outage of " + outageLasted.toSeconds() + " s, after "
                    + restartsDuringOutage + " restarts", failureOf(job));
        }
        assertThat(restartsDuringOutage)
                .as("restarts during the outage: more than the old fixed-delay strategy allowed, or the outage "
                        + "proves nothing")
                .isGreaterThan(RESTARTS_THE_OLD_STRATEGY_ALLOWED);

        long checkpointsBack = JobMetricsProbe.value(JobMetricsProbe.COMPLETED_CHECKPOINTS);
        awaitJob(job, "complete a checkpoint with the broker back",
                () -> JobMetricsProbe.value(JobMetricsProbe.COMPLETED_CHECKPOINTS) > checkpointsBack);
        // The end of the stream: every pending visit, conversion and offer is decided now, after the outage.
        job.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        // Returns once the job has finished; a failed job throws its failure here.
        job.getJobExecutionResult().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        Run reference = Run.of("reference", input, true);
        JobClient referenceJob = reference.start();
        referenceJob.getJobExecutionResult().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(JobMetricsProbe.value(JobMetricsProbe.RESTARTS)).as("restarts of the reference run").isZero();

        // Geo-offers are exactly once: each offer the reference sent, once.
        List<String> offers = reference.read("geo-offers");
        assertThat(offers).as("geo-offers of the reference run").hasSizeGreaterThan(5).doesNotHaveDuplicates();
        assertThat(outage.read("geo-offers")).as("geo-offers, read committed")
                .containsExactlyInAnyOrderElementsOf(offers);
        for (String output : OUTPUTS) {
            if (output.equals("dead-letters")) {
                assertEveryRecordAndNoOther(judgedAtArrival(outage.read(output)),
                        judgedAtArrival(reference.read(output)), output);
            } else if (!output.equals("geo-offers")) {
                assertEveryRecordAndNoOther(outage.read(output), reference.read(output), output);
            }
        }
    }

    /**
     * A re-sent fix is judged against the watermark when it arrives: late, with that watermark in the detail, or a
     * duplicate when it overtakes the original. The watermark at its arrival depends on how far the other
     * partitions had been read, in either run; what must match is that the record was refused as one or the other.
     */
    private static List<String> judgedAtArrival(List<String> deadLetters) {
        List<String> judged = new ArrayList<>(deadLetters.size());
        for (String deadLetter : deadLetters) {
            try {
                ObjectNode record = (ObjectNode) JSON.readTree(deadLetter);
                String reason = record.path("reason").asText();
                if (reason.equals("late_event") || reason.equals("duplicate_event")) {
                    record.put("reason", "late_event or duplicate_event");
                    record.remove("detail");
                }
                judged.add(JSON.writeValueAsString(record));
            } catch (JsonProcessingException e) {
                throw new AssertionError("a dead letter that is not JSON: " + deadLetter, e);
            }
        }
        return judged;
    }

    /**
     * The at-least-once topics hold every record of the reference, at least as often (a record may be there twice
     * in the reference too: a till receipt sent three times is two dead letters alike), and no other record. A
     * record may be there more often: a restart emits again, alike, what the job wrote after its last checkpoint,
     * and consumers drop the copies by id.
     */
    private static void assertEveryRecordAndNoOther(List<String> actual, List<String> expected, String output) {
        Map<String, Long> times = counts(actual);
        Map<String, Long> expectedTimes = counts(expected);
        assertThat(expectedTimes).as("%s of the reference run", output).isNotEmpty();
        assertThat(times.keySet()).as("%s: the reference's records and no other", output)
                .isEqualTo(expectedTimes.keySet());
        expectedTimes.forEach((record, least) -> assertThat(times.get(record))
                .as("%s: how often %s is there", output, record).isGreaterThanOrEqualTo(least));
        System.out.printf("%s: %d records, %d copies from a replay%n", output, expected.size(),
                actual.size() - expected.size());
    }

    private static Map<String, Long> counts(List<String> records) {
        return records.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static void write(Map<InputTopic, String> input, List<RawRecord> records) throws InterruptedException {
        try (KafkaSimulatorWriter writer = new KafkaSimulatorWriter(kafka.bootstrapServers(), input)) {
            writer.write(records, SimulatedTime.START.toEpochMilli(), 0, (sent, total) -> {});
        }
    }

    /** Waits until {@code done}, failing when the job ends first or {@link #PATIENCE} runs out. */
    private static void awaitJob(JobClient job, String what, BooleanSupplier done) throws Exception {
        long since = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (terminal(job)) {
                throw new AssertionError("the job ended before it could " + what, failureOf(job));
            }
            if (elapsed(since).compareTo(PATIENCE) > 0) {
                throw new AssertionError("the job did not " + what + " within " + PATIENCE + " (job "
                        + job.getJobStatus().get() + ", " + JobMetricsProbe.value(JobMetricsProbe.RESTARTS)
                        + " restarts)");
            }
            Thread.sleep(500);
        }
    }

    /** Whether the job has ended; its MiniCluster may be gone by then, and with it the status. */
    private static boolean terminal(JobClient job) throws InterruptedException {
        try {
            return job.getJobStatus().get().isGloballyTerminalState();
        } catch (ExecutionException | IllegalStateException e) {
            return true;
        }
    }

    private static Throwable failureOf(JobClient job) throws InterruptedException {
        try {
            job.getJobExecutionResult().get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static Duration elapsed(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }
}
