package io.o2o.analytics.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes the JSON of each input topic exactly as the engine's input contract describes it, field order
 * included, so the records read like those a phone, a sensor or a till would send.
 */
final class RecordJson {
    /**
     * Writes NaN unquoted, as a broken client would: the engine reads non-numeric numbers and must reject them
     * by range, which is what the {@code coordinates_out_of_range} records test.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private RecordJson() {}

    /** Whether a producer writes {@code ts} as an ISO-8601 string or as epoch milliseconds. */
    enum Clock {
        ISO,
        EPOCH_MILLIS
    }

    /** A POS line: the SKU, where it is displayed (may be null) and how many. */
    record Item(String sku, String zoneId, int qty) {}

    static ObjectNode ping(
            String deviceId, String userId, double lat, double lon, double accuracyM, long ts, String source, Clock clock) {
        ObjectNode node = MAPPER.createObjectNode().put("deviceId", deviceId);
        if (userId != null) {
            node.put("userId", userId);
        }
        node.put("lat", round(lat, 1e7)).put("lon", round(lon, 1e7)).put("accuracyM", round(accuracyM, 10));
        putTs(node, ts, clock);
        return node.put("source", source);
    }

    static ObjectNode presence(
            String sensorId, String storeId, String zoneId, String kind, String deviceHash, int rssi, long ts, Clock clock) {
        ObjectNode node = sensorHeader(sensorId, storeId, zoneId, kind).put("deviceHash", deviceHash).put("rssi", rssi);
        putTs(node, ts, clock);
        return node;
    }

    static ObjectNode doorCount(String sensorId, String storeId, String zoneId, int in, int out, long ts, Clock clock) {
        ObjectNode node = sensorHeader(sensorId, storeId, zoneId, "door_counter").put("in", in).put("out", out);
        putTs(node, ts, clock);
        return node;
    }

    static ObjectNode online(String userId, String channel, String action, String sku, String storeId, long ts, Clock clock) {
        ObjectNode node = MAPPER.createObjectNode().put("userId", userId).put("channel", channel).put("action", action);
        if (sku != null) {
            node.put("sku", sku);
        }
        if (storeId != null) {
            node.put("storeId", storeId);
        }
        putTs(node, ts, clock);
        return node;
    }

    static ObjectNode pos(String txId, String storeId, String memberId, double amount, List<Item> items, long ts, Clock clock) {
        ObjectNode node = MAPPER.createObjectNode().put("txId", txId).put("storeId", storeId);
        if (memberId != null) {
            node.put("memberId", memberId);
        }
        node.put("amount", round(amount, 100));
        ArrayNode lines = node.putArray("items");
        for (Item item : items) {
            ObjectNode line = lines.addObject().put("sku", item.sku());
            if (item.zoneId() != null) {
                line.put("zoneId", item.zoneId());
            }
            line.put("qty", item.qty());
        }
        putTs(node, ts, clock);
        return node;
    }

    static ObjectNode link(String a, String b, long ts, Clock clock) {
        ObjectNode node = MAPPER.createObjectNode().put("a", a).put("b", b);
        putTs(node, ts, clock);
        return node;
    }

    static ObjectNode preference(String identifier, boolean consent, List<String> segments, long ts, Clock clock) {
        ObjectNode node = MAPPER.createObjectNode().put("identifier", identifier).put("consent", consent ? "opt_in" : "opt_out");
        segments.forEach(node.putArray("segments")::add);
        putTs(node, ts, clock);
        return node;
    }

    static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a simulated record", e);
        }
    }

    static ObjectNode read(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a simulated record is not JSON: " + json, e);
        }
    }

    static void putTs(ObjectNode node, long ts, Clock clock) {
        if (clock == Clock.EPOCH_MILLIS) {
            node.put("ts", ts);
        } else {
            node.put("ts", ISO_MILLIS.format(Instant.ofEpochMilli(ts)));
        }
    }

    /** The event time {@link #putTs} wrote, whichever clock wrote it. */
    static long eventMillis(JsonNode node) {
        JsonNode ts = node.get("ts");
        return ts.isNumber() ? ts.asLong() : Instant.parse(ts.asText()).toEpochMilli();
    }

    /** Rounds to 1/scale, so the output carries no float noise beyond what a real producer would write. */
    static double round(double value, double scale) {
        return Math.round(value * scale) / scale;
    }

    private static ObjectNode sensorHeader(String sensorId, String storeId, String zoneId, String kind) {
        return MAPPER.createObjectNode()
                .put("sensorId", sensorId)
                .put("storeId", storeId)
                .put("zoneId", zoneId)
                .put("kind", kind);
    }
}
