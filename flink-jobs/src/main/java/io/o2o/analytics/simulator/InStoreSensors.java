package io.o2o.analytics.simulator;

import io.o2o.analytics.fence.ZoneFence;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.simulator.CityMap.StoreSite;
import io.o2o.analytics.simulator.CityMap.ZoneSite;
import io.o2o.analytics.simulator.RecordJson.Clock;
import java.util.Optional;
import java.util.SplittableRandom;
import org.locationtech.jts.geom.Coordinate;

/** What a store's Wi-Fi access point and zone beacons hear of a phone inside: customers' and staff's alike. */
final class InStoreSensors {
    private static final long WIFI_PROBE_EVERY_MILLIS = 60_000;
    private static final long BEACON_EVERY_MILLIS = 30_000;
    /**
     * How close a beacon of another zone must be to hear the phone: -65 dBm at that distance, the weakest
     * advertisement a store's receivers keep. Where two zones meet, both beacons hear the phone.
     */
    static final double BEACON_RANGE_M = 10;
    /** Every gap between two pings or readings is its mean stretched or shrunk by up to this share. */
    private static final double JITTER = 0.3;

    private InStoreSensors() {}

    /**
     * The access point hears the phone's probe requests about once a minute (when Wi-Fi is on), with the zone
     * the phone stands in (the store's default zone between zones) and the signal from the access point; zone
     * beacons hear it about every 30 s (when Bluetooth is on) while it stands in a zone: the beacons of that
     * zone, placed to cover it, and any other beacon of the store within {@link #BEACON_RANGE_M}, each
     * reading's signal from the distance to its beacon.
     */
    static void hear(CityMap city, StoreSite site, Trajectory trajectory, Interval span, String mac, boolean wifiOn,
            boolean bluetoothOn, SplittableRandom noise, RecordSink sink) {
        if (wifiOn) {
            CityMap.Sensor accessPoint = site.accessPoint();
            for (long t = span.from() + noise.nextLong(WIFI_PROBE_EVERY_MILLIS); t <= span.to();
                    t += jittered(WIFI_PROBE_EVERY_MILLIS, noise)) {
                Coordinate at = trajectory.at(t);
                String zoneId = city.zoneAt(site.id(), at).map(ZoneFence::id).orElse(site.defaultZoneId());
                int rssi = GpsModel.rssi(accessPoint.rssiAt1mDbm(), at.distance(accessPoint.at()), noise);
                sink.add(InputTopic.STORE_SENSORS, site.id(),
                        RecordJson.presence(accessPoint.id(), site.id(), zoneId, "wifi_probe", mac, rssi, t, Clock.ISO),
                        t);
            }
        }
        if (bluetoothOn) {
            for (long t = span.from() + noise.nextLong(BEACON_EVERY_MILLIS); t <= span.to();
                    t += jittered(BEACON_EVERY_MILLIS, noise)) {
                Coordinate at = trajectory.at(t);
                Optional<ZoneSite> zone = city.zoneAt(site.id(), at).flatMap(z -> site.zone(z.id()));
                if (zone.isEmpty()) {
                    continue;
                }
                String zoneId = zone.get().zone().id();
                for (CityMap.Sensor beacon : site.beacons()) {
                    double distance = at.distance(beacon.at());
                    if (beacon.zoneId().equals(zoneId) || distance <= BEACON_RANGE_M) {
                        int rssi = GpsModel.rssi(beacon.rssiAt1mDbm(), distance, noise);
                        sink.add(InputTopic.STORE_SENSORS, site.id(),
                                RecordJson.presence(beacon.id(), site.id(), beacon.zoneId(), "ble_beacon", mac, rssi, t,
                                        Clock.ISO),
                                t);
                    }
                }
            }
        }
    }

    static long jittered(long interval, SplittableRandom noise) {
        return Math.max(1, Math.round(interval * RandomStreams.uniform(noise, 1 - JITTER, 1 + JITTER)));
    }
}
