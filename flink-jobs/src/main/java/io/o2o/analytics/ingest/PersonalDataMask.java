package io.o2o.analytics.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes what a dead letter keeps of a rejected record safe to publish: an operator needs enough of it to fix
 * the producer (which fields, what values), but a record that broke the contract is exactly the one whose
 * identifiers may sit anywhere, in any form. So every value of an identifier field is replaced by its keyed
 * hash (the same hash the engine's outputs carry, so the device can still be followed), and anything elsewhere
 * that looks like an identifier (a MAC, an advertising id, a phone number, in values, field names or parser
 * messages) is replaced too; the excerpt is bounded.
 */
final class PersonalDataMask implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The longest excerpt a dead letter keeps, in characters. */
    static final int MAX_EXCERPT_CHARS = 512;
    /** How many field names a dead letter lists, and how long each may be. */
    static final int MAX_FIELDS = 24;

    static final int MAX_FIELD_NAME_CHARS = 40;
    /** Masked before cutting: a longer record is cut here first (the excerpt shows less anyway). */
    private static final int MAX_SCANNED_CHARS = 8 * MAX_EXCERPT_CHARS;

    /** Fields whose value is a device: an advertising id, a MAC (the sensors' {@code deviceHash} is raw). */
    private static final Set<String> DEVICE_FIELDS = Set.of("deviceid", "devicehash", "mac", "adid", "idfa",
            "gaid", "oaid", "imei", "androidid");
    private static final Set<String> PHONE_FIELDS = Set.of("phone", "phonenumber", "mobile", "msisdn");
    /** Fields holding {@code kind:id}, of which the device and phone kinds are personal. */
    private static final Set<String> IDENTITY_FIELDS = Set.of("a", "b", "identifier");

    /**
     * One pass for all shapes, so that a replacement is never matched again: MACs, advertising ids with or
     * without dashes (IDFA, GAID) and other long hex ids, then runs of 7 to 15 digits (phones, IMEIs) that are
     * not part of a longer number, a decimal or an epoch-millisecond {@code ts}.
     */
    private static final Pattern IDENTIFIER = Pattern.compile(
            "(?<mac>\\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\\b)"
                    + "|(?<hex>\\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\b"
                    + "|\\b(?=[0-9A-Fa-f]*[0-9])(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{16,64}\\b)"
                    + "|(?<phone>(?<![\\w.])(?<!\"ts\":)(?<!\"ts\": )\\+?\\d(?:[ -]?\\d){6,14}(?![\\w.]))");

    /**
     * {@code "field": "value"} in text that is not JSON: values of identifier fields, even if cut short. The
     * value's loop is unrolled and possessive, so a long value costs no stack.
     */
    private static final Pattern QUOTED_FIELD = Pattern.compile("\"([^\"\\\\]{1,64})\"\\s*:\\s*\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"?");
    private static final Pattern BARE_FIELD = Pattern.compile("\"([^\"\\\\]{1,64})\"\\s*:\\s*([^,}\\]\\s\"]+)");
    private static final Pattern FIELD_NAME = Pattern.compile("\"([^\"\\\\]{1,200})\"\\s*:");
    /** Quoted snippets in a JSON parser's message: the parser echoes the offending input. */
    private static final Pattern PARSER_ECHO = Pattern.compile("'[^']*'|\"[^\"]*\"");

    private static final long YEAR_2000 = 946_684_800_000L;
    private static final long YEAR_2100 = 4_102_444_800_000L;

    private final IdentifierHasher hasher;

    PersonalDataMask(IdentifierHasher hasher) {
        this.hasher = hasher;
    }

    /** The record, with identifiers hashed, as compact JSON when it is a JSON object, cut to a bound. */
    String excerpt(JsonNode json, String raw, ObjectMapper mapper) {
        if (raw == null) {
            return "";
        }
        String masked;
        if (json instanceof ObjectNode object) {
            try {
                masked = mapper.writeValueAsString(maskObject(object.deepCopy()));
            } catch (Exception e) {
                masked = maskText(raw);
            }
        } else {
            masked = maskText(raw);
        }
        return cut(masked, MAX_EXCERPT_CHARS);
    }

    /** The record's top-level field names, comma-separated, masked and bounded. */
    String fieldNames(JsonNode json, String raw) {
        List<String> names = new ArrayList<>();
        if (json instanceof ObjectNode object) {
            Iterator<String> it = object.fieldNames();
            while (it.hasNext() && names.size() < MAX_FIELDS) {
                names.add(it.next());
            }
        } else if (raw != null) {
            Matcher m = FIELD_NAME.matcher(cut(raw, MAX_SCANNED_CHARS));
            while (m.find() && names.size() < MAX_FIELDS) {
                names.add(m.group(1));
            }
        }
        List<String> safe = new ArrayList<>(names.size());
        for (String name : names) {
            safe.add(cut(maskPatterns(name).replace(',', ' '), MAX_FIELD_NAME_CHARS));
        }
        return String.join(",", safe);
    }

    /** A message about the record (ours or the JSON parser's), with anything echoed from the input masked. */
    String detail(String message, boolean fromJsonParser) {
        if (message == null) {
            return "";
        }
        String text = fromJsonParser ? PARSER_ECHO.matcher(message).replaceAll("'…'") : message;
        return cut(maskPatterns(text), MAX_EXCERPT_CHARS);
    }

    private JsonNode maskObject(ObjectNode object) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        object.fields().forEachRemaining(fields::add);
        object.removeAll();
        for (Map.Entry<String, JsonNode> field : fields) {
            object.set(maskPatterns(field.getKey()), maskValue(field.getKey(), field.getValue()));
        }
        return object;
    }

    private JsonNode maskValue(String field, JsonNode value) {
        String name = field.toLowerCase(Locale.ROOT);
        if (value.isObject()) {
            return maskObject((ObjectNode) value);
        }
        if (value.isArray()) {
            ArrayNode masked = ((ArrayNode) value).arrayNode();
            for (JsonNode element : value) {
                masked.add(maskValue(field, element));
            }
            return masked;
        }
        if (value.isNull() || value.isBoolean() || value.isMissingNode()) {
            return value;
        }
        String text = value.asText();
        if (DEVICE_FIELDS.contains(name)) {
            return TextNode.valueOf("device#" + hasher.hashDevice(text));
        }
        if (PHONE_FIELDS.contains(name)) {
            return TextNode.valueOf("phone#" + hasher.hashPhone(text));
        }
        if (IDENTITY_FIELDS.contains(name) && value.isTextual()) {
            return TextNode.valueOf(maskIdentity(text));
        }
        if (value.isNumber()) {
            // A phone number sent as a number, in any field; an epoch-millisecond ts of this century stays readable.
            if (name.equals("ts") && value.canConvertToLong() && value.asLong() >= YEAR_2000 && value.asLong() < YEAR_2100) {
                return value;
            }
            return IDENTIFIER.matcher(text).find() ? TextNode.valueOf(maskPatterns(text)) : value;
        }
        return TextNode.valueOf(maskPatterns(text));
    }

    private String maskIdentity(String value) {
        int colon = value.indexOf(':');
        String kind = colon > 0 ? value.substring(0, colon).strip().toLowerCase(Locale.ROOT) : "";
        String id = colon > 0 ? value.substring(colon + 1) : value;
        return switch (kind) {
            case "device" -> "device:device#" + hasher.hashDevice(id);
            case "phone" -> "phone:phone#" + hasher.hashPhone(id);
            // Unknown kind: it may be anything, a phone among others.
            default -> maskPatterns(value);
        };
    }

    /** Text that is not a JSON object: identifier fields found by their quotes, then shapes everywhere. */
    private String maskText(String raw) {
        String text = cut(raw, MAX_SCANNED_CHARS);
        StringBuilder out = new StringBuilder(text.length());
        Matcher m = QUOTED_FIELD.matcher(text);
        int last = 0;
        while (m.find()) {
            out.append(maskPatterns(text.substring(last, m.start())));
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String value = m.group(2);
            String masked;
            if (DEVICE_FIELDS.contains(name)) {
                masked = "device#" + hasher.hashDevice(value);
            } else if (PHONE_FIELDS.contains(name)) {
                masked = "phone#" + hasher.hashPhone(value);
            } else if (IDENTITY_FIELDS.contains(name)) {
                masked = maskIdentity(value);
            } else {
                masked = maskPatterns(value);
            }
            out.append('"').append(maskPatterns(m.group(1))).append("\":\"").append(masked).append('"');
            last = m.end();
        }
        out.append(maskPatterns(text.substring(last)));
        // Unquoted values of identifier fields (a number, a bare word): hashed as well.
        Matcher bare = BARE_FIELD.matcher(out.toString());
        StringBuilder result = new StringBuilder(out.length());
        while (bare.find()) {
            String name = bare.group(1).toLowerCase(Locale.ROOT);
            String replacement = bare.group();
            if (DEVICE_FIELDS.contains(name)) {
                replacement = "\"" + bare.group(1) + "\":\"device#" + hasher.hashDevice(bare.group(2)) + "\"";
            } else if (PHONE_FIELDS.contains(name) || IDENTITY_FIELDS.contains(name)) {
                replacement = "\"" + bare.group(1) + "\":\"phone#" + hasher.hashPhone(bare.group(2)) + "\"";
            }
            bare.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        bare.appendTail(result);
        return result.toString();
    }

    /** Anything shaped like an identifier, replaced by its keyed hash. */
    String maskPatterns(String text) {
        Matcher m = IDENTIFIER.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        do {
            String replacement;
            if (m.group("mac") != null) {
                replacement = "mac#" + hasher.hashDevice(m.group());
            } else if (m.group("hex") != null) {
                replacement = "id#" + hasher.hashDevice(m.group());
            } else {
                replacement = "phone#" + hasher.hashPhone(m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }

    /** A value quoted in a message: short, and masked later with the message. */
    static String shortened(String value) {
        return cut(value, 64);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
