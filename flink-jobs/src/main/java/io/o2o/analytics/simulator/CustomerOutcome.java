package io.o2o.analytics.simulator;

import io.o2o.analytics.records.RawRecord;
import java.util.List;

/**
 * Everything one customer contributes: their records, in the order made, and their share of the truth.
 *
 * @param walk where they truly walked, or null for a customer who never left home
 * @param conversion the online-to-offline journey, or null
 * @param offlineToOnline the online activity after a visit, or null
 * @param identities the groups of identifiers their evidence connects
 * @param zoneStays where a phone with Bluetooth on truly stood in the zones of the stores entered, in time order
 */
record CustomerOutcome(
        Customer customer,
        Trajectory walk,
        List<RawRecord> records,
        List<TrueEntry> entries,
        List<TrueVisit> visits,
        List<TruePassBy> passBys,
        TrueConversion conversion,
        TrueOfflineToOnline offlineToOnline,
        List<TrueIdentity> identities,
        List<TrueZoneStay> zoneStays) {}
