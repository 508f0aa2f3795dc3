package io.o2o.analytics.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** The identity truth of one customer, read back from the evidence records the simulation made for them. */
final class IdentityEvidence {
    private IdentityEvidence() {}

    static List<TrueIdentity> of(String customerId, List<RawRecord> records) {
        Map<String, String> parent = new HashMap<>();
        for (RawRecord record : records) {
            if (record.topic() == InputTopic.IDENTITY_LINKS) {
                JsonNode link = RecordJson.read(record.value());
                union(parent, link.get("a").asText(), link.get("b").asText());
            } else if (record.topic() == InputTopic.LBS_PINGS) {
                JsonNode ping = RecordJson.read(record.value());
                if (ping.hasNonNull("userId")) {
                    union(parent, "device:" + ping.get("deviceId").asText(), "user:" + ping.get("userId").asText());
                }
            }
        }
        Map<String, TreeSet<String>> groups = new TreeMap<>();
        for (String node : parent.keySet()) {
            groups.computeIfAbsent(root(parent, node), r -> new TreeSet<>()).add(node);
        }
        List<TrueIdentity> identities = new ArrayList<>();
        groups.values().stream()
                .sorted((x, y) -> x.first().compareTo(y.first()))
                .forEach(group -> identities.add(new TrueIdentity(customerId, List.copyOf(group))));
        return identities;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        String ra = root(parent, a);
        String rb = root(parent, b);
        if (!ra.equals(rb)) {
            parent.put(ra.compareTo(rb) < 0 ? rb : ra, ra.compareTo(rb) < 0 ? ra : rb);
        }
    }

    private static String root(Map<String, String> parent, String node) {
        String current = node;
        while (!parent.get(current).equals(current)) {
            current = parent.get(current);
        }
        return current;
    }
}
