package dev.gpuhub.core.profile;

import java.util.List;

/** The four profiles of SPEC §4, created on first start with these stable names. */
public final class DefaultProfiles {
  private DefaultProfiles() {}

  public static final Profile SINGLE_CPU = new Profile(0, "single-cpu", "Single CPU",
      "2 CPU cores and 2 GB of memory on one node", 2, 2, false, 1, 1, 80, 85);
  public static final Profile SINGLE_GPU = new Profile(0, "single-gpu", "Single GPU",
      "4 CPU cores, 8 GB of memory and one GPU on one node", 4, 8, true, 1, 1, 80, 85);
  public static final Profile MULTI_CPU = new Profile(0, "multi-cpu", "Multi CPU",
      "4 CPU cores and 8 GB of memory on each of 2 to 4 nodes", 4, 8, false, 2, 4, 80, 85);
  public static final Profile MULTI_GPU = new Profile(0, "multi-gpu", "Multi GPU",
      "4 CPU cores, 16 GB of memory and a GPU on each of 2 to 4 nodes", 4, 16, true, 2, 4, 80, 85);

  /** All four, in the order the options form shows them. */
  public static List<Profile> all() {
    return List.of(SINGLE_CPU, SINGLE_GPU, MULTI_CPU, MULTI_GPU);
  }
}
