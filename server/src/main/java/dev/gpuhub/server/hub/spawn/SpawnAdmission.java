package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.profile.Profile;

/** Decides, before anything is placed, whether a user may start a server of a profile on so many nodes. */
@FunctionalInterface
public interface SpawnAdmission {
  /** Admits everything. */
  SpawnAdmission ALL = (user, profile, nodes) -> { };

  /** @throws QuotaExceededException naming the quota a start would break */
  void admit(String user, Profile profile, int nodes);
}
