package dev.gpuhub.server.hub.web;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.store.ClusterRepository;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.wire.InvalidPayloadException;
import java.util.List;

/** Checks that the profiles and groups a declaration names exist; a 400 naming the field otherwise. */
final class KnownNames {
  private KnownNames() {}

  /** @throws InvalidPayloadException naming {@code profiles} and the first profile that does not exist */
  static void profiles(ClusterRepository cluster, List<String> names) {
    if (names.isEmpty()) return;
    List<String> known = cluster.profiles().stream().map(Profile::name).toList();
    for (String p : names) {
      if (!known.contains(p)) throw new InvalidPayloadException("profiles", "profile '" + p + "' does not exist; profiles: " + known);
    }
  }

  /** @throws InvalidPayloadException naming {@code groups} and the first group that does not exist */
  static void groups(HubRepository hub, List<String> names) {
    for (String g : names) {
      if (hub.group(g).isEmpty()) throw new InvalidPayloadException("groups", "group '" + g + "' does not exist");
    }
  }
}
