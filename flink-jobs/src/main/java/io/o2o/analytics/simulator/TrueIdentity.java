package io.o2o.analytics.simulator;

import java.util.List;

/**
 * Identifiers of one customer that the simulated evidence connects (identity links, and pings that carry
 * both the device and the user): what the engine's identity graph should make one customer. A customer
 * whose evidence falls into two unconnected groups (say a Wi-Fi portal login and an app login never tied
 * together) has two of these, since nothing in the input can join them.
 *
 * @param identifiers {@code kind:id} as in the input, device and phone ids raw (the engine hashes them)
 */
public record TrueIdentity(String customerId, List<String> identifiers) {}
