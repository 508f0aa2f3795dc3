package io.o2o.analytics.job;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.ingest.InputParser;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.zones.ZoneRules;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the location analytics job, with its default. {@code --help} and the README's option
 * table are generated from this list ({@link CommandLine#help()}), so they cannot drift apart.
 */
public final class JobOptions {
    private JobOptions() {}

    public enum SourceKind {
        simulator,
        kafka
    }

    public enum OutputKind {
        /** visits and dead letters to Kafka topics */
        kafka,
        /** visits and dead letters as JSON lines under output.dir */
        files
    }

    public enum StateBackendKind {
        rocksdb,
        hashmap
    }

    public static final ConfigOption<String> FENCES = ConfigOptions.key("fences")
            .stringType()
            .defaultValue(FenceCatalog.SAMPLE_CITY)
            .withDescription("GeoJSON fence file (path, or classpath: resource). Read once by the client and "
                    + "shipped with the job, so task managers need no copy.");

    public static final ConfigOption<SourceKind> SOURCE = ConfigOptions.key("source")
            .enumType(SourceKind.class)
            .defaultValue(SourceKind.simulator)
            .withDescription("Where input comes from: the built-in city simulator, or the Kafka input topics.");

    public static final ConfigOption<OutputKind> OUTPUTS = ConfigOptions.key("outputs")
            .enumType(OutputKind.class)
            .noDefaultValue()
            .withDescription("Where visits and dead letters go: kafka or files. Default: kafka when the source is "
                    + "kafka, files otherwise.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("bounded")
            .booleanType()
            .defaultValue(false)
            .withDescription("Read the Kafka topics up to their current end, then finish (replays, tests). "
                    + "The simulator is always bounded.");

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDescription("Kafka bootstrap servers.");

    public static final ConfigOption<String> KAFKA_GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType()
            .defaultValue("o2o-location-analytics")
            .withDescription("Kafka consumer group id (offsets are committed on checkpoints).");

    public static final ConfigOption<String> TOPIC_VISITS = ConfigOptions.key("topic.visits")
            .stringType()
            .defaultValue("visits")
            .withDescription("Output topic for enter, exit, visit and pass_by decisions.");

    public static final ConfigOption<String> TOPIC_LIVE_MOMENTS = ConfigOptions.key("topic.live-moments")
            .stringType()
            .defaultValue("live-moments")
            .withDescription("Output topic for the same decisions made as each device's pings arrive, within seconds "
                    + "(docs/visit-detection.md, two speeds); visits has the final ones.");

    public static final ConfigOption<String> TOPIC_DEAD_LETTERS = ConfigOptions.key("topic.dead-letters")
            .stringType()
            .defaultValue("dead-letters")
            .withDescription("Output topic for records that could not be used, with the reason.");

    public static final ConfigOption<String> TOPIC_O2O_CONVERSIONS = ConfigOptions.key("topic.o2o-conversions")
            .stringType()
            .defaultValue("o2o-conversions")
            .withDescription("Output topic: online-to-store and store-to-online journeys of customers.");

    public static final ConfigOption<String> TOPIC_PROFILE_UPDATES = ConfigOptions.key("topic.profile-updates")
            .stringType()
            .defaultValue("profile-updates")
            .withDescription("Output topic: store visits and purchases of known customers, for the online profile.");

    public static final ConfigOption<String> TOPIC_GEO_OFFERS = ConfigOptions.key("topic.geo-offers")
            .stringType()
            .defaultValue("geo-offers")
            .withDescription("Output topic: geo-offers to send, written exactly once (Kafka transactions, committed on "
                    + "checkpoints; read it with isolation.level=read_committed).");

    public static final ConfigOption<String> TOPIC_OFFER_AUDIT = ConfigOptions.key("topic.offer-audit")
            .stringType()
            .defaultValue("offer-audit")
            .withDescription("Output topic: every offer decision (sent, suppressed and why, redeemed), for the audit.");

    public static final ConfigOption<String> TOPIC_CUSTOMER_ASSIGNMENTS = ConfigOptions.key(
                    "topic.customer-assignments")
            .stringType()
            .defaultValue("customer-assignments")
            .withDescription("Output topic: which customer each identifier (user, member, hashed device or phone, "
                    + "wechat, weibo) belongs to, on every change.");

    public static final Map<InputTopic, ConfigOption<String>> INPUT_TOPICS = inputTopicOptions();

    public static final ConfigOption<String> INFLUXDB_URL = ConfigOptions.key("influxdb.url")
            .stringType()
            .noDefaultValue()
            .withDescription("InfluxDB URL (e.g. http://localhost:8086). Without it, metrics are written as line "
                    + "protocol under output.dir.");

    public static final ConfigOption<String> INFLUXDB_ORG = ConfigOptions.key("influxdb.org")
            .stringType()
            .defaultValue("o2o")
            .withDescription("InfluxDB organisation.");

    public static final ConfigOption<String> INFLUXDB_BUCKET = ConfigOptions.key("influxdb.bucket")
            .stringType()
            .defaultValue("o2o_analytics")
            .withDescription("InfluxDB bucket (the database on InfluxDB 1.x).");

    public static final ConfigOption<String> INFLUXDB_TOKEN_FILE = ConfigOptions.key("influxdb.token-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the InfluxDB token, a path on the TaskManagers (a mounted secret): each "
                    + "sink writer reads it when it starts. Without it, the writers read the TaskManagers' "
                    + "environment variable O2O_INFLUXDB_TOKEN. The token never enters the job graph.");

    /**
     * Options that are gone, with what replaces them: the command line names the replacement instead of just
     * calling them unknown.
     */
    public static final Map<String, String> REMOVED = Map.of(
            "influxdb.token", "--influxdb.token is no longer an option: a token given to the job would travel "
                    + "inside the job graph. Give the TaskManagers the token in the environment variable "
                    + "O2O_INFLUXDB_TOKEN, or in a file named by --influxdb.token-file (docs/operations.md, Secrets).");

    public static final ConfigOption<String> HASH_KEY_FILE = ConfigOptions.key("hash-key-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the key for hashing device ids and phone numbers (or set O2O_HASH_KEY). "
                    + "Without either, the simulator source uses a random key for the run; the kafka source "
                    + "refuses to start.");

    public static final ConfigOption<String> OUTPUT_DIR = ConfigOptions.key("output.dir")
            .stringType()
            .defaultValue("out")
            .withDescription("Folder for file outputs: metrics line protocol, visits and dead letters (files "
                    + "outputs), the simulator's ground truth.");

    public static final ConfigOption<Integer> SIMULATOR_CUSTOMERS = ConfigOptions.key("simulator.customers")
            .intType()
            .defaultValue(2000)
            .withDescription("Simulated customers.");

    public static final ConfigOption<Long> SIMULATOR_SEED = ConfigOptions.key("simulator.seed")
            .longType()
            .defaultValue(42L)
            .withDescription("Simulator seed: same seed, same city, same events.");

    public static final ConfigOption<Double> SIMULATOR_SPEED = ConfigOptions.key("simulator.speed")
            .doubleType()
            .defaultValue(0.0)
            .withDescription("Simulated seconds per wall-clock second (60 = an hour a minute); 0 = as fast as "
                    + "possible.");

    public static final ConfigOption<Duration> SIMULATOR_DURATION = ConfigOptions.key("simulator.duration")
            .durationType()
            .defaultValue(Duration.ofHours(2))
            .withDescription("Simulated time span (45 min to 14 days).");

    public static final ConfigOption<Integer> SIMULATOR_STAFF_PER_STORE = ConfigOptions.key("simulator.staff-per-store")
            .intType()
            .defaultValue(0)
            .withDescription("Employees the simulator puts in each store with opening hours, heard there most of every day (for a multi-day run that exercises the staff rule).");

    public static final ConfigOption<Double> SIMULATOR_BAD_RECORD_RATE = ConfigOptions.key(
                    "simulator.bad-record-rate")
            .doubleType()
            .defaultValue(0.002)
            .withDescription("Share of simulated records that are deliberately broken (to exercise dead letters).");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType()
            .defaultValue(2)
            .withDescription("Job parallelism.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval; metrics and Kafka offsets are committed on checkpoints.");

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Checkpoint storage URI (e.g. file:///var/flink/checkpoints). Default: the cluster's "
                    + "setting, or <output.dir>/checkpoints when run by the launcher.");

    public static final ConfigOption<StateBackendKind> STATE_BACKEND = ConfigOptions.key("state.backend")
            .enumType(StateBackendKind.class)
            .defaultValue(StateBackendKind.rocksdb)
            .withDescription("State backend: rocksdb (state on local disk, incremental checkpoints) or hashmap.");

    public static final ConfigOption<Duration> WATERMARK_OUT_OF_ORDERNESS = ConfigOptions.key(
                    "watermark.out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(60))
            .withDescription("How late an event may arrive behind the newest one of its partition; later ones "
                    + "become late_event dead letters.");

    public static final ConfigOption<Duration> WATERMARK_IDLENESS = ConfigOptions.key("watermark.idleness")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("A partition silent this long no longer holds the watermark back.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = ConfigOptions.key("ingest.max-future-skew")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("How far an event's time may lie after its record's Kafka timestamp before it is a "
                    + "timestamp_in_future dead letter.");

    public static final ConfigOption<Duration> MAX_PAST_AGE = ConfigOptions.key("ingest.max-past-age")
            .durationType()
            .defaultValue(InputParser.DEFAULT_MAX_PAST_AGE)
            .withDescription("How far an event's time may lie before its record's Kafka timestamp before it is a "
                    + "timestamp_too_old dead letter: a phone's backlog is days old at most, a clock reset to 1970 "
                    + "is not.");

    public static final ConfigOption<Duration> POS_DUPLICATE_WINDOW = ConfigOptions.key("pos.duplicate-window")
            .durationType()
            .defaultValue(Duration.ofHours(24))
            .withDescription("How long (event time) a store's till receipt id is remembered: a receipt sent again "
                    + "with the same txId within it is a duplicate_event dead letter, not a second sale.");

    public static final ConfigOption<Double> MAX_ENTRY_ACCURACY = ConfigOptions.key("visits.max-entry-accuracy")
            .doubleType()
            .defaultValue(50.0)
            .withDescription("Metres; pings less accurate than this never open an entry or a pass-by.");

    public static final ConfigOption<Double> ENTER_DEPTH = ConfigOptions.key("visits.enter-depth")
            .doubleType()
            .defaultValue(2.0)
            .withDescription("Metres inside the footprint a ping must be to count towards an entry.");

    public static final ConfigOption<Double> EXIT_MARGIN = ConfigOptions.key("visits.exit-margin")
            .doubleType()
            .defaultValue(15.0)
            .withDescription("Metres outside the footprint within which a ping still keeps a visit open.");

    public static final ConfigOption<Integer> ENTRY_CONFIRMATIONS = ConfigOptions.key("visits.entry-confirmations")
            .intType()
            .defaultValue(2)
            .withDescription("Consecutive accurate pings inside needed to confirm an entry.");

    public static final ConfigOption<Duration> MIN_DWELL = ConfigOptions.key("visits.min-dwell")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("Shortest stay that counts as a visit.");

    public static final ConfigOption<Duration> EXIT_TIMEOUT = ConfigOptions.key("visits.exit-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(3))
            .withDescription("Event time without presence after which a visit or near-store session closes.");

    public static final ConfigOption<Integer> IDENTITY_MAX_IDS = ConfigOptions.key("identity.max-ids-per-customer")
            .intType()
            .defaultValue(12)
            .withDescription("Most identifiers one customer may have; evidence that would exceed it is refused "
                    + "(merge_refused dead letter), so a shared device cannot fuse many people into one.");

    public static final ConfigOption<Duration> IDENTITY_TTL = ConfigOptions.key("identity.ttl")
            .durationType()
            .defaultValue(Duration.ofDays(90))
            .withDescription("An identifier without new evidence for this long is forgotten by the identity graph; a "
                    + "device, identifier or customer without activity for this long loses its customer, online "
                    + "identifiers and offer state downstream (all in event time).");

    public static final ConfigOption<Duration> IDENTITY_REFRESH = ConfigOptions.key("identity.evidence-refresh")
            .durationType()
            .defaultValue(Duration.ofDays(1))
            .withDescription("How often a device and user seen together on pings are re-sent as evidence.");

    public static final ConfigOption<Duration> ZONES_SMOOTHING_WINDOW = ConfigOptions.key("zones.smoothing-window")
            .durationType()
            .defaultValue(ZoneRules.defaults().smoothingWindow())
            .withDescription("In-store readings of a zone within this much event time make its smoothed signal (mean RSSI).");

    public static final ConfigOption<Double> ZONES_HYSTERESIS_DB = ConfigOptions.key("zones.hysteresis-db")
            .doubleType()
            .defaultValue(ZoneRules.defaults().hysteresisDb())
            .withDescription("dB by which another zone's smoothed signal must beat the current zone's to take the device.");

    public static final ConfigOption<Duration> ZONES_MIN_SWITCH_HOLD = ConfigOptions.key("zones.min-switch-hold")
            .durationType()
            .defaultValue(ZoneRules.defaults().minSwitchHold())
            .withDescription("How long the other zone must stay that much stronger before the device is in it.");

    public static final ConfigOption<Duration> ZONES_EXIT_TIMEOUT = ConfigOptions.key("zones.exit-timeout")
            .durationType()
            .defaultValue(ZoneRules.defaults().exitTimeout())
            .withDescription("Event time without any in-store reading of a device after which it has left the store's zones.");

    public static final ConfigOption<Double> ZONES_POSITION_MARGIN = ConfigOptions.key("zones.position-margin-m")
            .doubleType()
            .defaultValue(ZoneRules.defaults().positionMarginM())
            .withDescription("Metres the signal-weighted position (two or more sensors with a position in the fence file) must lie clear of the current zone to challenge it.");

    public static final ConfigOption<Double> ZONES_PATH_LOSS_EXPONENT = ConfigOptions.key("zones.path-loss-exponent")
            .doubleType()
            .defaultValue(ZoneRules.defaults().pathLossExponent())
            .withDescription("Signal fall-off with distance (10 n dB per decade) that turns a sensor's RSSI into the distance weighing its position.");

    public static final ConfigOption<Integer> ZONES_QUEUE_MIN_DEVICES = ConfigOptions.key("zones.queue-min-devices")
            .intType()
            .defaultValue(4)
            .withDescription("Devices in a checkout zone from which a long enough wait is a queue (zone_activity.queue).");

    public static final ConfigOption<Duration> ZONES_QUEUE_MIN_WAIT = ConfigOptions.key("zones.queue-min-wait")
            .durationType()
            .defaultValue(Duration.ofMinutes(4))
            .withDescription("Mean time in a checkout zone of the devices in it from which they are queueing.");

    public static final ConfigOption<Integer> STAFF_LEARNING_DAYS = ConfigOptions.key("staff.learning-days")
            .intType()
            .defaultValue(7)
            .withDescription("Days a device is watched in a store before it can be judged staff, and the window of days it is judged on.");

    public static final ConfigOption<Double> STAFF_OPEN_HOURS_SHARE = ConfigOptions.key("staff.open-hours-share")
            .doubleType()
            .defaultValue(0.6)
            .withDescription("Share of a store's opening hours a device must be heard in for the day to be a staff day.");

    public static final ConfigOption<Double> STAFF_DAY_SHARE = ConfigOptions.key("staff.day-share")
            .doubleType()
            .defaultValue(0.6)
            .withDescription("Share of the learning days that must be staff days for the device to be staff; its readings then leave the zone figures.");

    public static final ConfigOption<Integer> MERCHANDISING_MIN_DWELLERS = ConfigOptions.key("merchandising.min-dwellers")
            .intType()
            .defaultValue(5)
            .withDescription("Dwellers per zone and period from which a zone that hardly sells is flagged (attention_without_sales); fewer, with sales, is sales_without_attention.");

    public static final ConfigOption<Double> MERCHANDISING_LOW_CONVERSION = ConfigOptions.key("merchandising.low-conversion")
            .doubleType()
            .defaultValue(0.1)
            .withDescription("Receipts per dweller below which a zone with enough dwellers draws attention without sales.");

    public static final ConfigOption<String> OFFERS_RULES = ConfigOptions.key("offers.rules")
            .stringType()
            .noDefaultValue()
            .withDescription("Offer rules file (path, or classpath: resource; docs/offers.md), validated at start and in "
                    + "effect until changed on the offer-rules topic. Default: the sample city's example rules with the "
                    + "sample fences, none otherwise; 'none' for none.");

    public static final ConfigOption<Duration> OFFERS_ENGAGEMENT_WINDOW = ConfigOptions.key("offers.engagement-window")
            .durationType()
            .defaultValue(Duration.ofDays(3))
            .withDescription("Longest time from an online engagement to a near-store moment that an "
                    + "engaged_then_near rule may ask for (the journey matcher pairs engagements within it).");

    public static final ConfigOption<Integer> OFFERS_MAX_PER_CUSTOMER_PER_DAY = ConfigOptions.key(
                    "offers.max-per-customer-per-day")
            .intType()
            .defaultValue(3)
            .withDescription("Most offers to one customer in any 24 hours, over all rules (0: no cap).");

    public static final ConfigOption<Duration> OFFERS_STORE_COOLDOWN = ConfigOptions.key("offers.store-cooldown")
            .durationType()
            .defaultValue(Duration.ofHours(4))
            .withDescription("Least time between two offers to one customer for the same store.");

    public static final ConfigOption<String> OFFERS_QUIET_HOURS = ConfigOptions.key("offers.quiet-hours")
            .stringType()
            .defaultValue("22:00-08:00")
            .withDescription("Local time of day (each store's time zone) when no offer is sent, HH:mm-HH:mm, or none.");

    public static final ConfigOption<Duration> OFFERS_LIVE_WITHIN = ConfigOptions.key("offers.live-within")
            .durationType()
            .defaultValue(Duration.ofSeconds(60))
            .withDescription("Enter and pass_by offers are decided as the live moment arrives when its ping is at most "
                    + "this old by the engine's clock; older moments (a backlog, a replay) wait for the watermark and "
                    + "are decided in event time. 0 s: always in event time (docs/offers.md).");

    public static final ConfigOption<Duration> OFFERS_FRESHNESS = ConfigOptions.key("offers.freshness")
            .durationType()
            .defaultValue(Duration.ofMinutes(15))
            .withDescription("A moment the engine learns later than this after it happened fires no offer.");

    public static final ConfigOption<Duration> OFFERS_REDEMPTION_WINDOW = ConfigOptions.key("offers.redemption-window")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDescription("How long after an offer a purchase at its store counts as its redemption, unless the "
                    + "rule says (redeemWithin).");

    public static final ConfigOption<String> OFFERS_TRANSACTIONAL_ID_PREFIX = ConfigOptions.key(
                    "offers.transactional-id-prefix")
            .stringType()
            .defaultValue("o2o-geo-offers")
            .withDescription("Kafka transactional id prefix of the geo-offers sink; unique per job on a cluster.");

    /** How geo-offers reach their topic: the trade-off between seeing each once and seeing it at once. */
    public enum OfferDelivery {
        /** Kafka transactions committed on checkpoints: each offer once to read_committed consumers, a checkpoint later */
        exactly_once,
        /** written as decided: at once, but a restart may write an offer again, alike (consumers drop it by offerId) */
        at_least_once
    }

    public static final ConfigOption<OfferDelivery> OFFERS_DELIVERY = ConfigOptions.key("offers.delivery")
            .enumType(OfferDelivery.class)
            .defaultValue(OfferDelivery.exactly_once)
            .withDescription("exactly_once: geo-offers in Kafka transactions, visible to read_committed consumers "
                    + "when the next checkpoint completes (checkpoint.interval). at_least_once: visible as soon as "
                    + "decided; after a restart an offer may come again with the same offerId, which consumers must "
                    + "drop (docs/offers.md).");

    public static final ConfigOption<Duration> OFFERS_TRANSACTION_TIMEOUT = ConfigOptions.key(
                    "offers.transaction-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(15))
            .withDescription("Kafka transaction timeout of the geo-offers sink (transaction.timeout.ms): a job "
                    + "stopped, or a broker away, for longer than this minus a checkpoint interval loses the offers of "
                    + "the transactions open then (the broker aborts them). At most the broker's "
                    + "transaction.max.timeout.ms (15 minutes by default); more than checkpoint.interval.");

    public static final ConfigOption<Duration> O2O_WINDOW = ConfigOptions.key("o2o.window")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDescription("How long an online engagement can bring a customer to a store (engagement to visit "
                    + "entry), and how long after a visit or purchase online activity counts as store-to-online.");

    public static final ConfigOption<Duration> O2O_PURCHASE_GRACE = ConfigOptions.key("o2o.purchase-grace")
            .durationType()
            .defaultValue(Duration.ofMinutes(30))
            .withDescription("How long after a visit's exit a purchase in that store still belongs to the visit's "
                    + "conversion; the conversion is decided when it has passed.");

    public static final ConfigOption<Integer> O2O_MAX_ACTIVITIES = ConfigOptions.key("o2o.max-activities-per-identifier")
            .intType()
            .defaultValue(64)
            .withDescription("Most recent activities kept per identifier within o2o.window, to be attributed "
                    + "again when the identifier joins a customer; older ones beyond it are forgotten.");

    public static final ConfigOption<Duration> O2O_METRICS_PERIOD = ConfigOptions.key("o2o.metrics-period")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("Period of the O2O conversion and store customer points.");

    public static final ConfigOption<Duration> RETURNING_WINDOW = ConfigOptions.key("o2o.returning-window")
            .durationType()
            .defaultValue(Duration.ofDays(30))
            .withDescription("A visitor who visited the same store within this long before is returning, "
                    + "otherwise new.");

    public static final ConfigOption<Duration> METRICS_PERIOD = ConfigOptions.key("metrics.period")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("Period of the store traffic, dwell and pipeline health points.");

    public static final ConfigOption<Duration> PROGRESS_INTERVAL = ConfigOptions.key("progress.interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDescription("How often the launcher prints a progress line (local runs).");

    public static final ConfigOption<Duration> FLINK_METRICS_INTERVAL = ConfigOptions.key("influxdb.flink-metrics-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("With influxdb.url, local runs (the embedded MiniCluster) also report Flink's own "
                    + "metrics (checkpoints, consumer lag, sink retries) to InfluxDB this often; on a cluster, its "
                    + "configuration decides (docs/operations.md).");

    /** Options whose values must never be shown (web UI, logs, --help defaults). */
    public static final List<ConfigOption<?>> SECRETS = List.of();

    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new java.util.ArrayList<>(List.of(FENCES, SOURCE, OUTPUTS, BOUNDED));
        options.add(KAFKA_BOOTSTRAP_SERVERS);
        options.add(KAFKA_GROUP_ID);
        options.addAll(INPUT_TOPICS.values());
        options.addAll(List.of(
                TOPIC_VISITS, TOPIC_LIVE_MOMENTS, TOPIC_DEAD_LETTERS, TOPIC_CUSTOMER_ASSIGNMENTS, TOPIC_O2O_CONVERSIONS,
                TOPIC_PROFILE_UPDATES, TOPIC_GEO_OFFERS, TOPIC_OFFER_AUDIT, INFLUXDB_URL, INFLUXDB_ORG, INFLUXDB_BUCKET,
                INFLUXDB_TOKEN_FILE, HASH_KEY_FILE, OUTPUT_DIR, SIMULATOR_CUSTOMERS, SIMULATOR_SEED, SIMULATOR_SPEED,
                SIMULATOR_DURATION, SIMULATOR_STAFF_PER_STORE, SIMULATOR_BAD_RECORD_RATE, PARALLELISM, CHECKPOINT_INTERVAL, CHECKPOINT_DIR,
                STATE_BACKEND, WATERMARK_OUT_OF_ORDERNESS, WATERMARK_IDLENESS, MAX_FUTURE_SKEW, MAX_PAST_AGE, POS_DUPLICATE_WINDOW,
                MAX_ENTRY_ACCURACY,
                ENTER_DEPTH, EXIT_MARGIN, ENTRY_CONFIRMATIONS, MIN_DWELL, EXIT_TIMEOUT, IDENTITY_MAX_IDS, IDENTITY_TTL,
                IDENTITY_REFRESH, ZONES_SMOOTHING_WINDOW, ZONES_HYSTERESIS_DB, ZONES_MIN_SWITCH_HOLD,
                ZONES_EXIT_TIMEOUT, ZONES_POSITION_MARGIN, ZONES_PATH_LOSS_EXPONENT, ZONES_QUEUE_MIN_DEVICES, ZONES_QUEUE_MIN_WAIT, STAFF_LEARNING_DAYS, STAFF_OPEN_HOURS_SHARE,
                STAFF_DAY_SHARE, MERCHANDISING_MIN_DWELLERS,
                MERCHANDISING_LOW_CONVERSION, O2O_WINDOW, O2O_PURCHASE_GRACE, O2O_MAX_ACTIVITIES, O2O_METRICS_PERIOD,
                RETURNING_WINDOW, OFFERS_RULES, OFFERS_ENGAGEMENT_WINDOW, OFFERS_MAX_PER_CUSTOMER_PER_DAY,
                OFFERS_STORE_COOLDOWN, OFFERS_QUIET_HOURS, OFFERS_LIVE_WITHIN, OFFERS_FRESHNESS, OFFERS_REDEMPTION_WINDOW,
                OFFERS_DELIVERY, OFFERS_TRANSACTIONAL_ID_PREFIX, OFFERS_TRANSACTION_TIMEOUT, METRICS_PERIOD,
                FLINK_METRICS_INTERVAL, PROGRESS_INTERVAL));
        return options;
    }

    private static Map<InputTopic, ConfigOption<String>> inputTopicOptions() {
        Map<InputTopic, ConfigOption<String>> options = new EnumMap<>(InputTopic.class);
        for (InputTopic topic : InputTopic.values()) {
            options.put(
                    topic,
                    ConfigOptions.key("topic." + topic.defaultTopicName())
                            .stringType()
                            .defaultValue(topic.defaultTopicName())
                            .withDescription("Input topic for " + topic.defaultTopicName() + "."));
        }
        return java.util.Collections.unmodifiableMap(options);
    }
}
