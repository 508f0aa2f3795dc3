package io.o2o.analytics.simulator;

import io.o2o.analytics.ingest.DeadLetterReason;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceFileException;
import io.o2o.analytics.records.RawRecord;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One small simulation of the sample city, run once and shared by the tests that only read it: 300 customers
 * over the default two hours, with ten times the default bad-record rate so every reason shows up.
 */
final class SimulationFixtures {
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private static FenceCatalog sampleCity;
    private static Simulation small;

    private SimulationFixtures() {}

    static synchronized FenceCatalog sampleCity() {
        if (sampleCity == null) {
            try {
                sampleCity = FenceCatalog.load(FenceCatalog.SAMPLE_CITY);
            } catch (FenceFileException e) {
                throw new IllegalStateException("the sample city ships with geo-fences and must load", e);
            }
        }
        return sampleCity;
    }

    static SimulationSettings smallSettings() {
        return SimulationSettings.builder().customers(300).badRecordRate(0.02).build();
    }

    static synchronized Simulation small() {
        if (small == null) {
            small = new CitySimulator(sampleCity(), smallSettings()).run();
        }
        return small;
    }

    /**
     * The records that are not deliberately broken. A late re-send has the same value as its genuine ping, and
     * a till receipt sent again as its first copy; they are told apart by arriving minutes after their event time
     * instead of within 30 s.
     */
    static List<RawRecord> genuine(Simulation simulation) {
        Set<String> copies = Set.of(DeadLetterReason.LATE_EVENT.code(), DeadLetterReason.DUPLICATE_EVENT.code());
        Set<String> broken = new HashSet<>();
        Set<String> resent = new HashSet<>();
        for (InjectedBadRecord record : simulation.truth().badRecords()) {
            (copies.contains(record.expectedReason()) ? resent : broken).add(record.value());
        }
        return simulation.records().stream()
                .filter(r -> !broken.contains(r.value()))
                .filter(r -> !resent.contains(r.value()) || delayMillis(r) <= RecordSink.MAX_DELAY_MILLIS)
                .toList();
    }

    static long delayMillis(RawRecord record) {
        return record.timestampMillis() - eventTime(json(record.value()));
    }

    static JsonNode json(String value) {
        try {
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long eventTime(JsonNode json) {
        JsonNode ts = json.get("ts");
        return ts.isNumber() ? ts.asLong() : Instant.parse(ts.asText()).toEpochMilli();
    }
}
