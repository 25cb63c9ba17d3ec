package dev.gpuhub.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates invalid request bodies from a valid one: structural garbage, truncations, and for each
 * declared field every wrong type, out-of-range value and (when required) its absence. Each case
 * knows which field the server must name, or null when the body as a whole is wrong.
 */
final class BadBodies {
  /** One bad body and the field the error must name (null: none in particular). */
  record Case(String description, byte[] body, String expectedField, int expectedStatus) {}

  /** ID: an integer id or a name, as profile_id. */
  enum Kind { TEXT, INT, NUMBER, PERCENT, BOOL, ARRAY, ID }

  /** A field rule: kind, bounds (for numbers), whether required, and a value that breaks its pattern. */
  record Field(String path, Kind kind, double min, double max, boolean required, String badPattern) {}

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private BadBodies() {}

  static List<Case> generate(ObjectNode valid, List<Field> fields, Random random, int truncations) {
    List<Case> cases = new ArrayList<>();
    String validText = valid.toString();
    for (String s : List.of("", " ", "null", "[]", "[1,2]", "123", "\"text\"", "true", "{", "}", "{]",
        "{\"a\":}", "{'single':1}", "{\"a\":1,}", validText + "}", validText + " trailing", validText + validText,
        "[" + validText + "]", "NaN", "{\"a\":NaN}")) {
      cases.add(new Case("structural: " + abbreviate(s), s.getBytes(StandardCharsets.UTF_8), null, 400));
    }
    cases.add(new Case("deep nesting", ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8), null, 400));
    cases.add(new Case("invalid UTF-8", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, null, 400));
    for (int i = 0; i < 8; i++) {
      byte[] junk = new byte[1 + random.nextInt(300)];
      random.nextBytes(junk);
      junk[0] = '{';
      cases.add(new Case("random bytes", junk, null, 400));
    }
    for (int i = 0; i < truncations; i++) {
      int cut = random.nextInt(validText.length());
      cases.add(new Case("truncated at " + cut, validText.substring(0, cut).getBytes(StandardCharsets.UTF_8), null, 400));
    }
    cases.add(new Case("oversize (1 MiB + 1 KiB)", oversize(valid, (1 << 20) + 1024), null, 413));
    cases.add(new Case("oversize (4 MiB)", oversize(valid, 4 << 20), null, 413));
    for (Field f : fields) {
      for (JsonNode bad : badValues(f)) {
        ObjectNode copy = valid.deepCopy();
        set(copy, f.path, bad);
        cases.add(new Case(f.path + " = " + abbreviate(bad.toString()), copy.toString().getBytes(StandardCharsets.UTF_8), f.path, 400));
      }
      if (f.required) {
        ObjectNode copy = valid.deepCopy();
        remove(copy, f.path);
        cases.add(new Case(f.path + " missing", copy.toString().getBytes(StandardCharsets.UTF_8), f.path, 400));
        ObjectNode nulled = valid.deepCopy();
        set(nulled, f.path, F.nullNode());
        cases.add(new Case(f.path + " null", nulled.toString().getBytes(StandardCharsets.UTF_8), f.path, 400));
      }
    }
    return cases;
  }

  private static List<JsonNode> badValues(Field f) {
    List<JsonNode> v = new ArrayList<>();
    ArrayNode array = F.arrayNode().add(1);
    ObjectNode object = F.objectNode().put("x", 1);
    switch (f.kind) {
      case TEXT -> {
        v.add(F.numberNode(123));
        v.add(F.booleanNode(true));
        v.add(array);
        v.add(object);
        v.add(F.textNode("x".repeat(5000)));
        if (f.badPattern != null) v.add(F.textNode(f.badPattern));
      }
      case INT -> {
        v.add(F.textNode("5"));
        v.add(F.numberNode(2.5));
        v.add(F.booleanNode(true));
        v.add(array);
        v.add(object);
        v.add(F.numberNode((long) f.min - 1));
        v.add(F.numberNode((long) f.max + 1));
        v.add(F.numberNode(new java.math.BigInteger("123456789012345678901234567890")));
      }
      case NUMBER, PERCENT -> {
        v.add(F.textNode("50"));
        v.add(F.booleanNode(false));
        v.add(array);
        v.add(object);
        v.add(F.numberNode(f.min - 0.5));
        v.add(F.numberNode(f.max + 0.01));
        v.add(F.numberNode(1e300 * 10));
      }
      case BOOL -> {
        v.add(F.textNode("true"));
        v.add(F.numberNode(1));
        v.add(F.numberNode(0));
        v.add(array);
        v.add(object);
      }
      case ID -> {
        v.add(F.booleanNode(true));
        v.add(F.numberNode(2.5));
        v.add(F.numberNode(-1));
        v.add(array);
        v.add(object);
        v.add(F.textNode("Not A Name"));
        v.add(F.textNode("x".repeat(5000)));
      }
      case ARRAY -> {
        v.add(F.textNode("[]"));
        v.add(F.numberNode(3));
        v.add(object);
        v.add(F.booleanNode(true));
      }
    }
    return v;
  }

  private static byte[] oversize(ObjectNode valid, int bytes) {
    ObjectNode copy = valid.deepCopy();
    copy.put("padding", "x".repeat(bytes));
    return copy.toString().getBytes(StandardCharsets.UTF_8);
  }

  // Paths are "field" or "array[i].field".
  private static void set(ObjectNode root, String path, JsonNode value) {
    int dot = path.indexOf("].");
    if (dot < 0) {
      root.set(path, value);
      return;
    }
    String array = path.substring(0, path.indexOf('['));
    int index = Integer.parseInt(path.substring(path.indexOf('[') + 1, dot));
    ((ObjectNode) root.get(array).get(index)).set(path.substring(dot + 2), value);
  }

  private static void remove(ObjectNode root, String path) {
    int dot = path.indexOf("].");
    if (dot < 0) {
      root.remove(path);
      return;
    }
    String array = path.substring(0, path.indexOf('['));
    int index = Integer.parseInt(path.substring(path.indexOf('[') + 1, dot));
    ((ObjectNode) root.get(array).get(index)).remove(path.substring(dot + 2));
  }

  /**
   * What is wrong with the answer {@code status}/{@code body} to case {@code c}, or null when it is
   * right: the expected status, a JSON body with a non-blank {@code error}, and a {@code field}
   * that {@code fieldMatches} accepts for the case's expected field (when it has one).
   *
   * @param where names the request in the message
   */
  static String problem(String where, Case c, int status, String body,
                        java.util.function.BiPredicate<String, String> fieldMatches) {
    String said = where + " [" + c.description() + "] -> " + status + " " + abbreviate(body);
    if (status != c.expectedStatus()) return said + " (expected " + c.expectedStatus() + ")";
    JsonNode json;
    try {
      json = dev.gpuhub.wire.WireJson.mapper().readTree(body);
    } catch (Exception e) {
      return said + " (body is not JSON)";
    }
    if (json == null || !json.path("error").isTextual() || json.path("error").asText().isBlank()) {
      return said + " (no error message)";
    }
    if (c.expectedField() != null && !fieldMatches.test(json.path("field").asText(), c.expectedField())) {
      return said + " (expected field " + c.expectedField() + ")";
    }
    return null;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
