package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.data.DataMount;
import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.wire.node.ContainerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The declared shared data ({@link DataMount}) as the containers of a server mount it, read at each start. */
final class SharedData {
  private static final Logger LOG = LoggerFactory.getLogger(SharedData.class);
  private volatile Supplier<List<DataMount>> source = List::of;

  private volatile java.util.function.Function<String, List<String>> groupsOf = user -> List.of();

  void source(Supplier<List<DataMount>> mounts) {
    this.source = mounts;
  }

  /** Where the groups a user belongs to come from (a mount limited to groups reaches their members). */
  void groups(java.util.function.Function<String, List<String>> groupsOf) {
    this.groupsOf = groupsOf;
  }

  /**
   * The mounts a server of {@code profile} gets, each noted in its progress; none (and a note) when
   * the store cannot say, so that an outage of the store does not stop servers from starting.
   */
  List<ContainerRequest.Volume> volumesFor(ActiveServer server, Profile profile) {
    List<DataMount> declared;
    List<String> groups;
    try {
      declared = source.get();
      groups = declared.stream().anyMatch(m -> !m.groups().isEmpty()) ? groupsOf.apply(server.snapshot().user()) : List.of();
    } catch (RuntimeException e) {
      LOG.warn("could not read the data mounts; {}'s server starts without them", server.snapshot().user(), e);
      server.progress().append(ProgressEvent.step(18, "Shared data could not be read now; the server starts without it"));
      return List.of();
    }
    List<ContainerRequest.Volume> out = new ArrayList<>();
    for (DataMount m : declared) {
      if (!m.appliesTo(profile.name(), groups)) continue;
      out.add(new ContainerRequest.Volume(null, m.path(), m.target(), m.readOnly()));
      server.progress().append(ProgressEvent.step(18, "Shared data " + m.name() + " at " + m.target()
          + (m.readOnly() ? " (read-only)" : "")));
    }
    return out;
  }
}
