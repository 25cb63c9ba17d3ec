package dev.gpuhub.bench;

import java.util.HashMap;
import java.util.Map;

/** A benchmark's {@code --name value} options. */
public final class Options {
  private Options() {}

  /**
   * The options as name to value.
   *
   * @param usage shown when an argument is not a {@code --name value} pair
   * @throws IllegalArgumentException for such an argument
   */
  public static Map<String, String> parse(String[] args, String usage) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("usage: " + usage);
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }
}
