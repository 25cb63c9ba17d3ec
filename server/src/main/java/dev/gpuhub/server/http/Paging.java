package dev.gpuhub.server.http;

import io.javalin.http.Context;
import java.util.List;

/**
 * One page of a list that can grow without bound: query parameters {@code offset} (default 0) and
 * {@code limit} (default and most {@link #MAX_LIMIT}), as JupyterHub's REST API pages; the answer
 * carries {@code X-Total-Count}. A bad value is a 400 naming the parameter.
 */
public record Paging(int offset, int limit) {
  /** Largest page, and the page when no limit is given. */
  public static final int MAX_LIMIT = 200;
  /** Header with the number of items in all pages. */
  public static final String TOTAL_HEADER = "X-Total-Count";

  /** The page the request asks for. */
  public static Paging of(Context ctx) {
    return new Paging(param(ctx, "offset", 0, Integer.MAX_VALUE, 0), param(ctx, "limit", 1, MAX_LIMIT, MAX_LIMIT));
  }

  /** This page of {@code all}. */
  public <T> List<T> of(List<T> all) {
    if (offset >= all.size()) return List.of();
    return all.subList(offset, Math.min(all.size(), offset + limit));
  }

  /** Sets {@link #TOTAL_HEADER}. */
  public void total(Context ctx, int total) {
    ctx.header(TOTAL_HEADER, Integer.toString(total));
  }

  private static int param(Context ctx, String name, int min, int max, int absent) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return absent;
    try {
      int v = Integer.parseInt(raw.strip());
      if (v >= min && v <= max) return v;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
  }
}
