package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.RandomStreams.chance;
import static io.o2o.analytics.simulator.RandomStreams.millisBetween;

import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.simulator.CityMap.StoreSite;
import io.o2o.analytics.simulator.CityMap.ZoneSite;
import io.o2o.analytics.simulator.JourneyPlanner.StoreRoute;
import io.o2o.analytics.simulator.RecordJson.Clock;
import io.o2o.analytics.simulator.WalkTruth.StoreSpan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

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
    /** How far back a visit looks for the online engagement that brought the customer. */
    private static final long ENGAGEMENT_WINDOW_MILLIS = 7 * 24 * 60 * MINUTE;
    /**
     * Browsing after a visit starts 5.5 to 55 minutes after leaving; with its login before and its session of
     * at most five minutes, its first event comes 5 to 60 minutes after the exit.
     */
    private static final long MIN_AFTER_VISIT_MILLIS = 5 * MINUTE + 30 * SECOND;
    private static final long MAX_AFTER_VISIT_MILLIS = 55 * MINUTE;


    private static final List<String> CHANNELS = List.of("app", "wechat", "weibo", "web", "mini_program");
    /** Drawn uniformly, so views (listed three times) make half of all browsing. */
    private static final List<String> BROWSING_ACTIONS = List.of("view", "view", "view", "cart", "coupon_claim", "order");
    private static final List<String> ITEM_ZONE_KINDS = List.of("aisle", "display", "fitting_room");
    /** Where visitors browse after leaving a store: on the phone. */
    private static final List<String> AFTER_VISIT_CHANNELS = List.of("app", "wechat", "mini_program");
    /** Online events that count as engagement with a product or store; a login or an order does not. */
    private static final Set<String> ENGAGEMENTS = Set.of("view", "cart", "coupon_claim");

    private static final double APP_LOGIN_SHARE = 0.9;
    private static final double MEMBER_SCAN_SHARE = 0.7;
    private static final double WIFI_PORTAL_SHARE = 0.5;
    /** Store visitors with the app who browse online after leaving. */
    private static final double BROWSE_AFTER_VISIT_SHARE = 0.25;

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
        Customer customer = Customer.draw(
                index, journey, random, RandomStreams.forCustomerDevices(settings.seed(), index));
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
        private final List<StoreSpan> visits = new ArrayList<>();
        private final List<TruePassBy> passBys = new ArrayList<>();
        private final List<TrueZoneStay> zoneStays = new ArrayList<>();
        private final List<OnlineActivity> onlineActivity = new ArrayList<>();
        /** The visit an online engagement led to, for O2O visitors. */
        private StoreVisit engagedVisit;
        private TrueOfflineToOnline offlineToOnline;
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
            memberRegistration();
            // What the engine can know depends on the evidence, so it is decided once all of it is made.
            IdentityEvidence evidence = IdentityEvidence.of(sink.records());
            String phone = "device:" + customer.rawDeviceId();
            List<TrueVisit> trueVisits = visits.stream()
                    .map(v -> new TrueVisit(customer.customerId(), customer.rawDeviceId(), v.site().id(),
                            v.span().from(), v.span().to(), evidence.linked(phone, v.span().to())))
                    .toList();
            return new CustomerOutcome(customer, walk, sink.records(), entries, trueVisits, passBys,
                    conversion(evidence, phone), offlineToOnline, evidence.identities(customer.customerId()),
                    zoneStays);
        }

        /**
         * The engaged visit, attributed to the latest engagement before it, and whether the evidence lets the
         * engine tie the visiting phone to the engaged user (by the exit) and to the buying member.
         */
        private TrueConversion conversion(IdentityEvidence evidence, String phone) {
            if (engagedVisit == null) {
                return null;
            }
            Interval span = engagedVisit.span();
            Optional<OnlineActivity> engagement = onlineActivity.stream()
                    .filter(a -> a.engagement() && a.ts() < span.from() && a.ts() >= span.from() - ENGAGEMENT_WINDOW_MILLIS)
                    .max(Comparator.comparingLong(OnlineActivity::ts));
            if (engagement.isEmpty()) {
                return null; // cannot happen: every engaging session has a view
            }
            Purchase purchase = engagedVisit.purchase();
            boolean identifiable = evidence.connected("user:" + customer.userId(), phone, span.to());
            boolean purchaseIdentifiable = purchase != null && customer.member()
                    && evidence.connected("member:" + customer.memberId(), phone, Long.MAX_VALUE);
            return new TrueConversion(
                    customer.customerId(), engagement.get().channel(), engagedVisit.site().id(), engagement.get().ts(),
                    span.from(), purchase == null ? null : purchase.ts(), purchase == null ? null : purchase.amount(),
                    identifiable, purchaseIdentifiable);
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
                engagedVisit = new StoreVisit(site, span, purchase);
            } else if (customer.appUser() && chance(plan, BROWSE_AFTER_VISIT_SHARE)) {
                browseAfterVisit(site, span);
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
                visits.add(visit);
                lastNear.remove(visit.site());
            }
            lastNear.forEach((site, at) ->
                    passBys.add(new TruePassBy(customer.customerId(), customer.rawDeviceId(), site.id(), at)));

            if (opensApp && customer.appUser() && chance(plan, APP_LOGIN_SHARE)) {
                long at = trajectory.start() + millisBetween(plan, 0, Math.min(2 * MINUTE, trajectory.end() - trajectory.start()));
                appLogin(customer.rawDeviceId(), at);
            }
            pings(trajectory, truth);
            for (StoreSpan inside : truth.inside()) {
                InStoreSensors.hear(city, inside.site(), trajectory, inside.span(), customer.mac(), customer.wifiOn(),
                        customer.bluetoothOn(), noise, sink);
                if (customer.bluetoothOn()) {
                    // Computed beside the records from the true path alone: it draws nothing and changes none.
                    zoneStays.addAll(ZoneTruth.stays(customer.customerId(), customer.mac(), trajectory, inside.site(),
                            inside.span(), city));
                }
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
         * A two-device customer whose phone is tied to nothing shows the app on it at the till (when paying, or
         * somewhere in the visit); a member shows the membership card in the app (at the till when buying) and
         * may log in to the store's Wi-Fi portal with their phone number.
         */
        private void inStoreIdentity(Interval visit, Purchase purchase) {
            long latest = visit.to() - 30 * SECOND;
            if (customer.linksPhoneAtTill()) {
                long at = purchase != null ? shortlyBeforePaying(purchase) : millisBetween(plan, visit.from(), latest);
                appLogin(customer.rawDeviceId(), at);
            }
            if (customer.member() && customer.appUser() && chance(plan, MEMBER_SCAN_SHARE)) {
                long at = purchase != null
                        ? shortlyBeforePaying(purchase)
                        : visit.from() + millisBetween(plan, 30 * SECOND, Math.min(5 * MINUTE, latest - visit.from()));
                link("member:" + customer.memberId(), "user:" + customer.userId(), at);
            }
            if (customer.member() && customer.wifiOn() && chance(plan, WIFI_PORTAL_SHARE)) {
                long at = visit.from() + millisBetween(plan, MINUTE, Math.min(8 * MINUTE, latest - visit.from()));
                link("phone:" + customer.phone(), "device:" + customer.mac(), at);
            }
        }

        /** The app is shown at the till 10 to 60 seconds before the receipt. */
        private long shortlyBeforePaying(Purchase purchase) {
            return purchase.ts() - millisBetween(plan, 10 * SECOND, MINUTE);
        }

        /**
         * The retailer's member database knows each member's phone number from the registration, and whether
         * the member accepts offers: the link and the preference are there from the start of the window. Made last, so that it takes no draw from the streams the
         * other records' delays come from.
         */
        private void memberRegistration() {
            if (customer.member()) {
                link("member:" + customer.memberId(), "phone:" + customer.phone(), settings.startMillis());
                MarketingProfile profile = MarketingProfile.of(settings.seed(), customer.memberId());
                String member = "member:" + customer.memberId();
                sink.add(InputTopic.MARKETING_PREFERENCES, member,
                        RecordJson.preference(member, profile.consents(), profile.segments(), settings.startMillis(),
                                Clock.ISO), settings.startMillis());
            }
        }

        /** The online session that brings an O2O customer to the store: views, maybe a cart and a coupon. */
        private void engageBeforeVisit(String channel, StoreSite site, String sku, long first, long engaged) {
            List<OnlineEvent> events = new ArrayList<>();
            if (chance(plan, 0.3) && !channel.equals("weibo")) {
                events.add(new OnlineEvent("login", null, null));
            }
            int views = 1 + plan.nextInt(3);
            for (int i = 0; i < views; i++) {
                events.add(new OnlineEvent("view", i == 0 ? sku : Skus.pick(plan), chance(plan, 0.25) ? site.id() : null));
            }
            if (chance(plan, 0.5)) {
                events.add(new OnlineEvent("cart", sku, null));
            }
            if (chance(plan, 0.4)) {
                events.add(new OnlineEvent("coupon_claim", sku, site.id()));
            }
            session(channel, customer.browsingDeviceId(), events, first, engaged);
        }

        /**
         * Back on the phone 5 to 60 minutes after leaving: a few views, maybe a cart, after an app login on the
         * phone. Left out when it would not end inside the simulated window.
         */
        private void browseAfterVisit(StoreSite site, Interval visit) {
            String channel = RandomStreams.pick(plan, AFTER_VISIT_CHANNELS);
            long first = visit.to() + millisBetween(plan, MIN_AFTER_VISIT_MILLIS, MAX_AFTER_VISIT_MILLIS);
            long last = first + millisBetween(plan, 0, MAX_SESSION_MILLIS);
            if (last > settings.endMillis()) {
                return;
            }
            List<OnlineEvent> events = new ArrayList<>();
            int views = 1 + plan.nextInt(3);
            for (int i = 0; i < views; i++) {
                events.add(new OnlineEvent("view", Skus.pick(plan), chance(plan, 0.25) ? site.id() : null));
            }
            if (chance(plan, 0.3)) {
                events.add(new OnlineEvent("cart", Skus.pick(plan), null));
            }
            session(channel, customer.rawDeviceId(), events, first, last);
            long online = onlineActivity.stream().mapToLong(OnlineActivity::ts).filter(t -> t > visit.to()).min().orElseThrow();
            offlineToOnline = new TrueOfflineToOnline(customer.customerId(), site.id(), visit.to(), online, channel);
        }

        /**
         * One browsing session: the app login on the device just before it, the sign-in to the channel, and the
         * events spread from first to last.
         */
        private void session(String channel, String deviceId, List<OnlineEvent> events, long first, long last) {
            appLogin(deviceId, first - millisBetween(plan, SECOND, 30 * SECOND));
            socialLogin(channel, first);
            long[] times = spread(first, last, events.size());
            for (int i = 0; i < events.size(); i++) {
                OnlineEvent e = events.get(i);
                online(channel, e.action(), e.sku(), e.storeId(), times[i]);
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
                    appLogin(customer.browsingDeviceId(), first - millisBetween(plan, SECOND, 30 * SECOND));
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
            onlineActivity.add(new OnlineActivity(channel, action, ts));
            sink.add(InputTopic.ONLINE_EVENTS, customer.userId(),
                    RecordJson.online(customer.userId(), channel, action, sku, storeId, ts, phoneClock), ts);
        }

        /** Logging in to the app on a device ties the device's advertising id to the user. */
        private void appLogin(String rawDeviceId, long at) {
            link("user:" + customer.userId(), "device:" + rawDeviceId, at);
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
            return InStoreSensors.jittered(interval, noise);
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

    /** A visit to a store and what was paid at its till, if anything. */
    private record StoreVisit(StoreSite site, Interval span, Purchase purchase) {}

    /** An online event being planned, before it has a time: sku and storeId may be null. */
    private record OnlineEvent(String action, String sku, String storeId) {}

    /** An online event as sent. */
    private record OnlineActivity(String channel, String action, long ts) {
        boolean engagement() {
            return ENGAGEMENTS.contains(action);
        }
    }
}
