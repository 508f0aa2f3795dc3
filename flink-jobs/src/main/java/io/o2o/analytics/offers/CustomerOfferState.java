package io.o2o.analytics.offers;

import io.o2o.analytics.state.EventTimeExpiry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the offer engine keeps about one customer, as one state value: the engine reads it once when a timer
 * fires and writes it once afterwards. As a dozen separate states it cost a RocksDB access per use (several per
 * signal) and a column family each, which every checkpoint flushes; a customer's state is small (bounded by the
 * caps, the hourly cleanup and the expiry), so reading and rewriting all of it is the cheaper side.
 *
 * <p>A POJO with the collection interfaces as field types, so that Flink serialises it with its POJO serializer (no
 * Kryo; the job refuses generic types), which also copes with fields added or removed in a later version.
 * Restored collections are {@code HashMap}, {@code HashSet} and {@code ArrayList}: what needs an order sorts, and
 * the lists keep the order offers and visits were added in.
 */
public class CustomerOfferState {
    /**
     * Every identifier of the customer, from the identity graph's membership changes (which reach the engine no
     * later than the customer's activities: attribution learns of an identifier's customer from the same
     * assignments). The ones an online platform can send to are the recipients.
     */
    public Set<String> identifiers = new HashSet<>();
    /** Identifiers of the customer that opted out of offers, with when. */
    public Map<String, Long> optOuts = new HashMap<>();
    /**
     * CRM segments per identifier of the customer. An array, not a list: Flink's POJO analysis gives a map of lists
     * no serializer of its own (it would be Kryo's), a map of arrays it does.
     */
    public Map<String, String[]> segments = new HashMap<>();
    /** Online channels the customer used, with when last. */
    public Map<String, Long> channels = new HashMap<>();
    /** {@code store:<id>} or {@code zone:<id>} the customer is in, with since when. */
    public Map<String, Long> presence = new HashMap<>();
    /** Last purchase per store. */
    public Map<String, Long> lastPurchase = new HashMap<>();
    /** Last visit exit or purchase in any store; null before the first. */
    public Long lastStoreActivity;
    /** When old sent offers, decided ids and lost presences were last forgotten; null before the first time. */
    public Long lastCleanup;
    /** Visits waiting for their grace period to end, in the order they came. */
    public List<VisitCheck> visitChecks = new ArrayList<>();
    /** Offers sent to the customer (kept {@link OfferEngine#KEPT_OFFERS}), in the order they were sent. */
    public List<SentOffer> sentOffers = new ArrayList<>();
    /** Offers per rule ever sent to the customer. */
    public Map<String, Integer> sentPerRule = new HashMap<>();
    /**
     * Live moments decided as they arrived whose final moment has not come yet, by event id, with their
     * {@code knownAt}: one still here an hour later was contradicted by the final decisions (counted).
     */
    public Map<String, Long> liveUnconfirmed = new HashMap<>();
    /** Offer ids decided, with when, so that a repeated trigger decides nothing twice. */
    public Map<String, Long> decided = new HashMap<>();
    /** When the customer's state is forgotten (no signal for the TTL); null until the first signal. */
    public EventTimeExpiry.Clock expiry;

    public CustomerOfferState() {}

    /** Fields added after a savepoint was taken are whatever the serializer restored them as: empty, not null. */
    void fieldsOfLaterVersions() {
        if (liveUnconfirmed == null) {
            liveUnconfirmed = new HashMap<>();
        }
    }
}
