package io.o2o.analytics.records;

/** The five input streams of the engine, each with its default Kafka topic name. */
public enum InputTopic {
    LBS_PINGS("lbs-pings"),
    STORE_SENSORS("store-sensors"),
    ONLINE_EVENTS("online-events"),
    POS_TRANSACTIONS("pos-transactions"),
    IDENTITY_LINKS("identity-links");

    private final String defaultTopicName;

    InputTopic(String defaultTopicName) {
        this.defaultTopicName = defaultTopicName;
    }

    public String defaultTopicName() {
        return defaultTopicName;
    }
}
