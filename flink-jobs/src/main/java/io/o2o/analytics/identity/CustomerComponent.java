package io.o2o.analytics.identity;

import java.util.ArrayList;
import java.util.List;

/**
 * One customer: the identifiers that are connected by evidence, and the evidence itself (so that the
 * customer can be split correctly when an identifier expires). Bounded by the size cap.
 */
public class CustomerComponent {
    public long createdAt;
    public List<String> members = new ArrayList<>();
    /** Edge keys {@code a|b}. */
    public List<String> edges = new ArrayList<>();

    public CustomerComponent() {}
}
