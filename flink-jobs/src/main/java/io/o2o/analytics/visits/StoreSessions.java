package io.o2o.analytics.visits;

import io.o2o.analytics.fence.FenceIndex;
import io.o2o.analytics.fence.StoreProximity;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.StoreVisitEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rules that move one device's store sessions through its pings (docs/visit-detection.md), at both speeds:
 * visit detection applies them in event time behind the watermark, live moments as the device's pings arrive. One
 * piece, so that a live moment is the decision the final path makes from the same pings.
 *
 * <p>Decisions go to the caller's sink without a customer: who the device belongs to is the caller's to know.
 */
final class StoreSessions {
    private final FenceIndex index;
    private final VisitRules rules;
    private final long exitTimeoutMillis;
    private final long minDwellMillis;

    StoreSessions(FenceIndex index, VisitRules rules) {
        this.index = index;
        this.rules = rules;
        this.exitTimeoutMillis = rules.exitTimeout().toMillis();
        this.minDwellMillis = rules.minDwell().toMillis();
    }

    /** Moves every session of this device through the instant {@code ping.ts()}. */
    void apply(LbsPing ping, String deviceId, Map<String, StoreSession> open, Consumer<StoreVisitEvent> decide) {
        boolean accurate = ping.accuracyM() <= rules.maxEntryAccuracyM();
        Map<String, StoreProximity> near = new HashMap<>();
        for (StoreProximity proximity : index.storesNear(ping.lat(), ping.lon())) {
            near.put(proximity.store().id(), proximity);
        }
        if (accurate) {
            for (StoreProximity proximity : near.values()) {
                open.computeIfAbsent(proximity.store().id(), id -> StoreSession.startedAt(ping.ts(), ping.userId()));
            }
        }
        Iterator<Map.Entry<String, StoreSession>> sessions = open.entrySet().iterator();
        while (sessions.hasNext()) {
            Map.Entry<String, StoreSession> entry = sessions.next();
            String storeId = entry.getKey();
            StoreProximity proximity = near.get(storeId);
            if (proximity == null) {
                proximity = index.proximity(storeId, ping.lat(), ping.lon());
            }
            if (track(ping, accurate, proximity, entry.getValue(), deviceId, decide)) {
                sessions.remove();
            }
        }
    }

    /** @return whether the device has left the store's surroundings, so that its session is over */
    private boolean track(
            LbsPing ping,
            boolean accurate,
            StoreProximity proximity,
            StoreSession session,
            String deviceId,
            Consumer<StoreVisitEvent> decide) {
        double distance = proximity.signedDistanceM();
        double nearLimit = Math.max(proximity.store().nearBufferM(), rules.exitMarginM());
        if (distance <= nearLimit) {
            session.lastNearAt = ping.ts();
            if (ping.userId() != null) {
                session.userId = ping.userId();
            }
        }
        if (session.visitOpen()) {
            if (distance <= rules.exitMarginM()) {
                session.lastPresenceAt = ping.ts();
            }
            return false;
        }
        if (!accurate) {
            return false;
        }
        // Beyond the near-buffer by more than the fix's own error: the device has passed, now. Waiting for the exit
        // timeout would tell a passer-by "you just passed us" minutes and hundreds of metres later.
        if (distance > nearLimit + ping.accuracyM()) {
            if (!session.visited) {
                decide.accept(StoreVisitEvent.of(StoreVisitEvent.PASS_BY, deviceId, session.userId,
                        proximity.store().id(), session.lastNearAt, null, null).decidedAt(ping.ts()));
            }
            return true;
        }
        if (proximity.depthInsideM() >= rules.enterDepthM() && distance <= 0) {
            boolean runExpired = ping.ts() - session.candidateEnterAt > exitTimeoutMillis;
            if (session.insideStreak == 0 || runExpired) {
                session.insideStreak = 0;
                session.candidateEnterAt = ping.ts();
            }
            session.insideStreak++;
            if (session.insideStreak >= rules.entryConfirmations()) {
                session.enteredAt = session.candidateEnterAt;
                session.lastPresenceAt = ping.ts();
                session.insideStreak = 0;
                decide.accept(StoreVisitEvent.of(
                        StoreVisitEvent.ENTER, deviceId, session.userId, proximity.store().id(), session.enteredAt,
                        session.enteredAt, null).decidedAt(ping.ts()));
            }
        } else if (distance > 0) {
            session.insideStreak = 0;
        }
        return false;
    }

    /**
     * Closes every visit and session whose deadline is at or before {@code until}, in deadline order: a gap
     * in presence of exactly the exit timeout closes the visit.
     */
    void expire(Map<String, StoreSession> open, String deviceId, long until, Consumer<StoreVisitEvent> decide) {
        List<String> storeIds = new ArrayList<>(open.keySet());
        storeIds.sort(Comparator.<String>comparingLong(id -> open.get(id).nextDeadline(exitTimeoutMillis))
                .thenComparing(Comparator.naturalOrder()));
        for (String storeId : storeIds) {
            StoreSession session = open.get(storeId);
            if (session.visitOpen() && session.visitDeadline(exitTimeoutMillis) <= until) {
                closeVisit(deviceId, storeId, session, decide);
            }
            if (!session.visitOpen() && session.sessionDeadline(exitTimeoutMillis) <= until) {
                if (!session.visited) {
                    decide.accept(StoreVisitEvent.of(
                            StoreVisitEvent.PASS_BY, deviceId, session.userId, storeId, session.lastNearAt, null, null));
                }
                open.remove(storeId);
            }
        }
    }

    /** The next instant at which the sessions must be looked at again if no ping comes; none when there are none. */
    long nextDeadline(Map<String, StoreSession> open) {
        long next = Long.MAX_VALUE;
        for (StoreSession session : open.values()) {
            next = Math.min(next, session.nextDeadline(exitTimeoutMillis));
        }
        return next;
    }

    private void closeVisit(String deviceId, String storeId, StoreSession session, Consumer<StoreVisitEvent> decide) {
        long enteredAt = session.enteredAt;
        long exitedAt = session.lastPresenceAt;
        decide.accept(StoreVisitEvent.of(
                StoreVisitEvent.EXIT, deviceId, session.userId, storeId, exitedAt, enteredAt, exitedAt));
        if (exitedAt - enteredAt >= minDwellMillis) {
            session.visited = true;
            decide.accept(StoreVisitEvent.of(
                    StoreVisitEvent.VISIT, deviceId, session.userId, storeId, exitedAt, enteredAt, exitedAt));
        }
        session.enteredAt = null;
        session.lastNearAt = Math.max(session.lastNearAt, exitedAt);
    }
}
