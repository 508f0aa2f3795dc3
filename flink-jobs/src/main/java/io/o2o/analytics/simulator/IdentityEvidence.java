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

/**
 * The identity evidence of one customer, read back from the records the simulation made for them: identity
 * links, and pings that carry both the device and the user. It answers what the identifiers are connected to,
 * in all or as of an instant (by event time), which is what the engine can know then.
 */
final class IdentityEvidence {
    /** Two identifiers seen together at an event time, {@code kind:id} as in the input. */
    private record Link(String a, String b, long ts) {}

    private final List<Link> links;

    private IdentityEvidence(List<Link> links) {
        this.links = List.copyOf(links);
    }

    static IdentityEvidence of(List<RawRecord> records) {
        List<Link> links = new ArrayList<>();
        for (RawRecord record : records) {
            if (record.topic() == InputTopic.IDENTITY_LINKS) {
                JsonNode link = RecordJson.read(record.value());
                links.add(new Link(link.get("a").asText(), link.get("b").asText(), RecordJson.eventMillis(link)));
            } else if (record.topic() == InputTopic.LBS_PINGS) {
                JsonNode ping = RecordJson.read(record.value());
                if (ping.hasNonNull("userId")) {
                    links.add(new Link("device:" + ping.get("deviceId").asText(), "user:" + ping.get("userId").asText(),
                            RecordJson.eventMillis(ping)));
                }
            }
        }
        return new IdentityEvidence(links);
    }

    /** Each group of identifiers that all of the evidence connects, smallest identifier first. */
    List<TrueIdentity> identities(String customerId) {
        Groups groups = upTo(Long.MAX_VALUE);
        Map<String, TreeSet<String>> members = new TreeMap<>();
        for (String node : groups.parent.keySet()) {
            members.computeIfAbsent(groups.root(node), r -> new TreeSet<>()).add(node);
        }
        List<TrueIdentity> identities = new ArrayList<>();
        members.values().stream()
                .sorted((x, y) -> x.first().compareTo(y.first()))
                .forEach(group -> identities.add(new TrueIdentity(customerId, List.copyOf(group))));
        return identities;
    }

    /** Whether the evidence with an event time up to {@code byMillis} connects the two identifiers. */
    boolean connected(String a, String b, long byMillis) {
        Groups groups = upTo(byMillis);
        return groups.contains(a) && groups.contains(b) && groups.root(a).equals(groups.root(b));
    }

    /** Whether the evidence up to {@code byMillis} connects the identifier to any other. */
    boolean linked(String identifier, long byMillis) {
        return links.stream().anyMatch(l -> l.ts() <= byMillis && (l.a().equals(identifier) || l.b().equals(identifier))
                && !l.a().equals(l.b()));
    }

    private Groups upTo(long byMillis) {
        Groups groups = new Groups();
        for (Link link : links) {
            if (link.ts() <= byMillis) {
                groups.union(link.a(), link.b());
            }
        }
        return groups;
    }

    /** Union-find over identifiers; a group's root is its smallest identifier. */
    private static final class Groups {
        private final Map<String, String> parent = new HashMap<>();

        boolean contains(String node) {
            return parent.containsKey(node);
        }

        void union(String a, String b) {
            parent.putIfAbsent(a, a);
            parent.putIfAbsent(b, b);
            String ra = root(a);
            String rb = root(b);
            if (!ra.equals(rb)) {
                parent.put(ra.compareTo(rb) < 0 ? rb : ra, ra.compareTo(rb) < 0 ? ra : rb);
            }
        }

        String root(String node) {
            String current = node;
            while (!parent.get(current).equals(current)) {
                current = parent.get(current);
            }
            return current;
        }
    }
}
