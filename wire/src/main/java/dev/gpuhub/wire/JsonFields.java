package dev.gpuhub.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed, range-checked reads of one JSON object's fields. Every failure is an
 * {@link InvalidPayloadException} naming the field (prefixed with {@code path}) and the rule.
 * A JSON {@code null} counts as absent.
 */
public final class JsonFields {
  private final JsonNode object;
  private final String path;

  private JsonFields(JsonNode object, String path) {
    this.object = object;
    this.path = path;
  }

  /** Reads fields of {@code node}, which must be a JSON object. */
  public static JsonFields of(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new InvalidPayloadException(path, (path == null ? "body " : "") + "must be a JSON object, got " + kind(node));
    }
    return new JsonFields(node, path);
  }

  public boolean has(String name) {
    JsonNode v = object.get(name);
    return v != null && !v.isNull();
  }

  public JsonNode raw(String name) {
    return object.get(name);
  }

  public String name(String field) {
    return path == null ? field : path + "." + field;
  }

  public String requireText(String field, int maxLength, Pattern pattern, String patternHint) {
    if (!has(field)) throw missing(field);
    return text(field, maxLength, pattern, patternHint);
  }

  public String optionalText(String field, int maxLength, String fallback) {
    return has(field) ? text(field, maxLength, null, null) : fallback;
  }

  private String text(String field, int maxLength, Pattern pattern, String patternHint) {
    JsonNode v = object.get(field);
    if (!v.isTextual()) throw wrongType(field, "a string", v);
    String s = v.textValue();
    if (s.length() > maxLength) {
      throw new InvalidPayloadException(name(field), "is " + s.length() + " characters long; at most " + maxLength + " are allowed");
    }
    if (pattern != null && !pattern.matcher(s).matches()) {
      throw new InvalidPayloadException(name(field), "'" + abbreviate(s) + "' is not " + patternHint);
    }
    return s;
  }

  public long requireLong(String field, long min, long max) {
    if (!has(field)) throw missing(field);
    return longValue(field, min, max);
  }

  public long optionalLong(String field, long min, long max, long fallback) {
    return has(field) ? longValue(field, min, max) : fallback;
  }

  public Long nullableLong(String field, long min, long max) {
    return has(field) ? longValue(field, min, max) : null;
  }

  private long longValue(String field, long min, long max) {
    JsonNode v = object.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) throw wrongType(field, "an integer", v);
    long n = v.longValue();
    if (n < min || n > max) throw outOfRange(field, v.asText(), min, max);
    return n;
  }

  public double requireDouble(String field, double min, double max) {
    if (!has(field)) throw missing(field);
    return doubleValue(field, min, max);
  }

  public Double nullableDouble(String field, double min, double max) {
    return has(field) ? doubleValue(field, min, max) : null;
  }

  public double optionalDouble(String field, double min, double max, double fallback) {
    return has(field) ? doubleValue(field, min, max) : fallback;
  }

  /** A percentage: a number in [0, 100], or null/absent. */
  public Double nullablePercent(String field) {
    return nullableDouble(field, 0, 100);
  }

  private double doubleValue(String field, double min, double max) {
    JsonNode v = object.get(field);
    if (!v.isNumber()) throw wrongType(field, "a number", v);
    double d = v.doubleValue();
    if (!Double.isFinite(d) || d < min || d > max) throw outOfRange(field, v.asText(), min, max);
    return d;
  }

  public boolean optionalBoolean(String field, boolean fallback) {
    if (!has(field)) return fallback;
    JsonNode v = object.get(field);
    if (!v.isBoolean()) throw wrongType(field, "true or false", v);
    return v.booleanValue();
  }

  /**
   * Refuses a field not in {@code accepted}: a typo such as {@code "memory"} would otherwise
   * silently drop a value.
   */
  public JsonFields acceptOnly(Collection<String> accepted) {
    for (var it = object.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!accepted.contains(field)) {
        throw new InvalidPayloadException(name(field), "is unknown (unknown field '" + field + "'): accepted fields are "
            + accepted.stream().sorted().toList());
      }
    }
    return this;
  }

  /** An array of strings, or an empty list when absent. */
  public List<String> optionalStringList(String field) {
    if (!has(field)) return List.of();
    JsonNode v = object.get(field);
    if (!v.isArray()) throw wrongType(field, "an array of strings", v);
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) throw wrongType(field, "an array of strings", v);
      out.add(item.textValue());
    }
    return out;
  }

  /** An array of whole numbers in {@code [min, max]}, or an empty list when absent. */
  public List<Integer> optionalIntList(String field, int min, int max) {
    if (!has(field)) return List.of();
    JsonNode v = object.get(field);
    String expected = "an array of whole numbers from " + min + " to " + max;
    if (!v.isArray()) throw wrongType(field, expected, v);
    List<Integer> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.canConvertToInt() || !item.isIntegralNumber() || item.intValue() < min || item.intValue() > max) {
        throw wrongType(field, expected, v);
      }
      out.add(item.intValue());
    }
    return out;
  }

  /** An object of string values (in the body's order), or an empty map when absent. */
  public Map<String, String> optionalStringMap(String field) {
    if (!has(field)) return Map.of();
    JsonNode v = object.get(field);
    if (!v.isObject()) throw wrongType(field, "an object of string values", v);
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : v.properties()) {
      if (!e.getValue().isTextual()) {
        throw new InvalidPayloadException(name(field), "must be an object of string values; " + field + "." + e.getKey()
            + " is " + kind(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  public InvalidPayloadException missing(String field) {
    return new InvalidPayloadException(name(field), "is required");
  }

  private InvalidPayloadException wrongType(String field, String expected, JsonNode got) {
    return new InvalidPayloadException(name(field), "must be " + expected + ", got " + kind(got));
  }

  private InvalidPayloadException outOfRange(String field, String value, double min, double max) {
    return new InvalidPayloadException(name(field), "must be between " + fmt(min) + " and " + fmt(max) + ", got " + abbreviate(value));
  }

  static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) return "nothing";
    if (v.isNull()) return "null";
    if (v.isTextual()) return "a string";
    if (v.isIntegralNumber()) return "an integer";
    if (v.isNumber()) return "a number";
    if (v.isBoolean()) return "a boolean";
    if (v.isArray()) return "an array";
    return "an object";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
