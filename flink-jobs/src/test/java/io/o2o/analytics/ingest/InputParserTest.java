package io.o2o.analytics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class InputParserTest {
    private static final long ARRIVED = Instant.parse("2026-03-07T02:10:00Z").toEpochMilli();
    private static final IdentifierHasher HASHER =
            new IdentifierHasher("a test key of 32 bytes, not real".getBytes(StandardCharsets.UTF_8));
    private static final InputParser PARSER = new InputParser(HASHER, Set.of("sh-001"), Duration.ofMinutes(5));

    private static Ingested parse(InputTopic topic, String json) {
        return PARSER.parse(new RawRecord(topic, null, json, ARRIVED));
    }

    @Test
    void aPingIsParsedWithItsDeviceIdHashedAndItsTimeInMillis() {
        Ingested in = parse(InputTopic.LBS_PINGS, """
                {"deviceId":"A4-5E-60-01-02-03","userId":"u-7","lat":31.23,"lon":121.47,"accuracyM":8.5,
                 "ts":"2026-03-07T02:09:30Z","source":"gps"}""");

        assertThat(in.isDeadLetter()).isFalse();
        assertThat(in.ping().deviceId())
                .isEqualTo(HASHER.hashDevice("a4:5e:60:01:02:03"))
                .doesNotContain("a4")
                .hasSize(32);
        assertThat(in.ping().ts()).isEqualTo(ARRIVED - 30_000);
        assertThat(in.eventTime()).isEqualTo(in.ping().ts());
        assertThat(in.ping().userId()).isEqualTo("u-7");
    }

    @Test
    void epochMillisecondsAreAcceptedAsTimestamps() {
        Ingested in = parse(InputTopic.ONLINE_EVENTS, """
                {"userId":"u-7","channel":"wechat","action":"coupon_claim","sku":"sku-1","ts":%d}"""
                .formatted(ARRIVED - 1000));
        assertThat(in.online().ts()).isEqualTo(ARRIVED - 1000);
        assertThat(in.online().channel()).isEqualTo("wechat");
    }

    @Test
    void phoneAndDeviceIdentitiesAreHashedOthersKept() {
        Ingested in = parse(InputTopic.IDENTITY_LINKS, """
                {"a":"phone:+86 138 0013 8000","b":"member:m-42","ts":"2026-03-07T02:00:00Z"}""");
        assertThat(in.link().a()).isEqualTo("phone:" + HASHER.hashPhone("+8613800138000")).doesNotContain("138");
        assertThat(in.link().b()).isEqualTo("member:m-42");
    }

    @Test
    void aPosTransactionKeepsItsItems() {
        Ingested in = parse(InputTopic.POS_TRANSACTIONS, """
                {"txId":"t-1","storeId":"sh-001","memberId":"m-42","amount":199.5,
                 "items":[{"sku":"sku-1","zoneId":"sh-001-aisle","qty":2},{"sku":"sku-2","qty":1}],
                 "ts":"2026-03-07T02:05:00Z"}""");
        assertThat(in.pos().items()).hasSize(2);
        assertThat(in.pos().items().get(0).qty()).isEqualTo(2);
        assertThat(in.pos().items().get(1).zoneId()).isNull();
    }

    @Test
    void aDoorCounterNeedsCountsNotADevice() {
        Ingested in = parse(InputTopic.STORE_SENSORS, """
                {"sensorId":"sh-001-door","storeId":"sh-001","zoneId":"sh-001-entrance","kind":"door_counter",
                 "in":4,"out":2,"ts":"2026-03-07T02:05:00Z"}""");
        assertThat(in.sensor().in()).isEqualTo(4);
        assertThat(in.sensor().deviceId()).isNull();
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            lbs-pings        | malformed_json           | {"deviceId":"d","lat":31.2,
            lbs-pings        | malformed_json           | [1,2,3]
            lbs-pings        | missing_field            | {"deviceId":"d","lon":121.4,"accuracyM":5,"ts":1,"source":"gps"}
            lbs-pings        | coordinates_out_of_range | {"deviceId":"d","lat":123.4,"lon":121.4,"accuracyM":5,"ts":1,"source":"gps"}
            lbs-pings        | coordinates_out_of_range | {"deviceId":"d","lat":NaN,"lon":121.4,"accuracyM":5,"ts":1,"source":"gps"}
            lbs-pings        | invalid_value            | {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":5,"ts":1,"source":"satellite"}
            lbs-pings        | invalid_value            | {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":-3,"ts":1,"source":"gps"}
            lbs-pings        | invalid_value            | {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":5,"ts":"yesterday","source":"gps"}
            lbs-pings        | timestamp_in_future      | {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":5,"ts":"2026-03-07T03:00:00Z","source":"gps"}
            store-sensors    | unknown_store            | {"sensorId":"s","storeId":"sh-999","zoneId":"z","kind":"wifi_probe","deviceHash":"aa:bb:cc:dd:ee:ff","ts":1}
            store-sensors    | missing_field            | {"sensorId":"s","storeId":"sh-001","zoneId":"z","kind":"wifi_probe","ts":1}
            pos-transactions | unknown_store            | {"txId":"t","storeId":"sh-999","amount":1,"items":[],"ts":1}
            pos-transactions | missing_field            | {"txId":"t","amount":1,"items":[],"ts":1}
            online-events    | invalid_value            | {"userId":"u","channel":"fax","action":"view","ts":1}
            identity-links   | invalid_value            | {"a":"passport:123","b":"user:u","ts":1}
            """)
    void contractViolationsBecomeDeadLettersWithTheirReason(String topic, String reason, String json) {
        InputTopic input = InputTopic.valueOf(topic.toUpperCase().replace('-', '_'));
        Ingested in = parse(input, json);

        assertThat(in.isDeadLetter()).isTrue();
        assertThat(in.deadLetter().reason()).isEqualTo(reason);
        assertThat(in.deadLetter().raw()).isEqualTo(json);
        assertThat(in.deadLetter().topic()).isEqualTo(topic);
        assertThat(in.deadLetter().detail()).isNotBlank();
        assertThat(in.eventTime()).isEqualTo(ARRIVED);
    }

    @Test
    void aNullValueIsADeadLetterNotAnException() {
        Ingested in = PARSER.parse(new RawRecord(InputTopic.LBS_PINGS, "k", null, ARRIVED));
        assertThat(in.deadLetter().reason()).isEqualTo("malformed_json");
    }
}
