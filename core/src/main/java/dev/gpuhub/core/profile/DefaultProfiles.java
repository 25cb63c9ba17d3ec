package dev.gpuhub.core.profile;

import java.util.List;

/**
 * The four profiles of SPEC §4, created on first start with these stable names. SPEC's cores and
 * memory are the limits; the guarantees (what placement reserves) are a quarter of the cores for
 * CPU notebooks, which sit idle most of the time, and half of the memory, so that one 2-core, 8 GB
 * machine seats four "Single CPU" users (4 x 0.5 cores, 4 x 1 GB) and each may still burst to 2
 * cores and 2 GB while the others are idle. GPU profiles guarantee more (a GPU waits on its data
 * loader's cores). The admin guide gives the reasoning and how to change them.
 */
public final class DefaultProfiles {
  private DefaultProfiles() {}

  public static final Profile SINGLE_CPU = new Profile(0, "single-cpu", "Single CPU",
      "Up to 2 CPU cores and 2 GB of memory (0.5 core and 1 GB guaranteed) on one node", 0.5, 1, false, 1, 1, 80, 85,
      null, 2, 2);
  public static final Profile SINGLE_GPU = new Profile(0, "single-gpu", "Single GPU",
      "One GPU, up to 4 CPU cores and 8 GB of memory (2 cores and 4 GB guaranteed) on one node", 2, 4, true, 1, 1, 80, 85,
      null, 4, 8);
  public static final Profile MULTI_CPU = new Profile(0, "multi-cpu", "Multi CPU",
      "Up to 4 CPU cores and 8 GB of memory (1 core and 4 GB guaranteed) on each of 2 to 4 nodes", 1, 4, false, 2, 4,
      80, 85, null, 4, 8);
  public static final Profile MULTI_GPU = new Profile(0, "multi-gpu", "Multi GPU",
      "A GPU, up to 4 CPU cores and 16 GB of memory (2 cores and 8 GB guaranteed) on each of 2 to 4 nodes", 2, 8, true,
      2, 4, 80, 85, null, 4, 16);

  /** All four, in the order the options form shows them. */
  public static List<Profile> all() {
    return List.of(SINGLE_CPU, SINGLE_GPU, MULTI_CPU, MULTI_GPU);
  }
}
