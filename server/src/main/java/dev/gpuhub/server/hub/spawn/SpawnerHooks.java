package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.data.DataMount;
import dev.gpuhub.core.profile.ImageChoice;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What a {@link Spawner} learns from the hub once the hub exists: where servers reach the hub, who
 * registers their API tokens, who hears of starts, the shared data and groups, and the origins
 * browsers see. {@link #NONE} knows nothing (a spawner without a hub, as in tests); the withers
 * change one part.
 *
 * @param hubUrl      the hub's URL as nodes reach it (the kernel gateway of multi-node servers); may supply null
 * @param apiClients  where single-user servers' API tokens and OAuth clients are registered
 * @param observer    who hears of placements and ended starts (metrics)
 * @param dataMounts  the declared shared data, read at each start
 * @param groupsOf    the groups of a user, for data mounts limited to groups
 * @param hubOrigin   with per-user subdomains, the hub's origin as browsers see it; "" otherwise
 * @param serverOrigin with per-user subdomains, a user's server's origin; "" otherwise
 * @param admission   who may start what (quotas), asked before anything is placed
 * @param images      the images administrators declared (none: the configured CPU and GPU images)
 */
public record SpawnerHooks(Supplier<String> hubUrl, ServerApiClients apiClients, SpawnObserver observer,
                           Supplier<List<DataMount>> dataMounts, Function<String, List<String>> groupsOf,
                           String hubOrigin, UnaryOperator<String> serverOrigin, SpawnAdmission admission,
                           Supplier<List<ImageChoice>> images) {
  /** No hub: no URL, nothing registered or observed, no shared data, no groups, one origin, no quotas. */
  public static final SpawnerHooks NONE = new SpawnerHooks(() -> null, ServerApiClients.NONE, SpawnObserver.NONE,
      List::of, user -> List.of(), "", user -> "", SpawnAdmission.ALL, List::of);

  public SpawnerHooks withHubUrl(Supplier<String> url) {
    return new SpawnerHooks(url, apiClients, observer, dataMounts, groupsOf, hubOrigin, serverOrigin, admission, images);
  }

  public SpawnerHooks withApiClients(ServerApiClients clients) {
    return new SpawnerHooks(hubUrl, clients, observer, dataMounts, groupsOf, hubOrigin, serverOrigin, admission, images);
  }

  public SpawnerHooks withObserver(SpawnObserver o) {
    return new SpawnerHooks(hubUrl, apiClients, o, dataMounts, groupsOf, hubOrigin, serverOrigin, admission, images);
  }

  /** The shared data and where a user's groups come from. */
  public SpawnerHooks withData(Supplier<List<DataMount>> mounts, Function<String, List<String>> groups) {
    return new SpawnerHooks(hubUrl, apiClients, observer, mounts, groups, hubOrigin, serverOrigin, admission, images);
  }

  /** Per-user subdomains: the hub's origin and each server's ({@code JUPYTERHUB_HOST}, the OAuth callback). */
  public SpawnerHooks withOrigins(String hub, UnaryOperator<String> server) {
    return new SpawnerHooks(hubUrl, apiClients, observer, dataMounts, groupsOf, hub, server, admission, images);
  }

  public SpawnerHooks withAdmission(SpawnAdmission a) {
    return new SpawnerHooks(hubUrl, apiClients, observer, dataMounts, groupsOf, hubOrigin, serverOrigin, a, images);
  }

  public SpawnerHooks withImages(Supplier<List<ImageChoice>> declared) {
    return new SpawnerHooks(hubUrl, apiClients, observer, dataMounts, groupsOf, hubOrigin, serverOrigin, admission, declared);
  }
}
