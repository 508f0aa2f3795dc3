package io.o2o.analytics.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import io.o2o.analytics.records.DeadLetter;
import org.apache.flink.util.InstantiationUtil;
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
        assertThat(in.deadLetter().excerpt()).isNotBlank().doesNotContain("aa:bb:cc:dd:ee:ff");
        assertThat(in.deadLetter().topic()).isEqualTo(topic);
        assertThat(in.deadLetter().detail()).isNotBlank();
        assertThat(in.eventTime()).isEqualTo(ARRIVED);
    }

    @Test
    void aNullValueIsADeadLetterNotAnException() {
        Ingested in = PARSER.parse(new RawRecord(InputTopic.LBS_PINGS, "k", null, ARRIVED));
        assertThat(in.deadLetter().reason()).isEqualTo("malformed_json");
    }

    /**
     * The hash is the identity of every device in state and outputs: a change of its format re-keys every
     * device in production. HMAC-SHA256 over {@code domain 0x00 normalised-id}, first 16 bytes in hex, computed
     * independently (Python's hmac module) for this key.
     */
    @Test
    void theHashIsStableKnownAnswers() {
        IdentifierHasher hasher = new IdentifierHasher("known-answer-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        assertThat(hasher.hashDevice("A4-5E-60-01-02-03")).isEqualTo("47cc756b0eb873da172c641fbe8619cc");
        assertThat(hasher.hashDevice("a4:5e:60:01:02:03")).isEqualTo("47cc756b0eb873da172c641fbe8619cc");
        assertThat(hasher.hashPhone("+86 138 0013 8000")).isEqualTo("6836a91f7360b9d38625ed814529d381");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            +300000000-01-01T00:00:00Z
            -999999999-01-01T00:00:00Z
            +999999999-12-31T23:59:59.999999999Z
            """)
    void aTimestampBeyondEpochMillisecondsIsADeadLetterNotAnException(String ts) {
        Ingested in = parse(InputTopic.LBS_PINGS, """
                {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":9,"ts":"%s","source":"gps"}""".formatted(ts));
        assertThat(in.deadLetter().reason()).isEqualTo("invalid_value");
        assertThat(in.deadLetter().detail()).contains("'ts'");
    }

    @Test
    void anIntegralTimestampBeyondALongIsADeadLetter() {
        Ingested in = parse(InputTopic.ONLINE_EVENTS, """
                {"userId":"u-7","channel":"app","action":"view","ts":100000000000000000000000000000}""");
        assertThat(in.deadLetter().reason()).isEqualTo("invalid_value");
        Ingested max = parse(InputTopic.ONLINE_EVENTS, """
                {"userId":"u-7","channel":"app","action":"view","ts":9223372036854775807}""");
        assertThat(max.deadLetter().reason()).isEqualTo("timestamp_in_future");
        Ingested min = parse(InputTopic.ONLINE_EVENTS, """
                {"userId":"u-7","channel":"app","action":"view","ts":-9223372036854775808}""");
        assertThat(min.deadLetter().reason()).isEqualTo("timestamp_too_old");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            lbs-pings             | {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":5,"ts":"1970-01-01T00:00:00Z","source":"gps"}
            online-events         | {"userId":"u","channel":"app","action":"view","ts":0}
            identity-links        | {"a":"member:m-1","b":"user:u","ts":86400000}
            marketing-preferences | {"identifier":"member:m-1","consent":"opt_out","ts":"1970-01-02T00:00:00Z"}
            pos-transactions      | {"txId":"t","storeId":"sh-001","amount":1,"items":[],"ts":1}
            store-sensors         | {"sensorId":"s","storeId":"sh-001","zoneId":"z","kind":"door_counter","in":1,"out":0,"ts":1}
            """)
    void eventsFrom1970AreTooOldForAnyTopic(String topic, String json) {
        Ingested in = parse(InputTopic.valueOf(topic.toUpperCase().replace('-', '_')), json);
        assertThat(in.isDeadLetter()).isTrue();
        assertThat(in.deadLetter().reason()).isEqualTo("timestamp_too_old");
    }

    @Test
    void aBacklogWithinTheAllowedAgeIsAcceptedAndOneBeyondItIsNot() {
        InputParser parser = new InputParser(HASHER, Set.of("sh-001"), Duration.ofMinutes(5), Duration.ofDays(2), null);
        String ping = """
                {"deviceId":"d","lat":31.2,"lon":121.4,"accuracyM":5,"ts":%d,"source":"gps"}""";
        long twoDays = Duration.ofDays(2).toMillis();
        Ingested within = parser.parse(new RawRecord(InputTopic.LBS_PINGS, null, ping.formatted(ARRIVED - twoDays), ARRIVED));
        Ingested beyond = parser.parse(new RawRecord(InputTopic.LBS_PINGS, null, ping.formatted(ARRIVED - twoDays - 1), ARRIVED));
        assertThat(within.isDeadLetter()).isFalse();
        assertThat(beyond.deadLetter().reason()).isEqualTo("timestamp_too_old");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}}
            {"userId":"u","channel":"app","action":"view","ts":1}}
            {"userId":"u","channel":"app","action":"view","ts":1} {"userId":"u"}
            {"userId":"u","channel":"app","action":"view","ts":1}x
            """)
    void trailingGarbageIsMalformedJson(String json) {
        assertThat(parse(InputTopic.ONLINE_EVENTS, json).deadLetter().reason()).isEqualTo("malformed_json");
    }

    @Test
    void aDeadLetterSaysWhereTheRecordWasInKafka() {
        Ingested in = PARSER.parse(new RawRecord(InputTopic.LBS_PINGS, "k", "{", ARRIVED, 3, 12_345L));
        assertThat(in.deadLetter().partition()).isEqualTo(3);
        assertThat(in.deadLetter().offset()).isEqualTo(12_345L);
        assertThat(in.deadLetter().receivedAtMillis()).isEqualTo(ARRIVED);
    }

    private static final String PHONE = "+8613800138000";
    private static final String MAC = "A4:5E:60:1F:22:9C";
    private static final String ADVERTISING_ID = "6D92078A-8246-4BA4-AE5B-76104861E7DC";
    private static final String SDK_DEVICE_ID = "0F3A9C2E7B1D4E5FA0B1C2D3E4F5A6B7";

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            lbs-pings             | {"deviceId":"@ID","lat":99,"lon":121.4,"accuracyM":5,"ts":1,"source":"gps"}
            lbs-pings             | {"deviceId":"@ID","lat":31.2,"lon":121.4,"accuracyM":5,"ts":1,"source":"@ID"}
            lbs-pings             | {"deviceId":"@ID","lat":31.2,"lon":121.4,"accuracyM":5,"ts":"@ID","source":"gps"}
            lbs-pings             | {"deviceId":"@ID","lat":31.2,"lon":121.4
            lbs-pings             | {"deviceId":@ID,"lat":31.2}
            lbs-pings             | {"deviceId":"@ID","lat":31.2,"lon":121.4,"accuracyM":5,"ts":1,"source":"gps"}}
            lbs-pings             | {"@ID":1}
            store-sensors         | {"sensorId":"s","storeId":"@ID","zoneId":"z","kind":"wifi_probe","deviceHash":"@ID","ts":1}
            store-sensors         | {"sensorId":"s","storeId":"sh-001","zoneId":"z","kind":"@ID","deviceHash":"@ID","ts":1}
            identity-links        | {"a":"phone:@ID","b":"passport:@ID","ts":1}
            identity-links        | {"a":"device:@ID","b":"user:u","ts":"1970-01-01T00:00:00Z"}
            marketing-preferences | {"identifier":"phone:@ID","consent":"@ID","ts":1}
            online-events         | {"userId":"u","channel":"@ID","action":"view","ts":1}
            pos-transactions      | {"txId":"t","storeId":"@ID","amount":1,"items":[],"ts":1}
            offer-rules           | {"id":"@ID","trigger":{"type":"@ID"},"ts":1}
            """)
    void noRawIdentifierLeavesInADeadLetter(String topic, String template) {
        InputTopic input = InputTopic.valueOf(topic.toUpperCase().replace('-', '_'));
        for (String id : List.of(PHONE, "13800138000", MAC, MAC.toLowerCase(), MAC.replace(':', '-'), ADVERTISING_ID,
                SDK_DEVICE_ID)) {
            Ingested in = parse(input, template.replace("@ID", id));
            assertThat(in.isDeadLetter()).as(template).isTrue();
            DeadLetter d = in.deadLetter();
            String all = String.join(" ", d.detail(), d.fields(), d.excerpt());
            assertThat(all).as("%s with %s", template, id)
                    .doesNotContainIgnoringCase(id)
                    .doesNotContain(id.replaceAll("[^0-9]", "").length() >= 7 ? id.replaceAll("[^0-9]", "") : id);
        }
    }

    @Test
    void aMaskedIdentifierIsTheHashTheOutputsCarry() {
        Ingested in = parse(InputTopic.LBS_PINGS, """
                {"deviceId":"%s","lat":99,"lon":121.4,"accuracyM":5,"ts":1,"source":"gps"}""".formatted(MAC));
        assertThat(in.deadLetter().excerpt()).contains("device#" + HASHER.hashDevice(MAC))
                .contains("\"lat\":99").contains("\"source\":\"gps\"");
    }

    @Test
    void theExcerptIsBounded() {
        String huge = "{\"deviceId\":\"" + "x".repeat(100_000) + "\"";
        DeadLetter d = parse(InputTopic.LBS_PINGS, huge).deadLetter();
        assertThat(d.excerpt().length()).isLessThanOrEqualTo(PersonalDataMask.MAX_EXCERPT_CHARS);
        assertThat(d.detail().length()).isLessThanOrEqualTo(PersonalDataMask.MAX_EXCERPT_CHARS);
    }

    @Test
    void aHasherGivenItsKeyKeepsItInThisJvm() throws Exception {
        byte[] key = "a key that must not travel 0123456789".getBytes(StandardCharsets.UTF_8);
        IdentifierHasher local = new IdentifierHasher(key);
        byte[] serialised = InstantiationUtil.serializeObject(local);
        assertThat(new String(serialised, StandardCharsets.ISO_8859_1)).doesNotContain(new String(key, StandardCharsets.ISO_8859_1));
        IdentifierHasher shipped = InstantiationUtil.deserializeObject(serialised, getClass().getClassLoader());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shipped.hashDevice("d"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("atKeyLocation");
    }

    @Test
    void aHasherAtAKeyLocationReadsTheKeyWhereItRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("hash.key");
        java.nio.file.Files.writeString(file, "known-answer-key-0123456789abcdef\n");
        IdentifierHasher hasher = IdentifierHasher.atKeyLocation(HashKeyLocation.file(file));
        byte[] serialised = InstantiationUtil.serializeObject(hasher);
        assertThat(new String(serialised, StandardCharsets.ISO_8859_1)).doesNotContain("known-answer-key");
        IdentifierHasher shipped = InstantiationUtil.deserializeObject(serialised, getClass().getClassLoader());
        assertThat(shipped.hashDevice("a4:5e:60:01:02:03")).isEqualTo("47cc756b0eb873da172c641fbe8619cc");
    }
}
