package io.o2o.analytics.identity;

/** The resolver's memory of one identifier. A POJO for Flink's state serializer. */
public class IdentityNode {
    public String customerId;
    public long lastSeen;

    public IdentityNode() {}

    IdentityNode(String customerId, long lastSeen) {
        this.customerId = customerId;
        this.lastSeen = lastSeen;
    }
}
