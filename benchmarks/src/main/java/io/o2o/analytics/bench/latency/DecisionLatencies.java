package io.o2o.analytics.bench.latency;

import io.o2o.analytics.bench.latency.OutputRecords.AuditDecision;
import io.o2o.analytics.bench.latency.OutputRecords.DeadLetterRef;
import io.o2o.analytics.bench.latency.OutputRecords.OfferSent;
import io.o2o.analytics.bench.latency.OutputRecords.VisitDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Links each output record to the input record that made it possible and measures the time between their appends
 * to Kafka (both topics with {@code LogAppendTime}, so both times are the broker's clock).
 *
 * <p>Only decisions made possible inside the measured window count: their ping was appended in it. The feed goes
 * on after the window so that event time keeps moving and the window's last decisions are made; decisions of pings
 * after it would be cut off by the end of the run, the slow ones first, and would bias the figures towards the fast.
 */
public final class DecisionLatencies {
    private DecisionLatencies() {}

    /**
     * The measured window: input appended from {@code appendStart} (the live feed's start) until {@code appendEnd};
     * for decisions that name only an event time, the same span in event time.
     */
    public record Window(long appendStart, long appendEnd, long eventTimeStart, long eventTimeEnd) {
        public boolean appended(long appendMillis) {
            return appendMillis >= appendStart && appendMillis < appendEnd;
        }

        public boolean happened(long eventTime) {
            return eventTime >= eventTimeStart && eventTime < eventTimeEnd;
        }
    }

    /** The append of the ping a visit decision was made from, if that ping is in the input. */
    public static OptionalLong pingAppend(VisitDecision decision, PingIndex pings) {
        return pings.appendOf(decision.deviceId(), decision.decisivePingTime());
    }

    /** Decisions of one type ({@code enter}, {@code pass_by}, {@code exit}) from their decisive ping. */
    public static LatencyRow visits(String type, String from, List<VisitDecision> decisions, PingIndex pings,
            Window window) {
        return visits(type, type, from, decisions, pings, window);
    }

    /** As {@link #visits(String, String, List, PingIndex, Window)}, in a row named {@code kind}. */
    public static LatencyRow visits(String type, String kind, String from, List<VisitDecision> decisions,
            PingIndex pings, Window window) {
        List<Long> latencies = new ArrayList<>();
        long unlinked = 0;
        for (VisitDecision decision : firstOfEach(decisions).values()) {
            if (!decision.type().equals(type)) {
                continue;
            }
            OptionalLong ping = pingAppend(decision, pings);
            if (ping.isEmpty()) {
                if (window.happened(decision.decisivePingTime())) {
                    unlinked++;
                }
            } else if (window.appended(ping.getAsLong())) {
                latencies.add(decision.append() - ping.getAsLong());
            }
        }
        return new LatencyRow(kind, from, Percentiles.of(latencies), unlinked);
    }

    /**
     * Offers fired by an entry or a pass-by, from that moment's decisive ping: the offer names its moment only
     * through the audit ({@code offerId} to {@code triggerEventId}, the {@code visits} record's {@code eventId}).
     * Offers fired by other moments (a dwell timer, a visit without purchase) have no ping and are not in these rows.
     *
     * @param momentType {@code enter} or {@code pass_by}
     * @param decidedAt when each offer was there, by {@code offerId}: a geo-offer visible to a read_committed
     *     consumer, or the audit's sent decision appended
     */
    public static LatencyRow offersOn(String momentType, String kind, String from, Map<String, Long> decidedAt,
            List<AuditDecision> audit, List<VisitDecision> visits, PingIndex pings, Window window) {
        Map<String, VisitDecision> moments = firstOfEach(visits);
        Map<String, AuditDecision> sent = new HashMap<>();
        for (AuditDecision decision : audit) {
            if (decision.sent()) {
                sent.putIfAbsent(decision.offerId(), decision);
            }
        }
        List<Long> latencies = new ArrayList<>();
        long unlinked = 0;
        for (Map.Entry<String, Long> offer : decidedAt.entrySet()) {
            AuditDecision decision = sent.get(offer.getKey());
            VisitDecision moment = decision == null ? null : moments.get(decision.triggerEventId());
            if (moment == null || !moment.type().equals(momentType)) {
                continue;
            }
            OptionalLong ping = pingAppend(moment, pings);
            if (ping.isEmpty()) {
                if (window.happened(moment.decisivePingTime())) {
                    unlinked++;
                }
            } else if (window.appended(ping.getAsLong())) {
                latencies.add(offer.getValue() - ping.getAsLong());
            }
        }
        return new LatencyRow(kind, from, Percentiles.of(latencies), unlinked);
    }

    /** The first append of each sent decision in the audit, by {@code offerId}. */
    public static Map<String, Long> auditAppends(List<AuditDecision> audit) {
        Map<String, Long> appends = new HashMap<>();
        audit.stream().filter(AuditDecision::sent)
                .forEach(decision -> appends.merge(decision.offerId(), decision.append(), Math::min));
        return appends;
    }

    /**
     * Every geo-offer, whatever fired it, from its {@code sentAt} (the event time the engine decided) to when it was
     * visible: a time minus an event time, comparable with the input's own append minus event time
     * ({@link #inputLag}).
     *
     * @param visibleAt when each offer was visible to a read_committed consumer, by {@code offerId}
     */
    public static LatencyRow offersFromSentAt(List<OfferSent> offers, Map<String, Long> visibleAt, Window window) {
        Map<String, Long> sentAt = new HashMap<>();
        offers.forEach(offer -> sentAt.putIfAbsent(offer.offerId(), offer.sentAt()));
        List<Long> latencies = new ArrayList<>();
        long unlinked = 0;
        for (Map.Entry<String, Long> offer : sentAt.entrySet()) {
            if (!window.happened(offer.getValue())) {
                continue;
            }
            Long visible = visibleAt.get(offer.getKey());
            if (visible == null) {
                unlinked++;
            } else {
                latencies.add(visible - offer.getValue());
            }
        }
        return new LatencyRow("geo-offer visible, any trigger", "its sentAt (event time of the decision)",
                Percentiles.of(latencies), unlinked);
    }

    /**
     * Dead letters from the refused record's append: refused by the parser as it was read, or later, in event time,
     * by visit detection (a ping behind the watermark, a fix sent twice).
     */
    public static LatencyRow deadLetters(boolean refusedWhenRead, List<DeadLetterRef> deadLetters, Window window) {
        List<Long> latencies = new ArrayList<>();
        for (DeadLetterRef deadLetter : deadLetters) {
            if (deadLetter.refusedWhenRead() == refusedWhenRead && window.appended(deadLetter.receivedAt())) {
                latencies.add(deadLetter.append() - deadLetter.receivedAt());
            }
        }
        return refusedWhenRead
                ? new LatencyRow("dead letter, when read", "the refused record (its receivedAtMillis)",
                        Percentiles.of(latencies), -1)
                : new LatencyRow("dead letter, late/dup", "the refused ping (refused in event time: late, duplicate)",
                        Percentiles.of(latencies), -1);
    }

    /** The input's own append minus event time: how far behind its events the feed itself reaches Kafka. */
    public static LatencyRow inputLag(List<Long> appendMinusEventTime) {
        return new LatencyRow("input", "its own event time (append - event time)", Percentiles.of(appendMinusEventTime),
                -1);
    }

    /** The first copy of each decision: an at-least-once topic may hold a decision twice after a restart. */
    private static Map<String, VisitDecision> firstOfEach(List<VisitDecision> decisions) {
        Map<String, VisitDecision> first = new HashMap<>();
        decisions.forEach(d -> first.merge(d.eventId(), d, (a, b) -> a.append() <= b.append() ? a : b));
        return first;
    }
}
