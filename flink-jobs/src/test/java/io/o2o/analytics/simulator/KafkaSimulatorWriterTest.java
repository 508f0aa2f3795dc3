package io.o2o.analytics.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaSimulatorWriterTest {
    private static final long START = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final List<RawRecord> RECORDS = List.of(
            new RawRecord(InputTopic.LBS_PINGS, "DEVICE-1", "{\"deviceId\":\"DEVICE-1\"}", START + 1_000),
            new RawRecord(InputTopic.STORE_SENSORS, "sh-001", "{\"storeId\":\"sh-001\"}", START + 61_000),
            new RawRecord(InputTopic.IDENTITY_LINKS, "user:u-000001", "{\"a\":\"user:u-000001\"}", START + 121_000));

    private final MockProducer<String, String> producer = mockProducer();
    private final AtomicLong clock = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();

    private KafkaSimulatorWriter writer(Map<InputTopic, String> topics) {
        return new KafkaSimulatorWriter(producer, topics, clock::get, nanos -> {
            sleeps.add(nanos);
            clock.addAndGet(nanos);
        });
    }

    @Test
    void eachRecordGoesToItsTopicWithItsKeyAndTimestamp() throws Exception {
        long sent = writer(Map.of(InputTopic.STORE_SENSORS, "city-sensors")).write(RECORDS, START, 0, null);

        assertThat(sent).isEqualTo(3);
        List<ProducerRecord<String, String>> history = producer.history();
        assertThat(history).extracting(ProducerRecord::topic)
                .containsExactly("lbs-pings", "city-sensors", "identity-links");
        assertThat(history).extracting(ProducerRecord::key).containsExactly("DEVICE-1", "sh-001", "user:u-000001");
        assertThat(history).extracting(ProducerRecord::timestamp)
                .containsExactly(START + 1_000, START + 61_000, START + 121_000);
        assertThat(history).extracting(ProducerRecord::value).containsExactlyElementsOf(
                RECORDS.stream().map(RawRecord::value).toList());
        assertThat(sleeps).isEmpty();
    }

    @Test
    void atSixtyTimesSpeedAMinuteOfTheCityTakesASecond() throws Exception {
        writer(Map.of()).write(RECORDS, START, 60, null);

        // Due at 1/60 s, 61/60 s and 121/60 s after the start; the fake clock only moves when the writer waits.
        assertThat(sleeps).containsExactly(16_666_666L, 1_000_000_000L, 1_000_000_000L);
    }

    @Test
    void progressIsReportedAtTheEnd() throws Exception {
        List<Long> reported = new ArrayList<>();

        writer(Map.of()).write(RECORDS, START, 0, (done, total) -> {
            reported.add(done);
            assertThat(total).isEqualTo(3);
        });

        assertThat(reported).containsExactly(3L);
    }

    @Test
    void aRefusedRecordFailsTheWrite() {
        MockProducer<String, String> refusing = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record, Callback callback) {
                RecordTooLargeException refusal = new RecordTooLargeException("record too large");
                callback.onCompletion(null, refusal);
                return CompletableFuture.failedFuture(refusal);
            }
        };
        KafkaSimulatorWriter writer = new KafkaSimulatorWriter(refusing, Map.of(), clock::get, nanos -> { });

        assertThatThrownBy(() -> writer.write(RECORDS, START, 0, null))
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining("record too large");
    }

    @Test
    void theProducerWaitsForAllReplicasAndNeverWritesTwice() {
        var properties = KafkaSimulatorWriter.producerProperties("broker:9092");

        assertThat(properties).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
        assertThat(KafkaSimulatorWriter.defaultTopics()).containsEntry(InputTopic.POS_TRANSACTIONS, "pos-transactions")
                .hasSize(InputTopic.values().length);
    }

    private static MockProducer<String, String> mockProducer() {
        return new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    }
}
