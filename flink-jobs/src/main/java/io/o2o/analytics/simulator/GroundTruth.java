package io.o2o.analytics.simulator;

import io.o2o.analytics.ingest.DeadLetterReason;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.records.InputTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What really happened in a simulation, computed from the customers' true paths rather than from the
 * records, so it is what the engine should find when it reads those records.
 *
 * @param settings the settings that produced it
 * @param storeIds every store of the fence catalogue, so per-store counts include the stores nobody visited
 * @param visits stays of 6 to 45 minutes inside a footprint, in customer order
 * @param passBys customers who came within a store's near-buffer without visiting it
 * @param entries every crossing into a footprint, walk-throughs included
 * @param badRecords the deliberately broken records, in the order they were made
 * @param conversions online engagement followed by a visit
 * @param offlineToOnline a visit followed by online activity on the visiting phone
 * @param identities per customer, the groups of identifiers its evidence connects
 * @param journeys how many customers followed each journey
 * @param recordsPerTopic how many records each input topic received, bad ones included
 * @param zoneStays where customers with Bluetooth on truly stood in a store's zones, in customer order and, per
 *     customer, in time order
 * @param staff the stores' employees ({@code SimulationSettings.staffPerStore} per store with opening hours)
 * @param staffZoneStays where they stood, as zone stays whose {@code customerId} is the employee's id; kept
 *     apart from the customers' so that customer figures stay what they were
 */
public record GroundTruth(
        SimulationSettings settings,
        List<String> storeIds,
        List<TrueVisit> visits,
        List<TruePassBy> passBys,
        List<TrueEntry> entries,
        List<InjectedBadRecord> badRecords,
        List<TrueConversion> conversions,
        List<TrueOfflineToOnline> offlineToOnline,
        List<TrueIdentity> identities,
        SortedMap<String, Integer> journeys,
        Map<InputTopic, Long> recordsPerTopic,
        List<TrueZoneStay> zoneStays,
        List<TrueStaff> staff,
        List<TrueZoneStay> staffZoneStays) {

    public GroundTruth {
        storeIds = List.copyOf(storeIds);
        visits = List.copyOf(visits);
        passBys = List.copyOf(passBys);
        entries = List.copyOf(entries);
        badRecords = List.copyOf(badRecords);
        // Conversions may carry null purchase fields, which List.copyOf would reject.
        conversions = Collections.unmodifiableList(new ArrayList<>(conversions));
        offlineToOnline = List.copyOf(offlineToOnline);
        identities = List.copyOf(identities);
        journeys = Collections.unmodifiableSortedMap(new TreeMap<>(journeys));
        EnumMap<InputTopic, Long> topics = new EnumMap<>(InputTopic.class);
        for (InputTopic topic : InputTopic.values()) {
            topics.put(topic, recordsPerTopic.getOrDefault(topic, 0L));
        }
        recordsPerTopic = Collections.unmodifiableMap(topics);
        zoneStays = List.copyOf(zoneStays);
        staff = List.copyOf(staff);
        staffZoneStays = List.copyOf(staffZoneStays);
    }

    /** How many zone stays each zone had, by zone id; zones nobody stood in are left out. */
    public SortedMap<String, Long> zoneStaysPerZone() {
        SortedMap<String, Long> counts = new TreeMap<>();
        for (TrueZoneStay stay : zoneStays) {
            counts.merge(stay.zoneId(), 1L, Long::sum);
        }
        return counts;
    }

    /** Dwell statistics of one store's visits, in milliseconds; the median is the lower middle value. */
    public record DwellStats(int count, long minMillis, long medianMillis, double meanMillis, long maxMillis) {}

    public SortedMap<String, Long> visitsPerStore() {
        return countPerStore(visits, TrueVisit::storeId);
    }

    public SortedMap<String, Long> passBysPerStore() {
        return countPerStore(passBys, TruePassBy::storeId);
    }

    public SortedMap<String, Long> entriesPerStore() {
        return countPerStore(entries, TrueEntry::storeId);
    }

    public SortedMap<String, Long> badRecordsPerReason() {
        SortedMap<String, Long> counts = new TreeMap<>();
        for (DeadLetterReason reason : BadRecordInjector.INJECTED) {
            counts.put(reason.code(), 0L);
        }
        for (InjectedBadRecord bad : badRecords) {
            counts.merge(bad.expectedReason(), 1L, Long::sum);
        }
        return counts;
    }

    /** Dwell statistics per store; stores without visits are left out, as they have no dwell to describe. */
    public SortedMap<String, DwellStats> dwellStatsPerStore() {
        SortedMap<String, List<Long>> dwells = new TreeMap<>();
        for (TrueVisit visit : visits) {
            dwells.computeIfAbsent(visit.storeId(), id -> new ArrayList<>()).add(visit.dwellMillis());
        }
        SortedMap<String, DwellStats> stats = new TreeMap<>();
        dwells.forEach((storeId, values) -> {
            List<Long> sorted = values.stream().sorted().toList();
            double mean = sorted.stream().mapToLong(Long::longValue).average().orElse(0);
            stats.put(storeId, new DwellStats(
                    sorted.size(), sorted.get(0), sorted.get((sorted.size() - 1) / 2), mean, sorted.get(sorted.size() - 1)));
        });
        return stats;
    }

    /** The conversions the engine can find: the evidence ties the engaged user to the phone by the visit's exit. */
    public List<TrueConversion> identifiableConversions() {
        return conversions.stream().filter(TrueConversion::identifiable).toList();
    }

    /** The share of visits whose phone the evidence ties to someone by the visit's exit; 0 without visits. */
    public double knownVisitShare() {
        return visits.isEmpty() ? 0 : (double) visits.stream().filter(TrueVisit::known).count() / visits.size();
    }

    public long totalRecords() {
        return recordsPerTopic.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Writes the truth as one JSON document (format: docs/simulator.md, "The truth file"). */
    public void writeJson(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        mapper.writeValue(file.toFile(), toJson(mapper));
    }

    ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.set("settings", settingsJson(mapper));
        root.set("summary", summaryJson(mapper));
        root.set("stores", storesJson(mapper));
        ObjectNode reasons = root.putObject("badRecordsPerReason");
        badRecordsPerReason().forEach(reasons::put);

        ArrayNode visitArray = root.putArray("visits");
        for (TrueVisit visit : visits) {
            ObjectNode node = visitArray.addObject()
                    .put("customerId", visit.customerId())
                    .put("rawDeviceId", visit.rawDeviceId())
                    .put("storeId", visit.storeId());
            putInstant(node, "enter", visit.enterMillis());
            putInstant(node, "exit", visit.exitMillis());
            node.put("dwellMillis", visit.dwellMillis());
            node.put("known", visit.known());
        }
        ArrayNode passByArray = root.putArray("passBys");
        for (TruePassBy passBy : passBys) {
            ObjectNode node = passByArray.addObject()
                    .put("customerId", passBy.customerId())
                    .put("rawDeviceId", passBy.rawDeviceId())
                    .put("storeId", passBy.storeId());
            putInstant(node, "at", passBy.atMillis());
        }
        ArrayNode entryArray = root.putArray("entries");
        for (TrueEntry entry : entries) {
            ObjectNode node = entryArray.addObject()
                    .put("customerId", entry.customerId())
                    .put("rawDeviceId", entry.rawDeviceId())
                    .put("storeId", entry.storeId());
            putInstant(node, "enter", entry.enterMillis());
            putInstant(node, "exit", entry.exitMillis());
        }
        ArrayNode zoneStayArray = root.putArray("zoneStays");
        for (TrueZoneStay stay : zoneStays) {
            ObjectNode node = zoneStayArray.addObject()
                    .put("customerId", stay.customerId())
                    .put("mac", stay.mac())
                    .put("storeId", stay.storeId())
                    .put("zoneId", stay.zoneId());
            putInstant(node, "enter", stay.enterMillis());
            putInstant(node, "exit", stay.exitMillis());
            node.put("dwellMillis", stay.dwellMillis());
        }
        ArrayNode staffArray = root.putArray("staff");
        for (TrueStaff member : staff) {
            staffArray.addObject().put("staffId", member.staffId()).put("mac", member.mac())
                    .put("storeId", member.storeId());
        }
        ArrayNode conversionArray = root.putArray("conversions");
        for (TrueConversion conversion : conversions) {
            ObjectNode node = conversionArray.addObject()
                    .put("customerId", conversion.customerId())
                    .put("channel", conversion.channel())
                    .put("storeId", conversion.storeId());
            putInstant(node, "engaged", conversion.engagedMillis());
            putInstant(node, "visitEnter", conversion.visitEnterMillis());
            if (conversion.purchaseMillis() != null) {
                putInstant(node, "purchase", conversion.purchaseMillis());
                node.put("amount", conversion.amount());
            }
            node.put("identifiable", conversion.identifiable())
                    .put("purchaseIdentifiable", conversion.purchaseIdentifiable());
        }
        ArrayNode offlineToOnlineArray = root.putArray("offlineToOnline");
        for (TrueOfflineToOnline journey : offlineToOnline) {
            ObjectNode node = offlineToOnlineArray.addObject()
                    .put("customerId", journey.customerId())
                    .put("storeId", journey.storeId());
            putInstant(node, "visitExit", journey.visitExitMillis());
            putInstant(node, "online", journey.onlineMillis());
            node.put("channel", journey.channel());
        }
        ArrayNode identityArray = root.putArray("identities");
        for (TrueIdentity identity : identities) {
            ArrayNode ids = identityArray.addObject().put("customerId", identity.customerId()).putArray("identifiers");
            identity.identifiers().forEach(ids::add);
        }
        ArrayNode badArray = root.putArray("badRecords");
        for (InjectedBadRecord bad : badRecords) {
            badArray.addObject()
                    .put("topic", bad.topic().defaultTopicName())
                    .put("expectedReason", bad.expectedReason())
                    .put("value", bad.value());
        }
        return root;
    }

    private ObjectNode settingsJson(ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode()
                .put("seed", settings.seed())
                .put("customers", settings.customers())
                .put("start", settings.start().toString())
                .put("duration", settings.duration().toString())
                .put("pingInterval", settings.pingInterval().toString())
                .put("badRecordRate", settings.badRecordRate())
                .put("staffPerStore", settings.staffPerStore());
        JourneyMix mix = settings.mix();
        node.putObject("mix")
                .put("storeVisitors", mix.storeVisitors())
                .put("o2oVisitors", mix.o2oVisitors())
                .put("passersBy", mix.passersBy())
                .put("walkThroughs", mix.walkThroughs())
                .put("onlineOnly", mix.onlineOnly())
                .put("visitorPurchaseRate", mix.visitorPurchaseRate())
                .put("o2oPurchaseRate", mix.o2oPurchaseRate());
        return node;
    }

    private ObjectNode summaryJson(ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode().put("records", totalRecords());
        ObjectNode topics = node.putObject("recordsPerTopic");
        recordsPerTopic.forEach((topic, count) -> topics.put(topic.defaultTopicName(), count));
        ObjectNode journeyNode = node.putObject("journeys");
        journeys.forEach(journeyNode::put);
        node.put("visits", visits.size())
                .put("passBys", passBys.size())
                .put("entries", entries.size())
                .put("zoneStays", zoneStays.size())
                .put("staff", staff.size())
                .put("conversions", conversions.size())
                .put("purchases", conversions.stream().filter(c -> c.purchaseMillis() != null).count())
                .put("identifiableConversions", identifiableConversions().size())
                .put("identifiablePurchases", conversions.stream().filter(TrueConversion::purchaseIdentifiable).count())
                .put("offlineToOnline", offlineToOnline.size())
                .put("knownVisitShare", Math.round(knownVisitShare() * 1000) / 1000.0)
                .put("badRecords", badRecords.size());
        return node;
    }

    private ObjectNode storesJson(ObjectMapper mapper) {
        SortedMap<String, Long> visitCounts = visitsPerStore();
        SortedMap<String, Long> passByCounts = passBysPerStore();
        SortedMap<String, Long> entryCounts = entriesPerStore();
        SortedMap<String, DwellStats> dwell = dwellStatsPerStore();
        ObjectNode stores = mapper.createObjectNode();
        for (String storeId : visitCounts.keySet()) {
            ObjectNode store = stores.putObject(storeId)
                    .put("visits", visitCounts.get(storeId))
                    .put("passBys", passByCounts.get(storeId))
                    .put("entries", entryCounts.get(storeId));
            DwellStats stats = dwell.get(storeId);
            if (stats != null) {
                store.putObject("dwellSeconds")
                        .put("min", stats.minMillis() / 1000.0)
                        .put("median", stats.medianMillis() / 1000.0)
                        .put("mean", Math.round(stats.meanMillis()) / 1000.0)
                        .put("max", stats.maxMillis() / 1000.0);
            }
        }
        return stores;
    }

    /** Millis for programs, ISO-8601 for people reading the file. */
    private static void putInstant(ObjectNode node, String name, long millis) {
        node.put(name, Instant.ofEpochMilli(millis).toString());
        node.put(name + "Millis", millis);
    }

    private <T> SortedMap<String, Long> countPerStore(Collection<T> items, Function<T, String> storeOf) {
        SortedMap<String, Long> counts = new TreeMap<>();
        for (String storeId : storeIds) {
            counts.put(storeId, 0L);
        }
        for (T item : items) {
            counts.merge(storeOf.apply(item), 1L, Long::sum);
        }
        return counts;
    }
}
