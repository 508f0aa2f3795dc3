package io.o2o.analytics.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.o2o.analytics.simulator.TrueZoneStay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads what the job wrote to its file outputs (JSON lines, InfluxDB line protocol) for the end-to-end tests. */
final class OutputFiles {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;

    private OutputFiles() {}

    static List<JsonNode> jsonLines(Path dir, String prefix) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines(dir, prefix)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    /** The texts of a JSON array. */
    static List<String> texts(JsonNode array) {
        List<String> texts = new java.util.ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    static List<String> lines(Path dir, String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }

    /** An integer field ({@code 3i}) of a line-protocol point. */
    static long field(String line, String name) {
        for (String field : line.split(" ")[1].split(",")) {
            if (field.startsWith(name + "=")) {
                return Long.parseLong(field.substring(name.length() + 1, field.length() - 1));
            }
        }
        throw new AssertionError("no field " + name + " in " + line);
    }

    /** A numeric field, integer ({@code 3i}) or floating point. */
    static double number(String line, String name) {
        for (String field : line.split(" ")[1].split(",")) {
            if (field.startsWith(name + "=")) {
                return Double.parseDouble(field.substring(name.length() + 1).replaceAll("i$", ""));
            }
        }
        throw new AssertionError("no field " + name + " in " + line);
    }

    static String zoneOf(String line) {
        return line.split(" ")[0].replaceAll(".*,zone=([^,]+).*", "$1");
    }

    /** A point's timestamp, milliseconds: the start of its minute. */
    static long timeOf(String line) {
        String[] parts = line.split(" ");
        return Long.parseLong(parts[parts.length - 1]);
    }

    /**
     * The engine's zone occupancy as device-minutes per zone: {@code zone_activity.occupancy} (devices in the
     * zone at the end of the minute; a point every minute while above zero) summed over the minutes that end
     * in ({@code from}, {@code to}].
     */
    static SortedMap<String, Long> engineDeviceMinutes(List<String> metrics, long from, long to) {
        SortedMap<String, Long> minutes = new TreeMap<>();
        for (String line : metrics) {
            long end = line.startsWith("zone_activity,") ? timeOf(line) + MINUTE : Long.MIN_VALUE;
            if (end > from && end <= to) {
                minutes.merge(zoneOf(line), field(line, "occupancy"), Long::sum);
            }
        }
        return minutes;
    }

    /** The same from true zone stays: each counts once for every minute end in ({@code from}, {@code to}] it spans. */
    static SortedMap<String, Long> trueDeviceMinutes(List<TrueZoneStay> stays, long from, long to) {
        SortedMap<String, Long> minutes = new TreeMap<>();
        for (TrueZoneStay stay : stays) {
            long enter = Math.max(stay.enterMillis(), from);
            long exit = Math.min(stay.exitMillis(), to);
            if (exit > enter) {
                minutes.merge(stay.zoneId(), Math.floorDiv(exit, MINUTE) - Math.floorDiv(enter, MINUTE), Long::sum);
            }
        }
        return minutes;
    }
}
