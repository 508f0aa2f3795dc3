package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.RandomStreams.chance;
import static io.o2o.analytics.simulator.RandomStreams.millisBetween;

import io.o2o.analytics.fence.ZoneFence;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.simulator.CityMap.StoreSite;
import io.o2o.analytics.simulator.CityMap.ZoneSite;
import io.o2o.analytics.simulator.JourneyPlanner.StoreRoute;
import io.o2o.analytics.simulator.RecordJson.Clock;
import io.o2o.analytics.simulator.WalkTruth.StoreSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.locationtech.jts.geom.Coordinate;

/**
 * Plays out one customer's journey: where they walk and when, what their phone, the store's sensors, the till
 * and the online platforms record about it, and what really happened.
 *
 * <p>Each customer draws only from their own random stream, split into separate streams for planning, sensor
 * noise and delivery delays: a customer's journey depends on the seed, their index, the settings and the
 * fences, never on how many other customers there are.
 */
final class JourneySimulator {
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;

    /** Planned stays keep 5 s clear of the 6 and 45 minute limits, so rounding never crosses them. */
    private static final long MIN_VISIT_MILLIS = WalkTruth.MIN_VISIT.toMillis() + 5 * SECOND;
    private static final long MAX_VISIT_MILLIS = 45 * MINUTE - 5 * SECOND;
    private static final long MIN_BROWSING_MILLIS = MINUTE;
    private static final long MIN_WALK_THROUGH_MILLIS = 32 * SECOND;
    private static final long MAX_WALK_THROUGH_MILLIS = 88 * SECOND;
    /** Online engagement comes 10 to 90 minutes before walking in. */
    private static final long MIN_LEAD_MILLIS = 10 * MINUTE + 5 * SECOND;
    private static final long MAX_LEAD_MILLIS = 90 * MINUTE - 5 * SECOND;
    private static final long MAX_SESSION_MILLIS = 5 * MINUTE;
    /** Room before the first online event for the app login that precedes it. */
    private static final long LOGIN_MARGIN_MILLIS = MINUTE;

    private static final long WIFI_PROBE_EVERY_MILLIS = MINUTE;
    private static final long BEACON_EVERY_MILLIS = 30 * SECOND;
    private static final double JITTER = 0.3;

    private static final List<String> CHANNELS = List.of("app", "wechat", "weibo", "web", "mini_program");
    /** Drawn uniformly, so views (listed three times) make half of all browsing. */
    private static final List<String> BROWSING_ACTIONS = List.of("view", "view", "view", "cart", "coupon_claim", "order");
    private static final List<String> ITEM_ZONE_KINDS = List.of("aisle", "display", "fitting_room");

    private static final double APP_LOGIN_SHARE = 0.9;
    private static final double MEMBER_SCAN_SHARE = 0.7;
    private static final double WIFI_PORTAL_SHARE = 0.5;

    private final CityMap city;
    private final JourneyPlanner planner;
    private final SimulationSettings settings;

    JourneySimulator(CityMap city, SimulationSettings settings) {
        this.city = city;
        this.planner = new JourneyPlanner(city);
        this.settings = settings;
    }

    CustomerOutcome simulate(int index) {
        SplittableRandom random = RandomStreams.forCustomer(settings.seed(), index);
        JourneyKind journey = settings.mix().journeyFor(random.nextDouble());
        Customer customer = Customer.draw(index, journey, random);
        return new Run(customer, random).play();
    }

    /** One customer's journey being played out, collecting records and truth as it goes. */
    private final class Run {
        private final Customer customer;
        private final SplittableRandom plan;
        private final SplittableRandom noise;
        private final RecordSink sink;
        private final Clock phoneClock;
        private final List<TrueEntry> entries = new ArrayList<>();
        private final List<TrueVisit> visits = new ArrayList<>();
        private final List<TruePassBy> passBys = new ArrayList<>();
        private TrueConversion conversion;
        private Trajectory walk;

        Run(Customer customer, SplittableRandom random) {
            this.customer = customer;
            this.plan = random.split();
            this.noise = random.split();
            this.sink = new RecordSink(random.split());
            this.phoneClock = customer.epochMillisClock() ? Clock.EPOCH_MILLIS : Clock.ISO;
        }

        CustomerOutcome play() {
            switch (customer.journey()) {
                case STORE_VISITOR -> visitStore(false);
                case O2O_VISITOR -> visitStore(true);
                case PASSER_BY -> passBy();
                case WALK_THROUGH -> walkThrough();
                case ONLINE_ONLY -> browseOnline();
            }
            return new CustomerOutcome(customer, walk, sink.records(), entries, visits, passBys, conversion);
        }

        private void visitStore(boolean online) {
            StoreSite site = planner.pickStore(plan);
            double speed = JourneyPlanner.walkingSpeed(plan);
            boolean buyer = chance(plan, online ? settings.mix().o2oPurchaseRate() : settings.mix().visitorPurchaseRate());
            StoreRoute route = planner.visitRoute(site, plan, speed);
            long minInside = Math.min(
                    MAX_VISIT_MILLIS, Math.max(MIN_VISIT_MILLIS, route.insideWalkingMillis() + MIN_BROWSING_MILLIS));
            long inside = millisBetween(plan, minInside, MAX_VISIT_MILLIS);
            long lead = online ? millisBetween(plan, MIN_LEAD_MILLIS, MAX_LEAD_MILLIS) : 0;
            long session = online ? millisBetween(plan, 0, MAX_SESSION_MILLIS) : 0;

            // Shorten what is most elastic until the journey fits the window: the lead, the stay, the session.
            long excess = (online ? Math.max(LOGIN_MARGIN_MILLIS + session + lead, route.approachMillis())
                            : route.approachMillis())
                    + inside + route.leaveMillis() - settings.duration().toMillis();
            if (online && excess > 0) {
                long cut = Math.min(excess, lead - MIN_LEAD_MILLIS);
                lead -= cut;
                excess -= cut;
            }
            if (excess > 0) {
                long cut = Math.min(excess, inside - minInside);
                inside -= cut;
                excess -= cut;
            }
            if (online && excess > 0) {
                long cut = Math.min(excess, session);
                session -= cut;
            }
            long prelude = online ? LOGIN_MARGIN_MILLIS + session + lead : 0;
            long earliestEnter = settings.startMillis() + Math.max(prelude, route.approachMillis());
            long latestEnter = settings.endMillis() - inside - route.leaveMillis();
            long enter = millisBetween(plan, earliestEnter, Math.max(earliestEnter, latestEnter));

            Trajectory trajectory = route.route().build(enter - route.approachMillis(), inside - route.insideWalkingMillis());
            WalkTruth truth = walk(trajectory, !online);
            Optional<StoreSpan> visit = truth.visits().stream().filter(v -> v.site() == site).findFirst();
            if (visit.isEmpty()) {
                return; // cannot happen with a validated window; the truth stays what the path did
            }
            Interval span = visit.get().span();
            String sku = online ? Skus.pick(plan) : null;
            Purchase purchase = buyer ? purchase(site, span, sku) : null;
            inStoreIdentity(span, purchase);
            if (online) {
                String channel = RandomStreams.pick(plan, CHANNELS);
                long engaged = span.from() - lead;
                engageBeforeVisit(channel, site, sku, engaged - session, engaged);
                conversion = new TrueConversion(
                        customer.customerId(), channel, site.id(), engaged, span.from(),
                        purchase == null ? null : purchase.ts(), purchase == null ? null : purchase.amount());
            }
        }

        private void walkThrough() {
            StoreSite site = planner.pickStore(plan);
            double speed = JourneyPlanner.walkingSpeed(plan);
            StoreRoute route = planner.walkThroughRoute(site, plan, speed);
            long inside = Math.max(
                    millisBetween(plan, MIN_WALK_THROUGH_MILLIS, MAX_WALK_THROUGH_MILLIS), route.insideWalkingMillis());
            long total = route.approachMillis() + inside + route.leaveMillis();
            long start = millisBetween(plan, settings.startMillis(), settings.endMillis() - total);
            walk(route.route().build(start, inside - route.insideWalkingMillis()), true);
        }

        private void passBy() {
            StoreSite site = planner.pickStore(plan);
            Route route = planner.passRoute(site, plan, JourneyPlanner.walkingSpeed(plan));
            long start = millisBetween(plan, settings.startMillis(), settings.endMillis() - route.walkingMillis());
            walk(route.build(start, 0), true);
        }

        /**
         * Walks the trajectory: the truth it makes, the phone's fixes along it and the in-store sensors' readings
         * wherever it goes inside.
         */
        private WalkTruth walk(Trajectory trajectory, boolean opensApp) {
            walk = trajectory;
            WalkTruth truth = WalkTruth.of(trajectory, city);
            Map<StoreSite, Long> lastNear = new LinkedHashMap<>();
            for (StoreSpan near : truth.near()) {
                lastNear.merge(near.site(), near.span().to(), Math::max);
            }
            for (StoreSpan inside : truth.inside()) {
                entries.add(new TrueEntry(customer.customerId(), customer.rawDeviceId(), inside.site().id(),
                        inside.span().from(), inside.span().to()));
            }
            for (StoreSpan visit : truth.visits()) {
                visits.add(new TrueVisit(customer.customerId(), customer.rawDeviceId(), visit.site().id(),
                        visit.span().from(), visit.span().to()));
                lastNear.remove(visit.site());
            }
            lastNear.forEach((site, at) ->
                    passBys.add(new TruePassBy(customer.customerId(), customer.rawDeviceId(), site.id(), at)));

            if (opensApp && customer.appUser() && chance(plan, APP_LOGIN_SHARE)) {
                long at = trajectory.start() + millisBetween(plan, 0, Math.min(2 * MINUTE, trajectory.end() - trajectory.start()));
                appLogin(at);
            }
            pings(trajectory, truth);
            for (StoreSpan inside : truth.inside()) {
                inStoreSensors(trajectory, inside);
            }
            return truth;
        }

        private void pings(Trajectory trajectory, WalkTruth truth) {
            long interval = settings.pingInterval().toMillis();
            String userId = customer.userIdOnPings() ? customer.userId() : null;
            for (long t = trajectory.start() + noise.nextLong(interval); t <= trajectory.end(); t += jittered(interval)) {
                GpsModel.Fix fix = GpsModel.fix(trajectory.at(t), truth.insideAnyStore(t), noise);
                double[] latLon = city.latLon(fix.position());
                sink.add(InputTopic.LBS_PINGS, customer.rawDeviceId(),
                        RecordJson.ping(customer.rawDeviceId(), userId, latLon[0], latLon[1], fix.accuracyM(), t,
                                fix.source(), phoneClock),
                        t);
            }
        }

        /**
         * Wi-Fi access points hear the phone's probe requests about once a minute (when Wi-Fi is on); zone
         * beacons are heard about every 30 s (when Bluetooth is on) while the customer stands in a zone.
         */
        private void inStoreSensors(Trajectory trajectory, StoreSpan inside) {
            StoreSite site = inside.site();
            Interval span = inside.span();
            if (customer.wifiOn()) {
                for (long t = span.from() + noise.nextLong(WIFI_PROBE_EVERY_MILLIS); t <= span.to();
                        t += jittered(WIFI_PROBE_EVERY_MILLIS)) {
                    Coordinate at = trajectory.at(t);
                    String zoneId = city.zoneAt(site.id(), at).map(ZoneFence::id).orElse(site.defaultZoneId());
                    int rssi = GpsModel.rssi(at.distance(site.centroid()), noise);
                    sink.add(InputTopic.STORE_SENSORS, site.id(),
                            RecordJson.presence(site.id() + "-wifi", site.id(), zoneId, "wifi_probe", customer.mac(),
                                    rssi, t, Clock.ISO),
                            t);
                }
            }
            if (customer.bluetoothOn()) {
                for (long t = span.from() + noise.nextLong(BEACON_EVERY_MILLIS); t <= span.to();
                        t += jittered(BEACON_EVERY_MILLIS)) {
                    Coordinate at = trajectory.at(t);
                    Optional<ZoneSite> zone = city.zoneAt(site.id(), at).flatMap(z -> site.zone(z.id()));
                    if (zone.isEmpty()) {
                        continue;
                    }
                    String zoneId = zone.get().zone().id();
                    int rssi = GpsModel.rssi(at.distance(zone.get().beacon()), noise);
                    sink.add(InputTopic.STORE_SENSORS, site.id(),
                            RecordJson.presence(zoneId + "-beacon", site.id(), zoneId, "ble_beacon", customer.mac(),
                                    rssi, t, Clock.ISO),
                            t);
                }
            }
        }

        /** A basket paid at the till one to four minutes before leaving. */
        private Purchase purchase(StoreSite site, Interval visit, String wantedSku) {
            long ts = Math.max(visit.from() + MINUTE, visit.to() - millisBetween(plan, MINUTE, 4 * MINUTE));
            int lines = chance(plan, 0.6) ? 1 : 2 + plan.nextInt(3);
            List<ZoneSite> shelves = site.zones().stream()
                    .filter(z -> ITEM_ZONE_KINDS.contains(z.zone().kind()))
                    .toList();
            List<RecordJson.Item> items = new ArrayList<>();
            double amount = 0;
            for (int i = 0; i < lines; i++) {
                String sku = i == 0 && wantedSku != null ? wantedSku : Skus.pick(plan);
                String zoneId = shelves.isEmpty() ? null : RandomStreams.pick(plan, shelves).zone().id();
                int qty = chance(plan, 0.75) ? 1 : chance(plan, 0.8) ? 2 : 3;
                items.add(new RecordJson.Item(sku, zoneId, qty));
                amount += Skus.price(sku) * qty;
            }
            amount = RecordJson.round(amount, 100);
            String txId = "tx-" + site.id() + "-" + customer.customerId().substring(2);
            sink.add(InputTopic.POS_TRANSACTIONS, site.id(),
                    RecordJson.pos(txId, site.id(), customer.memberId(), amount, items, ts, Clock.ISO), ts);
            return new Purchase(ts, amount);
        }

        /**
         * A member shows the membership card in the app (at the till when buying) and may log in to the store's
         * Wi-Fi portal with their phone number.
         */
        private void inStoreIdentity(Interval visit, Purchase purchase) {
            long latest = visit.to() - 30 * SECOND;
            if (customer.member() && customer.appUser() && chance(plan, MEMBER_SCAN_SHARE)) {
                long at = purchase != null
                        ? purchase.ts() - millisBetween(plan, 10 * SECOND, MINUTE)
                        : visit.from() + millisBetween(plan, 30 * SECOND, Math.min(5 * MINUTE, latest - visit.from()));
                link("member:" + customer.memberId(), "user:" + customer.userId(), at);
            }
            if (customer.member() && customer.wifiOn() && chance(plan, WIFI_PORTAL_SHARE)) {
                long at = visit.from() + millisBetween(plan, MINUTE, Math.min(8 * MINUTE, latest - visit.from()));
                link("phone:" + customer.phone(), "device:" + customer.mac(), at);
            }
        }

        /** The online session that brings an O2O customer to the store: views, maybe a cart and a coupon. */
        private void engageBeforeVisit(String channel, StoreSite site, String sku, long first, long engaged) {
            List<String[]> events = new ArrayList<>(); // {action, sku, storeId}
            if (chance(plan, 0.3) && !channel.equals("weibo")) {
                events.add(new String[] {"login", null, null});
            }
            int views = 1 + plan.nextInt(3);
            for (int i = 0; i < views; i++) {
                events.add(new String[] {"view", i == 0 ? sku : Skus.pick(plan), chance(plan, 0.25) ? site.id() : null});
            }
            if (chance(plan, 0.5)) {
                events.add(new String[] {"cart", sku, null});
            }
            if (chance(plan, 0.4)) {
                events.add(new String[] {"coupon_claim", sku, site.id()});
            }
            appLogin(first - millisBetween(plan, SECOND, 30 * SECOND));
            socialLogin(channel, first);
            long[] times = spread(first, engaged, events.size());
            for (int i = 0; i < events.size(); i++) {
                String[] e = events.get(i);
                online(channel, e[0], e[1], e[2], times[i]);
            }
        }

        /** One to three sessions of browsing, carting and ordering online, never near a store. */
        private void browseOnline() {
            int sessions = 1 + plan.nextInt(3);
            boolean loggedIn = false;
            for (int s = 0; s < sessions; s++) {
                String channel = RandomStreams.pick(plan, CHANNELS);
                long first = millisBetween(plan, settings.startMillis() + LOGIN_MARGIN_MILLIS,
                        settings.endMillis() - MAX_SESSION_MILLIS);
                long last = first + millisBetween(plan, 0, MAX_SESSION_MILLIS);
                if (!loggedIn) {
                    appLogin(first - millisBetween(plan, SECOND, 30 * SECOND));
                    loggedIn = true;
                }
                socialLogin(channel, first);
                int count = 1 + plan.nextInt(6);
                long[] times = spread(first, last, count);
                for (int i = 0; i < count; i++) {
                    String action = RandomStreams.pick(plan, BROWSING_ACTIONS);
                    String storeId = action.equals("coupon_claim") && chance(plan, 0.5)
                            ? planner.pickStore(plan).id()
                            : null;
                    online(channel, action, Skus.pick(plan), storeId, times[i]);
                }
            }
        }

        private void online(String channel, String action, String sku, String storeId, long ts) {
            sink.add(InputTopic.ONLINE_EVENTS, customer.userId(),
                    RecordJson.online(customer.userId(), channel, action, sku, storeId, ts, phoneClock), ts);
        }

        private void appLogin(long at) {
            link("user:" + customer.userId(), "device:" + customer.rawDeviceId(), at);
        }

        /** Signing in with WeChat (also in a mini-program) or Weibo ties that account to the user. */
        private void socialLogin(String channel, long at) {
            switch (channel) {
                case "wechat", "mini_program" -> link("wechat:" + customer.wechatOpenId(), "user:" + customer.userId(), at);
                case "weibo" -> link("weibo:" + customer.weiboUid(), "user:" + customer.userId(), at);
                default -> { }
            }
        }

        private void link(String a, String b, long ts) {
            sink.add(InputTopic.IDENTITY_LINKS, a, RecordJson.link(a, b, ts, Clock.ISO), ts);
        }

        private long jittered(long interval) {
            return Math.max(1, Math.round(interval * RandomStreams.uniform(noise, 1 - JITTER, 1 + JITTER)));
        }

        /** {@code count} instants from first to last, the first and last included, the rest random between. */
        private long[] spread(long first, long last, int count) {
            long[] times = new long[count];
            for (int i = 0; i < count; i++) {
                times[i] = count == 1 ? last : i == 0 ? first : i == count - 1 ? last : millisBetween(plan, first, last);
            }
            Arrays.sort(times);
            return times;
        }
    }

    private record Purchase(long ts, double amount) {}
}
