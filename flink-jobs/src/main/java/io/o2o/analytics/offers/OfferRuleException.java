package io.o2o.analytics.offers;

import java.util.List;

/** Rules that do not validate, with every problem found, each prefixed by where it is (e.g. {@code rules[2].caps}). */
public class OfferRuleException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public OfferRuleException(String source, List<String> problems) {
        super(source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
