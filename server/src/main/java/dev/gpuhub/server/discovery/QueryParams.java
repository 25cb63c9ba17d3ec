package dev.gpuhub.server.discovery;

import dev.gpuhub.core.placement.SelectionAlgorithm;
import io.javalin.http.Context;

/** Validated query parameters; a bad one is an IllegalArgumentException naming it (HTTP 400). */
final class QueryParams {
  private QueryParams() {}

  static int integer(Context ctx, String name, int fallback, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) return fallback;
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException ignored) {
      // falls through to the error below
    }
    throw new IllegalArgumentException("query parameter '" + name + "' must be an integer from " + min + " to " + max + ", got '" + v + "'");
  }

  static boolean bool(Context ctx, String name, boolean fallback) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) return fallback;
    return switch (v.strip().toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("query parameter '" + name + "' must be true or false, got '" + v + "'");
    };
  }

  static SelectionAlgorithm algorithm(Context ctx) {
    String v = ctx.queryParam("algorithm");
    if (v == null || v.isBlank()) return null;
    try {
      return SelectionAlgorithm.fromWireName(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query parameter 'algorithm': " + e.getMessage());
    }
  }
}
