package io.o2o.analytics.zones;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.StoreFence;
import java.io.Serializable;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A store's opening hours in its time zone, from the fence file's {@code openingHours} ({@code HH:mm-HH:mm}) and
 * {@code timezone} (IANA) properties.
 *
 * @param closes null for a store open until midnight ({@code 24:00})
 * @param hoursPerDay whole and started hours open in a day: what a staff day is measured against
 */
public record StoreHours(ZoneId zone, LocalTime opens, LocalTime closes, int hoursPerDay) implements Serializable {

    public static StoreHours parse(String hours, String zone) {
        LocalTime opens = LocalTime.parse(hours.substring(0, 5));
        String end = hours.substring(6);
        LocalTime closes = end.equals("24:00") ? null : LocalTime.parse(end);
        int closingHour = closes == null ? 24 : closes.getHour() + (closes.getMinute() > 0 ? 1 : 0);
        return new StoreHours(ZoneId.of(zone), opens, closes, Math.max(1, closingHour - opens.getHour()));
    }

    /** The store's opening hours, if the fence file gives them; in UTC when it gives no time zone. */
    public static Optional<StoreHours> of(StoreFence store) {
        return store.property("openingHours").map(hours -> parse(hours, store.property("timezone").orElse("UTC")));
    }

    /** Per store of the catalogue that has opening hours; parsed once, so that readers can look them up per event. */
    public static Map<String, StoreHours> of(FenceCatalog fences) {
        Map<String, StoreHours> hours = new HashMap<>();
        for (StoreFence store : fences.stores()) {
            of(store).ifPresent(open -> hours.put(store.id(), open));
        }
        return hours;
    }

    public boolean open(LocalTime time) {
        return !time.isBefore(opens) && (closes == null || time.isBefore(closes));
    }
}
