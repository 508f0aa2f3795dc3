package io.o2o.analytics.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import io.o2o.analytics.state.InstantLists;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The identity graph: identifiers connected by evidence form one customer, with a stable customer id
 * (docs/identity.md).
 *
 * <p>Runs as a single key (the graph is one structure; its input, deduplicated evidence, is small), so its
 * result cannot depend on parallelism. Evidence waits until the watermark passes it and is applied in
 * event-time order, which makes the size cap and expiry decisions independent of arrival order; evidence
 * already behind the watermark is applied at once, since a union does not depend on order.
 *
 * <p>Rules: two customers merge into the older one (earlier creation, then smaller id), whose id survives.
 * A merge or join that would give a customer more than {@code maxIdsPerCustomer} identifiers is refused and
 * counted: a store's demo phone linked to hundreds of members must not fuse them. An identifier unseen for
 * {@code ttl} is forgotten with its evidence; if that disconnects its customer, the part holding the
 * smallest identifier keeps the id and the other parts become new customers.
 */
public class IdentityResolver extends KeyedProcessFunction<Integer, IdentityEdge, CustomerAssignment> {
    private static final long serialVersionUID = 1L;

    /** The key every edge is sent to. */
    public static final int GRAPH = 0;

    /** Evidence refused by the size cap. */
    public static final OutputTag<IdentityEdge> REFUSED = new OutputTag<>("refused-identity-links") {};

    private final int maxIdsPerCustomer;
    private final long ttlMillis;

    /**
     * Evidence waiting for the watermark, by its instant. The one key holds the whole city's pending evidence (a
     * minute of it, at the default out-of-orderness), and a timer fires for each instant: so each timer takes the
     * edges of its own instant, instead of reading and rewriting every pending edge as one list would.
     */
    private final InstantLists<IdentityEdge> pending =
            new InstantLists<>("pending-evidence", TypeInformation.of(IdentityEdge.class));
    private transient MapState<String, IdentityNode> nodes;
    private transient MapState<String, CustomerComponent> customers;
    /** The identifiers whose planned expiry falls at an instant. */
    private final InstantLists<String> expiries = new InstantLists<>("expiries", Types.STRING);
    private transient Counter merges;
    private transient Counter refused;
    private transient Counter expired;

    public IdentityResolver(int maxIdsPerCustomer, Duration ttl) {
        if (maxIdsPerCustomer < 2) {
            throw new IllegalArgumentException("a customer must be allowed at least 2 identifiers");
        }
        this.maxIdsPerCustomer = maxIdsPerCustomer;
        this.ttlMillis = ttl.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        pending.open(getRuntimeContext());
        nodes = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("identifiers", Types.STRING, TypeInformation.of(IdentityNode.class)));
        customers = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("customers", Types.STRING, TypeInformation.of(CustomerComponent.class)));
        expiries.open(getRuntimeContext());
        merges = getRuntimeContext().getMetricGroup().counter("customerMerges");
        refused = getRuntimeContext().getMetricGroup().counter("refusedMerges");
        expired = getRuntimeContext().getMetricGroup().counter("expiredIdentifiers");
    }

    @Override
    public void processElement(IdentityEdge edge, Context ctx, Collector<CustomerAssignment> out) throws Exception {
        if (edge.a().equals(edge.b())) {
            return;
        }
        if (edge.ts() <= ctx.timerService().currentWatermark()) {
            apply(edge, ctx, out);
            return;
        }
        if (pending.add(edge.ts(), edge)) {
            ctx.timerService().registerEventTimeTimer(edge.ts());
        }
    }

    /**
     * Timers fire in time order, one per instant, for both evidence and expiries; at one instant, expiries
     * go first: an identifier unseen for exactly the TTL is forgotten before new evidence at that instant.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CustomerAssignment> out) throws Exception {
        // A bounded input ends with the watermark at the end of time: the input ended, the people did not
        // disappear. Expiring them then would split customers for nothing and date assignments months ahead.
        if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
            for (String node : new TreeSet<>(expiries.take(timestamp))) {
                IdentityNode state = nodes.get(node);
                if (state == null) {
                    continue;
                }
                long due = state.lastSeen + ttlMillis;
                if (due == timestamp) {
                    forget(node, state.customerId, timestamp, out);
                } else if (due > timestamp) {
                    // Seen again since this expiry was planned: the next one is planned only now (see touch).
                    scheduleExpiry(node, state.lastSeen, ctx);
                }
            }
        }
        // Every pending edge has a timer at its own instant, and evidence at or behind the watermark is applied
        // at once: the edges of this instant are all that is due.
        List<IdentityEdge> due = pending.take(timestamp);
        due.sort(Comparator.comparing(IdentityEdge::key));
        for (IdentityEdge edge : due) {
            apply(edge, ctx, out);
        }
    }

    private void apply(IdentityEdge edge, Context ctx, Collector<CustomerAssignment> out) throws Exception {
        IdentityNode a = nodes.get(edge.a());
        IdentityNode b = nodes.get(edge.b());
        if (a == null && b == null) {
            CustomerComponent customer = new CustomerComponent();
            customer.createdAt = edge.ts();
            String id = customerId(edge.a(), edge.ts());
            customer.edges.add(edge.key());
            join(id, customer, edge.a(), null, edge.ts(), null, ctx, out);
            join(id, customer, edge.b(), null, edge.ts(), null, ctx, out);
            customers.put(id, customer);
            return;
        }
        if (a == null || b == null) {
            String known = a == null ? edge.b() : edge.a();
            IdentityNode knownState = a == null ? b : a;
            String unknown = a == null ? edge.a() : edge.b();
            String id = knownState.customerId;
            CustomerComponent customer = customers.get(id);
            touch(known, knownState, edge.ts());
            if (customer.members.size() >= maxIdsPerCustomer) {
                refuse(edge, ctx);
                return;
            }
            customer.edges.add(edge.key());
            join(id, customer, unknown, null, edge.ts(), null, ctx, out);
            customers.put(id, customer);
            return;
        }
        touch(edge.a(), a, edge.ts());
        touch(edge.b(), b, edge.ts());
        if (a.customerId.equals(b.customerId)) {
            CustomerComponent customer = customers.get(a.customerId);
            if (!customer.edges.contains(edge.key())) {
                customer.edges.add(edge.key());
                customers.put(a.customerId, customer);
            }
            return;
        }
        merge(a.customerId, b.customerId, edge, ctx, out);
    }

    private void merge(String one, String other, IdentityEdge edge, Context ctx, Collector<CustomerAssignment> out)
            throws Exception {
        CustomerComponent first = customers.get(one);
        CustomerComponent second = customers.get(other);
        if (first.members.size() + second.members.size() > maxIdsPerCustomer) {
            refuse(edge, ctx);
            return;
        }
        boolean firstSurvives = first.createdAt < second.createdAt
                || (first.createdAt == second.createdAt && one.compareTo(other) < 0);
        String survivorId = firstSurvives ? one : other;
        String absorbedId = firstSurvives ? other : one;
        CustomerComponent survivor = firstSurvives ? first : second;
        CustomerComponent absorbed = firstSurvives ? second : first;
        survivor.edges.addAll(absorbed.edges);
        survivor.edges.add(edge.key());
        for (String member : absorbed.members) {
            join(survivorId, survivor, member, nodes.get(member), edge.ts(), absorbedId, ctx, out);
        }
        customers.remove(absorbedId);
        customers.put(survivorId, survivor);
        merges.inc();
    }

    /**
     * Puts {@code node} into a customer and announces it.
     *
     * @param state the node as stored, null for a new one (passed in: each read of the graph's one key is a RocksDB
     *     lookup, and the callers have just read it)
     */
    private void join(String customerId, CustomerComponent customer, String node, IdentityNode state, long ts,
            String previous, Context ctx, Collector<CustomerAssignment> out) throws Exception {
        customer.members.add(node);
        if (state == null) {
            state = new IdentityNode(customerId, ts);
            scheduleExpiry(node, ts, ctx);
        }
        state.customerId = customerId;
        nodes.put(node, state);
        out.collect(new CustomerAssignment(node, customerId, previous, ts));
    }

    /**
     * Moves the identifier's expiry later without planning a new one: its planned expiry, when due, finds it seen
     * since and plans the next. One planned expiry per identifier, instead of one per piece of evidence (a device
     * seen with its user is re-sent daily, and the TTL is months).
     */
    private void touch(String node, IdentityNode state, long ts) throws Exception {
        if (ts > state.lastSeen) {
            state.lastSeen = ts;
            nodes.put(node, state);
        }
    }

    private void scheduleExpiry(String node, long lastSeen, Context ctx) throws Exception {
        long at = lastSeen + ttlMillis;
        if (expiries.add(at, node)) {
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    private void refuse(IdentityEdge edge, Context ctx) {
        refused.inc();
        ctx.output(REFUSED, edge);
    }

    private void forget(String node, String customerId, long at, Collector<CustomerAssignment> out) throws Exception {
        expired.inc();
        nodes.remove(node);
        CustomerComponent customer = customers.get(customerId);
        customer.members.remove(node);
        customer.edges.removeIf(edge -> edge.startsWith(node + '|') || edge.endsWith('|' + node));
        if (customer.members.isEmpty()) {
            customers.remove(customerId);
            return;
        }
        List<TreeSet<String>> parts = connectedParts(customer);
        parts.sort(Comparator.comparing(TreeSet::first));
        customer.members = new ArrayList<>(parts.get(0));
        for (TreeSet<String> part : parts.subList(1, parts.size())) {
            CustomerComponent split = new CustomerComponent();
            split.createdAt = at;
            String splitId = customerId(part.first(), at);
            split.members = new ArrayList<>(part);
            split.edges = new ArrayList<>(
                    customer.edges.stream().filter(e -> part.contains(e.substring(0, e.indexOf('|')))).toList());
            customer.edges.removeAll(split.edges);
            customers.put(splitId, split);
            for (String member : part) {
                IdentityNode state = nodes.get(member);
                state.customerId = splitId;
                nodes.put(member, state);
                out.collect(new CustomerAssignment(member, splitId, customerId, at));
            }
        }
        customers.put(customerId, customer);
    }

    private static List<TreeSet<String>> connectedParts(CustomerComponent customer) {
        Map<String, List<String>> adjacent = new HashMap<>();
        for (String edge : customer.edges) {
            String a = edge.substring(0, edge.indexOf('|'));
            String b = edge.substring(edge.indexOf('|') + 1);
            adjacent.computeIfAbsent(a, k -> new ArrayList<>()).add(b);
            adjacent.computeIfAbsent(b, k -> new ArrayList<>()).add(a);
        }
        Set<String> seen = new HashSet<>();
        List<TreeSet<String>> parts = new ArrayList<>();
        for (String start : customer.members) {
            if (!seen.add(start)) {
                continue;
            }
            TreeSet<String> part = new TreeSet<>();
            Deque<String> queue = new ArrayDeque<>(List.of(start));
            while (!queue.isEmpty()) {
                String node = queue.poll();
                part.add(node);
                for (String next : adjacent.getOrDefault(node, List.of())) {
                    if (seen.add(next)) {
                        queue.add(next);
                    }
                }
            }
            parts.add(part);
        }
        return parts;
    }

    /** Stable and deterministic: the same first evidence at the same time always names the same customer. */
    static String customerId(String firstNode, long createdAt) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((firstNode + '@' + createdAt).getBytes(StandardCharsets.UTF_8));
            return "c-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
