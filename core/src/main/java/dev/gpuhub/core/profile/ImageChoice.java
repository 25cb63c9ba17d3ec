package dev.gpuhub.core.profile;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An image users may start, as an administrator declared it: its reference (present on the nodes),
 * the name the spawn form shows, the profiles it is offered with (empty: every profile), the
 * groups whose members may use it (empty: everyone) and how it starts ({@code start}: "singleuser"
 * or a command template, checked by the hub; null for the hub's default).
 */
public record ImageChoice(String reference, String displayName, List<String> profiles, List<String> groups,
                          String start) {
  /** An image that starts as the hub's default says. */
  public ImageChoice(String reference, String displayName, List<String> profiles, List<String> groups) {
    this(reference, displayName, profiles, groups, null);
  }

  /** Image references as the node API accepts them. */
  public static final Pattern REFERENCE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}");

  /** @throws IllegalArgumentException for a reference the node API would refuse or a blank display name */
  public ImageChoice {
    if (reference == null || !REFERENCE.matcher(reference).matches()) {
      throw new IllegalArgumentException("image '" + reference + "' is not an image reference such as"
          + " registry.lab.example/pytorch:2.3");
    }
    displayName = displayName == null || displayName.isBlank() ? reference : displayName.strip();
    if (displayName.length() > 100) throw new IllegalArgumentException("display_name is longer than 100 characters");
    profiles = profiles == null ? List.of() : List.copyOf(new TreeSet<>(profiles));
    groups = groups == null ? List.of() : List.copyOf(new TreeSet<>(groups));
    start = start == null || start.isBlank() ? null : start.strip();
  }

  /** Whether it is offered with profile {@code profile}. */
  public boolean serves(String profile) {
    return profiles.isEmpty() || profiles.contains(profile);
  }

  /** Whether a member of {@code userGroups} may use it. */
  public boolean openTo(Collection<String> userGroups) {
    return groups.isEmpty() || userGroups.stream().anyMatch(groups::contains);
  }

  /** The image as the shipped defaults offer it: open to everyone, shown by its reference. */
  public static ImageChoice of(String reference) {
    return new ImageChoice(Objects.requireNonNull(reference, "reference"), null, List.of(), List.of());
  }
}
