package io.o2o.analytics.zones;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.StoreFence;
import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A store's opening hours in its time zone, from the fence file's {@code openingHours} ({@code HH:mm-HH:mm}),
 * {@code openingDays} ({@code MON,...,SUN}; every day when absent) and {@code timezone} (IANA) properties
 * (geo-fences/README.md).
 *
 * <p>Hours whose end is before their start cross midnight ({@code 18:00-02:00}): the store opens at 18:00 and closes
 * at 02:00 the next day. Such a night belongs to the day it opened, as shops and bars count it: a store open on
 * Fridays only is open on Saturday at 01:00 (Friday's night) and closed on Friday at 01:00 (Thursday's). Equal start
 * and end are refused (closed all day, or open around the clock?); {@code 00:00-24:00} is open around the clock.
 *
 * @param closes null for a store open until midnight ({@code 24:00})
 * @param days the days the store opens on (a night after midnight belongs to the day before)
 * @param hoursPerDay whole and started hours of one opening: what a staff day is measured against
 */
public record StoreHours(ZoneId zone, LocalTime opens, LocalTime closes, Set<DayOfWeek> days, int hoursPerDay)
        implements Serializable {

    private static final List<String> DAY_CODES = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
    private static final int MINUTES_PER_DAY = 24 * 60;

    /** Every day of the week, in the store's zone. */
    public static StoreHours parse(String hours, String zone) {
        return parse(hours, null, zone);
    }

    /**
     * @param hours {@code HH:mm-HH:mm}, {@code 24:00} allowed as the end
     * @param days comma-separated {@code MON} ... {@code SUN}, or null for every day
     */
    public static StoreHours parse(String hours, String days, String zone) {
        LocalTime opens = LocalTime.parse(hours.substring(0, 5));
        String end = hours.substring(6);
        LocalTime closes = end.equals("24:00") ? null : LocalTime.parse(end);
        if (opens.equals(closes)) {
            throw new IllegalArgumentException("opening hours " + hours + " open and close at the same time; "
                    + "00:00-24:00 is open around the clock");
        }
        Set<DayOfWeek> open = EnumSet.noneOf(DayOfWeek.class);
        if (days == null) {
            open.addAll(EnumSet.allOf(DayOfWeek.class));
        } else {
            for (String day : days.split(",", -1)) {
                int index = DAY_CODES.indexOf(day);
                if (index < 0) {
                    throw new IllegalArgumentException("opening days must be MON ... SUN, comma-separated, found " + days);
                }
                open.add(DayOfWeek.of(index + 1));
            }
        }
        return new StoreHours(ZoneId.of(zone), opens, closes, open, hoursPerOpening(opens, closes));
    }

    /** The store's opening hours, if the fence file gives them; in UTC when it gives no time zone. */
    public static Optional<StoreHours> of(StoreFence store) {
        return store.property("openingHours").map(hours -> parse(
                hours, store.property("openingDays").orElse(null), store.property("timezone").orElse("UTC")));
    }

    /** Per store of the catalogue that has opening hours; parsed once, so that readers can look them up per event. */
    public static Map<String, StoreHours> of(FenceCatalog fences) {
        Map<String, StoreHours> hours = new HashMap<>();
        for (StoreFence store : fences.stores()) {
            of(store).ifPresent(open -> hours.put(store.id(), open));
        }
        return hours;
    }

    /** Whether the hours cross midnight: the store closes the day after it opened. */
    public boolean overnight() {
        return closes != null && closes.isBefore(opens);
    }

    /** Whether the store is open at {@code at}. */
    public boolean open(long at) {
        return open(Instant.ofEpochMilli(at).atZone(zone));
    }

    /** Whether the store is open at {@code local}, a time in the store's zone. */
    public boolean open(ZonedDateTime local) {
        LocalTime time = local.toLocalTime();
        DayOfWeek day = local.getDayOfWeek();
        if (!overnight()) {
            return days.contains(day) && !time.isBefore(opens) && (closes == null || time.isBefore(closes));
        }
        return days.contains(day) && !time.isBefore(opens) || days.contains(day.minus(1)) && time.isBefore(closes);
    }

    /**
     * The day whose opening {@code local} belongs to: the local date, except in the small hours of a store open across
     * midnight, which belong to the night that began the day before.
     */
    public LocalDate openingDay(ZonedDateTime local) {
        return overnight() && local.toLocalTime().isBefore(closes) ? local.toLocalDate().minusDays(1) : local.toLocalDate();
    }

    /** Hours of the clock (0 to 23) during which the store is open at some minute, in one opening. */
    private static int hoursPerOpening(LocalTime opens, LocalTime closes) {
        int from = opens.getHour() * 60 + opens.getMinute();
        int until = closes == null ? MINUTES_PER_DAY : closes.getHour() * 60 + closes.getMinute();
        int hours = 0;
        for (int hour = 0; hour < 24; hour++) {
            int start = hour * 60;
            int end = start + 60;
            boolean open = until > from
                    ? start < until && end > from
                    : end > from || start < until;
            if (open) {
                hours++;
            }
        }
        return Math.max(1, hours);
    }
}
