package io.o2o.analytics.bench.latency;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * When each record of a transactional topic became visible to a read_committed consumer, as such a consumer sees
 * it while the job runs. A record's append time is when the producer wrote it into its open transaction, before
 * the commit (at the job's next checkpoint) that makes it visible; the commit marker's time is not readable. So
 * the benchmark watches: a consumer polling all the time, noting the wall-clock time it first receives each record.
 *
 * <p>That clock is this machine's; the append times are the broker's. They are one clock when the broker runs
 * on this machine, as the project's {@code scripts/kafka.sh} broker does.
 */
final class VisibilityWatch implements AutoCloseable {
    /** How long a fetch may wait at the broker for data: the watch's resolution. */
    private static final int MAX_WAIT_MILLIS = 50;

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final Function<String, String> idOf;
    private final Map<String, Long> firstSeen = new HashMap<>();
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean finishing;

    /** @param idOf the id of a record from its value (an offer's {@code offerId}) */
    VisibilityWatch(String bootstrapServers, String topic, Function<String, String> idOf) {
        Properties props = LiveTopics.readCommitted(bootstrapServers);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(MAX_WAIT_MILLIS));
        this.consumer = new KafkaConsumer<>(props);
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        this.idOf = idOf;
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::watch, "visibility-watch-" + topic);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Reads on up to the last stable offsets as they are now (what the stopped job committed last), then stops.
     *
     * @return the wall-clock time each record was first received, by id
     */
    Map<String, Long> finish(Duration patience) throws InterruptedException {
        finishing = true;
        thread.join(patience.toMillis());
        if (thread.isAlive()) {
            throw new IllegalStateException("the visibility watch did not catch up within " + patience.toSeconds() + " s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the visibility watch failed", failure.get());
        }
        return Map.copyOf(firstSeen);
    }

    private void watch() {
        try {
            Map<TopicPartition, Long> ends = null;
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    firstSeen.putIfAbsent(idOf.apply(record.value()), now);
                }
                if (finishing) {
                    if (ends == null) {
                        // With read_committed, the end offsets are the last stable offsets.
                        ends = consumer.endOffsets(partitions);
                    }
                    Map<TopicPartition, Long> last = ends;
                    if (partitions.stream().allMatch(p -> consumer.position(p) >= last.get(p))) {
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    @Override
    public void close() {
        finishing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            consumer.close();
        }
    }
}
