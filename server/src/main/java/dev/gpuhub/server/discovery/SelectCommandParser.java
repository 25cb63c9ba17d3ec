package dev.gpuhub.server.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpuhub.core.placement.SelectionAlgorithm;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.JsonFields;

/**
 * Validates {@code POST /select-nodes}: {@code profile_id} (integer id or profile name) and
 * {@code user_id} required; {@code num_nodes}, {@code session_id}, {@code algorithm},
 * {@code strict} optional.
 */
public final class SelectCommandParser {
  private SelectCommandParser() {}

  public static SelectCommand parse(JsonNode body) {
    JsonFields f = JsonFields.of(body, null);
    if (!f.has("profile_id")) throw f.missing("profile_id");
    JsonNode ref = f.raw("profile_id");
    String profileRef;
    if (ref.isIntegralNumber() && ref.canConvertToLong() && ref.longValue() >= 0) {
      profileRef = Long.toString(ref.longValue());
    } else if (ref.isTextual() && ProfileParser.NAME.matcher(ref.textValue()).matches()) {
      profileRef = ref.textValue();
    } else {
      throw new InvalidPayloadException("profile_id", "must be a profile id (integer >= 0) or a profile name");
    }
    String userId = f.requireText("user_id", 255, null, null);
    if (userId.isBlank()) throw new InvalidPayloadException("user_id", "must not be blank");
    String sessionId = f.optionalText("session_id", 255, null);
    Integer numNodes = f.has("num_nodes") ? (int) f.requireLong("num_nodes", 1, 1000) : null;
    SelectionAlgorithm algorithm = null;
    if (f.has("algorithm")) {
      String name = f.requireText("algorithm", 64, null, null);
      try {
        algorithm = SelectionAlgorithm.fromWireName(name);
      } catch (IllegalArgumentException e) {
        throw new InvalidPayloadException("algorithm", "is not known: use one of " + SelectionAlgorithm.names());
      }
    }
    Boolean strict = f.has("strict") ? f.optionalBoolean("strict", false) : null;
    return new SelectCommand(profileRef, userId, sessionId, numNodes, algorithm, strict);
  }
}
