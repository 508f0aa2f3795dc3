package io.o2o.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test utility talks to the real broker of {@code scripts/kafka.sh}. */
class KafkaTestBrokerITCase {

    private static KafkaTestBroker kafka;

    @BeforeAll
    static void findBroker() {
        kafka = KafkaTestBroker.fromEnvironment();
    }

    @AfterAll
    static void close() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void producesAndConsumesEveryRecordOfAFreshTopic() {
        String topic = kafka.createTopic("kafka-test-broker", 3);
        List<String> values = IntStream.range(0, 50).mapToObj(i -> "{\"n\":" + i + "}").toList();

        kafka.produce(topic, values);
        List<String> consumed = kafka.consumeValues(topic, values.size(), Duration.ofSeconds(30));

        assertThat(consumed).containsExactlyInAnyOrderElementsOf(values);
        kafka.deleteTopic(topic);
    }

    @Test
    void keyedRecordsKeepTheirKeyAndOrderPerKey() {
        String topic = kafka.createTopic("keyed", 2);
        List<Map.Entry<String, String>> records = IntStream.range(0, 20)
                .mapToObj(i -> Map.entry("device-" + (i % 2), Integer.toString(i)))
                .toList();

        kafka.produceKeyed(topic, records);
        List<ConsumerRecord<String, String>> consumed = kafka.consume(topic, records.size(), Duration.ofSeconds(30));

        assertThat(consumed).hasSize(records.size());
        Map<String, List<String>> perKey = consumed.stream().collect(Collectors.groupingBy(
                ConsumerRecord::key, Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
        assertThat(perKey.get("device-0")).containsExactly("0", "2", "4", "6", "8", "10", "12", "14", "16", "18");
        assertThat(perKey.get("device-1")).containsExactly("1", "3", "5", "7", "9", "11", "13", "15", "17", "19");
    }

    @Test
    void twoTopicsWithTheSamePrefixNeverClash() {
        String first = kafka.createTopic("same prefix", 1);
        String second = kafka.createTopic("same prefix", 1);

        assertThat(first).isNotEqualTo(second).startsWith("same-prefix-");
    }
}
