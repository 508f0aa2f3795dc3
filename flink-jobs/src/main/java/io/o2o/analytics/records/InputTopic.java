package io.o2o.analytics.records;

/**
 * The input streams of the engine, each with its default Kafka topic name: what people and sensors do, and the
 * marketers' offer rules (a change per record).
 */
public enum InputTopic {
    LBS_PINGS("lbs-pings"),
    STORE_SENSORS("store-sensors"),
    ONLINE_EVENTS("online-events"),
    POS_TRANSACTIONS("pos-transactions"),
    IDENTITY_LINKS("identity-links"),
    MARKETING_PREFERENCES("marketing-preferences"),
    OFFER_RULES("offer-rules");

    private final String defaultTopicName;

    InputTopic(String defaultTopicName) {
        this.defaultTopicName = defaultTopicName;
    }

    public String defaultTopicName() {
        return defaultTopicName;
    }
}
