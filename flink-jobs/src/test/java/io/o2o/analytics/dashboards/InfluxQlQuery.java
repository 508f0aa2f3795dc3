package io.o2o.analytics.dashboards;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one dashboard or alert query reads, told from its text: the measurement, the fields it selects and the tags
 * it filters or groups by. Not an InfluxQL parser: it relies on the house style of the dashboards, which the tests
 * enforce: raw queries, every measurement, field and tag double-quoted ({@code "store_traffic"}), aliases after
 * {@code AS}, one measurement per query.
 */
record InfluxQlQuery(String text, String measurement, Set<String> fields, Set<String> tags, Set<String> groupByTags,
        List<String> problems) {

    private static final Pattern SELECT = Pattern.compile(
            "^\\s*SELECT\\s+(?<select>.+?)\\s+FROM\\s+(?<from>\\S+)(?:\\s+WHERE\\s+(?<where>.+?))?"
                    + "(?:\\s+GROUP\\s+BY\\s+(?<group>.+?))?\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern SHOW_TAG_VALUES = Pattern.compile(
            "^\\s*SHOW\\s+TAG\\s+VALUES\\s+FROM\\s+(?<from>\\S+)\\s+WITH\\s+KEY\\s*=\\s*(?<key>\\S+)"
                    + "(?:\\s+WHERE\\s+(?<where>.+?))?\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
    private static final Pattern ALIAS = Pattern.compile("\\s+AS\\s+\"[^\"]*\"", Pattern.CASE_INSENSITIVE);
    /** A function argument that is a bare word rather than a quoted identifier, e.g. sum(visits). */
    private static final Pattern BARE_ARGUMENT = Pattern.compile("\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)");
    private static final Pattern FILL = Pattern.compile("\\s+fill\\([^)]*\\)\\s*$", Pattern.CASE_INSENSITIVE);

    static InfluxQlQuery of(String text) {
        List<String> problems = new ArrayList<>();
        Matcher show = SHOW_TAG_VALUES.matcher(text);
        if (show.matches()) {
            String measurement = identifier(show.group("from"), "measurement", problems);
            String key = identifier(show.group("key"), "tag key", problems);
            // The key first: it is what the variable lists; then the tags a chained variable filters on.
            Set<String> tags = new LinkedHashSet<>();
            if (key != null) {
                tags.add(key);
            }
            if (show.group("where") != null) {
                tags.addAll(quoted(show.group("where").replaceAll("/(?:\\\\/|[^/])*/", "//")));
            }
            return new InfluxQlQuery(text, measurement, Set.of(), tags, Set.of(), problems);
        }
        Matcher select = SELECT.matcher(text);
        if (!select.matches()) {
            problems.add("not of the form SELECT ... FROM \"m\" [WHERE ...] [GROUP BY ...] or "
                    + "SHOW TAG VALUES FROM \"m\" WITH KEY = \"k\" [WHERE ...]");
            return new InfluxQlQuery(text, null, Set.of(), Set.of(), Set.of(), problems);
        }
        String measurement = identifier(select.group("from"), "measurement", problems);

        String selectClause = ALIAS.matcher(select.group("select")).replaceAll("");
        Matcher bare = BARE_ARGUMENT.matcher(selectClause);
        while (bare.find()) {
            problems.add("unquoted field " + bare.group(1) + ": write \"" + bare.group(1) + "\"");
        }
        Set<String> fields = quoted(selectClause);
        if (fields.isEmpty()) {
            problems.add("selects no quoted field");
        }

        Set<String> tags = new LinkedHashSet<>();
        if (select.group("where") != null) {
            String where = select.group("where");
            if (!where.contains("$timeFilter")) {
                problems.add("has no $timeFilter: it would read the whole retention period");
            }
            // Regex literals (/^$store$/) may hold anything; only the quoted identifiers outside them are tags.
            tags.addAll(quoted(where.replaceAll("/(?:\\\\/|[^/])*/", "//").replaceAll("'[^']*'", "''")));
        } else {
            problems.add("has no WHERE $timeFilter: it would read the whole retention period");
        }
        Set<String> groupBy = new LinkedHashSet<>();
        if (select.group("group") != null) {
            String group = FILL.matcher(select.group("group")).replaceAll("");
            groupBy.addAll(quoted(group));
            tags.addAll(groupBy);
        }
        return new InfluxQlQuery(text, measurement, fields, tags, groupBy, problems);
    }

    boolean isShowTagValues() {
        return SHOW_TAG_VALUES.matcher(text).matches();
    }

    private static String identifier(String token, String what, List<String> problems) {
        Matcher m = QUOTED.matcher(token);
        if (!m.matches()) {
            problems.add(what + " " + token + " is not double-quoted");
            return token;
        }
        return m.group(1);
    }

    private static Set<String> quoted(String clause) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = QUOTED.matcher(clause);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
