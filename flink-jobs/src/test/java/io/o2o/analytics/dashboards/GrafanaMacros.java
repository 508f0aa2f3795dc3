package io.o2o.analytics.dashboards;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Expands an InfluxQL panel query the way Grafana's InfluxDB data source does before it sends it: the time-range
 * macro, the interval macros and the template variables, with Grafana's formatting of a variable inside a regex
 * literal ({@code "store" =~ /^$store$/}: values regex-escaped, several as {@code (a|b)}, "All" as the variable's
 * {@code allValue} or every value). Anything still starting with {@code $} afterwards is an undefined variable.
 */
final class GrafanaMacros {

    /** Built-in variables and macros this expander knows; a dashboard may use no others. */
    static final Set<String> BUILT_INS = Set.of("timeFilter", "__interval", "interval", "__interval_ms");

    /** Variable references: {@code $name}, {@code ${name}}, {@code ${name:format}}, {@code [[name]]}. */
    static final Pattern REFERENCE = Pattern.compile("\\$\\{(\\w+)(?::[\\w-]+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");
    private static final Pattern REGEX_LITERAL = Pattern.compile("(=~|!~)(\\s*)/((?:\\\\.|[^/\\\\])*)/");
    private static final Pattern REGEX_SPECIALS = Pattern.compile("[\\\\^$*+?.()|{}\\[\\]/-]");

    /** A template variable's current value: some of its values, or "All". */
    record Selection(List<String> values, boolean all, String allValue) {
        static Selection of(String... values) {
            return new Selection(List.of(values), false, null);
        }

        static Selection all(List<String> everyValue, String allValue) {
            return new Selection(everyValue, true, allValue);
        }

        @Override
        public String toString() {
            return all ? "All" : String.join("+", values);
        }
    }

    private final long fromMillis;
    private final long toMillis;
    private final Duration interval;
    private final Map<String, Selection> selections;

    GrafanaMacros(long fromMillis, long toMillis, Duration interval, Map<String, Selection> selections) {
        this.fromMillis = fromMillis;
        this.toMillis = toMillis;
        this.interval = interval;
        this.selections = selections;
    }

    /** Names referenced in {@code text}, built-ins included. */
    static Set<String> references(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            names.add(name(m));
        }
        return names;
    }

    String expand(String query) {
        StringBuilder out = new StringBuilder();
        Matcher regex = REGEX_LITERAL.matcher(query);
        int last = 0;
        while (regex.find()) {
            out.append(expandPlain(query.substring(last, regex.start())));
            out.append(regex.group(1)).append(regex.group(2)).append('/')
                    .append(expand(regex.group(3), true)).append('/');
            last = regex.end();
        }
        out.append(expandPlain(query.substring(last)));
        String expanded = out.toString();
        if (REFERENCE.matcher(expanded).find()) {
            throw new IllegalArgumentException("unresolved variable in `" + expanded + "` (from `" + query + "`)");
        }
        return expanded;
    }

    private String expandPlain(String text) {
        return expand(text, false);
    }

    private String expand(String text, boolean inRegex) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(value(name(m), inRegex)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String value(String name, boolean inRegex) {
        switch (name) {
            case "timeFilter":
                return "time >= " + fromMillis + "ms and time <= " + toMillis + "ms";
            case "__interval":
            case "interval":
                return influxDuration(interval);
            case "__interval_ms":
                return Long.toString(interval.toMillis());
            default:
                break;
        }
        Selection selection = selections.get(name);
        if (selection == null) {
            // Left as it was: expand() reports it.
            return "$" + name;
        }
        if (!inRegex) {
            if (selection.all() || selection.values().size() != 1) {
                throw new IllegalArgumentException("$" + name + " holds " + selection
                        + " but is used outside a regex literal, where Grafana inserts the values as they are");
            }
            return selection.values().get(0);
        }
        if (selection.all() && selection.allValue() != null) {
            return selection.allValue();
        }
        List<String> escaped = selection.values().stream().map(GrafanaMacros::regexEscape).toList();
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    static String regexEscape(String value) {
        return REGEX_SPECIALS.matcher(value).replaceAll(m -> Matcher.quoteReplacement("\\" + m.group()));
    }

    static String influxDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static String name(Matcher m) {
        for (int group = 1; group <= 3; group++) {
            if (m.group(group) != null) {
                return m.group(group);
            }
        }
        throw new IllegalStateException();
    }

    @Override
    public String toString() {
        return selections.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
