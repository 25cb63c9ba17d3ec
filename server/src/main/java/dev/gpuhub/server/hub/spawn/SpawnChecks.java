package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.server.discovery.NotFoundException;
import dev.gpuhub.core.profile.ImageChoice;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a start request must pass before anything is placed: the profile exists and is not retired,
 * the user may use it (its groups), the image is offered, the node count is within the profile's
 * range, and (last, when nothing else is wrong) the quotas admit it.
 */
public final class SpawnChecks {
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
    String image = chooseImage(user, profile, options.image());
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
  public boolean mayUse(String user, Profile profile) {
    return profile.groups().isEmpty() || profile.openTo(hooks.get().groupsOf().apply(user));
  }

  /** @throws ProfileNotAllowedException naming the profile's groups when {@code user} may not use it */
  public void checkAllowed(String user, Profile profile) {
    if (!mayUse(user, profile)) {
      throw new ProfileNotAllowedException("profile '" + profile.name() + "' is for the members of "
          + String.join(", ", profile.groups()) + "; " + user + " is in none of them (an administrator can add you)");
    }
  }

  static ServerAlreadyActiveException alreadyActive(dev.gpuhub.core.hub.ServerId id, ActiveServer existing) {
    return new ServerAlreadyActiveException(id.describe() + " is already active ("
        + existing.snapshot().state().name().toLowerCase(Locale.ROOT) + "); stop it first");
  }

  /**
   * The images {@code user} may start with {@code profile}, the first the default: the declared ones
   * that serve the profile and are open to the user's groups; with none declared, the configured
   * image of the profile's kind, then the other.
   */
  public List<ImageChoice> offered(String user, Profile profile) {
    List<ImageChoice> declared = hooks.get().images().get();
    if (declared.isEmpty()) {
      String first = profile.gpuRequired() ? config.gpuImage() : config.cpuImage();
      String other = profile.gpuRequired() ? config.cpuImage() : config.gpuImage();
      return first.equals(other) ? List.of(ImageChoice.of(first)) : List.of(ImageChoice.of(first), ImageChoice.of(other));
    }
    List<String> groups = hooks.get().groupsOf().apply(user);
    return declared.stream().filter(i -> i.serves(profile.name()) && i.openTo(groups)).toList();
  }

  /** How a server of {@code image} starts: as its declaration says, else as the hub's default. */
  public StartCommand startOf(String image) {
    return hooks.get().images().get().stream().filter(i -> i.reference().equals(image) && i.start() != null)
        .findFirst().map(i -> new StartCommand(i.start())).orElse(config.start());
  }

  private String chooseImage(String user, Profile profile, String requested) {
    List<ImageChoice> offered = offered(user, profile);
    List<String> references = offered.stream().map(ImageChoice::reference).toList();
    if (requested == null || requested.isBlank()) {
      if (offered.isEmpty()) {
        throw new IllegalArgumentException("no image is offered to " + user + " with profile '" + profile.name()
            + "': an administrator declares images on the admin page");
      }
      return references.get(0);
    }
    if (references.contains(requested)) return requested;
    hooks.get().images().get().stream()
        .filter(i -> i.reference().equals(requested) && i.serves(profile.name())).findFirst()
        .ifPresent(i -> {
          throw new ProfileNotAllowedException("image '" + requested + "' is for the members of "
              + String.join(", ", i.groups()) + "; " + user + " is in none of them (an administrator can add you)");
        });
    throw new IllegalArgumentException("image '" + requested + "' is not offered with profile '" + profile.name() + "'"
        + (references.isEmpty() ? "" : "; choose " + String.join(" or ", references)));
  }

}
