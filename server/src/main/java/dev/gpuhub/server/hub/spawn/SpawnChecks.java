package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.NotFoundException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a start request must pass before anything is placed: the profile exists and is not retired,
 * the user may use it (its groups), the image is offered, the node count is within the profile's
 * range, and (last, when nothing else is wrong) the quotas admit it.
 */
final class SpawnChecks {
  /** A request that passed: the profile, the image and the node count to start. */
  record Checked(Profile profile, String image, int nodeCount) {}

  private final SpawnerConfig config;
  private final Function<String, Optional<Profile>> profiles;
  private final Supplier<SpawnerHooks> hooks;

  SpawnChecks(SpawnerConfig config, Function<String, Optional<Profile>> profiles, Supplier<SpawnerHooks> hooks) {
    this.config = config;
    this.profiles = profiles;
    this.hooks = hooks;
  }

  /**
   * @throws NotFoundException when the profile does not exist
   * @throws ProfileNotAllowedException when the profile is limited to groups the user is not in
   * @throws IllegalArgumentException for a retired profile, an image or node count it does not allow
   */
  Checked check(String user, SpawnOptions options) {
    Profile profile = profiles.apply(options.profile() == null ? "single-cpu" : options.profile())
        .orElseThrow(() -> new NotFoundException("profile '" + options.profile() + "' does not exist"));
    if (profile.retired()) {
      throw new IllegalArgumentException("profile '" + profile.name() + "' is retired: choose another one");
    }
    checkAllowed(user, profile);
    String image = chooseImage(profile, options.image());
    int count = options.nodeCount() == null ? profile.minNodes() : options.nodeCount();
    if (count < profile.minNodes() || count > profile.maxNodes()) {
      throw new IllegalArgumentException("profile " + profile.name() + " allows " + profile.minNodes() + " to "
          + profile.maxNodes() + " nodes; " + count + " requested");
    }
    return new Checked(profile, image, count);
  }

  /** @throws QuotaExceededException naming the quota the start would break */
  void admit(String user, Checked checked) {
    hooks.get().admission().admit(user, checked.profile(), checked.nodeCount());
  }

  /** Whether {@code user} may use {@code profile}: it is open to everyone, or they are in one of its groups. */
  boolean mayUse(String user, Profile profile) {
    return profile.groups().isEmpty() || profile.openTo(hooks.get().groupsOf().apply(user));
  }

  /** @throws ProfileNotAllowedException naming the profile's groups when {@code user} may not use it */
  void checkAllowed(String user, Profile profile) {
    if (!mayUse(user, profile)) {
      throw new ProfileNotAllowedException("profile '" + profile.name() + "' is for the members of "
          + String.join(", ", profile.groups()) + "; " + user + " is in none of them (an administrator can add you)");
    }
  }

  static ServerAlreadyActiveException alreadyActive(String user, ActiveServer existing) {
    return new ServerAlreadyActiveException(user + " already has a server ("
        + existing.snapshot().state().name().toLowerCase(Locale.ROOT) + "); stop it first");
  }

  private String chooseImage(Profile profile, String requested) {
    String preferred = profile.gpuRequired() ? config.gpuImage() : config.cpuImage();
    if (requested == null || requested.isBlank()) return preferred;
    if (requested.equals(config.cpuImage()) || requested.equals(config.gpuImage())) return requested;
    throw new IllegalArgumentException("image '" + requested + "' is not offered; choose " + config.cpuImage()
        + (config.gpuImage().equals(config.cpuImage()) ? "" : " or " + config.gpuImage()));
  }
}
