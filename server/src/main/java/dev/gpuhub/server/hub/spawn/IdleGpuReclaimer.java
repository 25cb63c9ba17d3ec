package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.core.activity.GpuActivityTracker;
import dev.gpuhub.core.activity.HolderActivity;
import dev.gpuhub.core.hub.ServerId;
import dev.gpuhub.core.profile.CpuFallback;
import dev.gpuhub.core.profile.Profile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives idle GPUs back. A running server whose GPUs have been idle ({@link GpuActivityTracker}: no
 * process of its own, or utilisation below the threshold) for its profile's limit
 * ({@code gpu_idle_minutes}, else {@link GpuIdleConfig#defaultLimit()}) is first warned
 * ({@link GpuNotices}: the home page's banner and the notices API) and, once the warning has stood
 * for its full time and the GPUs are still idle, restarted on the matching CPU profile
 * ({@link CpuFallback}) with the same home; the user can ask for the GPU profile again.
 *
 * <p>Never while one of its kernels is busy, or when the kernels cannot be asked; never without
 * the warning (a warning lost with a restart of the hub is given again); never for a profile whose
 * limit is 0, or a member of the exempt group ({@link GpuIdleConfig#exemptGroup()}). A server with
 * no CPU profile to move to keeps its GPUs (logged).
 */
public final class IdleGpuReclaimer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IdleGpuReclaimer.class);

  /** What one pass did to a server. */
  public enum Action { WARNED, RECLAIMED, LEFT_BUSY_KERNEL }

  /** One thing a pass did. */
  public record Done(ServerId server, Action action, String detail) {}

  private final Spawner spawner;
  private final GpuActivityTracker activity;
  private final Function<String, Optional<Profile>> profile;
  private final Supplier<List<Profile>> profiles;
  private final Function<String, Collection<String>> groupsOf;
  private final Function<ActiveServer, Optional<Boolean>> kernelsBusy;
  private final GpuNotices notices;
  private final GpuIdleConfig config;
  private final Clock clock;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "gpu-idle-reclaimer");
    t.setDaemon(true);
    return t;
  });

  public IdleGpuReclaimer(Spawner spawner, GpuActivityTracker activity, Function<String, Optional<Profile>> profile,
                          Supplier<List<Profile>> profiles, Function<String, Collection<String>> groupsOf,
                          Function<ActiveServer, Optional<Boolean>> kernelsBusy, GpuNotices notices,
                          GpuIdleConfig config, Clock clock) {
    this.spawner = spawner;
    this.activity = activity;
    this.profile = profile;
    this.profiles = profiles;
    this.groupsOf = groupsOf;
    this.kernelsBusy = kernelsBusy;
    this.notices = notices;
    this.config = config;
    this.clock = clock;
  }

  public void start() {
    long ms = config.every().toMillis();
    thread.scheduleWithFixedDelay(this::passLogged, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** One look at every running server holding GPUs. */
  public synchronized List<Done> passNow() {
    Instant now = clock.instant();
    List<Done> done = new ArrayList<>();
    for (ActiveServer server : spawner.servers().values()) {
      ActiveServer.Snapshot s = server.snapshot();
      ServerId id = s.id();
      if (s.state() != ServerState.RUNNING) continue;
      Optional<HolderActivity> a = activity.of(Spawner.owner(id));
      if (a.isEmpty() || a.get().gpuUuids().isEmpty()) continue;
      if (a.get().busy() || a.get().idleSince() == null) {
        notices.clearWarning(id);
        continue;
      }
      Optional<Profile> p = profile.apply(s.profile());
      if (p.isEmpty()) continue;
      Duration limit = config.limitFor(p.get().gpuIdleMinutes());
      if (limit.isZero() || groupsOf.apply(s.user()).contains(config.exemptGroup())) continue;
      Duration idle = Duration.between(a.get().idleSince(), now);
      Duration warning = config.warningBefore(limit);
      Optional<GpuNotices.Notice> notice = notices.of(id).filter(n -> n.kind() == GpuNotices.Kind.IDLE_WARNING);
      if (notice.isEmpty()) {
        if (idle.compareTo(limit.minus(warning)) < 0) continue;
        Instant due = now.plus(warning);
        notices.put(new GpuNotices.Notice(id, GpuNotices.Kind.IDLE_WARNING, "Your server's GPUs have been idle since "
            + a.get().idleSince() + ". They will be given back at " + due + " (the server restarts without GPUs, your"
            + " files stay) unless you use them.", now, due, s.profile()));
        LOG.atInfo().addKeyValue("user", id.user()).addKeyValue("server", id.name()).addKeyValue("idle_s", idle.toSeconds())
            .log("warned: the server's GPUs are idle");
        done.add(new Done(id, Action.WARNED, "due " + due));
        continue;
      }
      if (idle.compareTo(limit) < 0 || now.isBefore(notice.get().due())) continue;
      Optional<Boolean> busy = kernelsBusy.apply(server);
      if (busy.isEmpty() || busy.get()) {
        String why = busy.isEmpty() ? "its kernels could not be asked" : "a kernel is busy";
        LOG.atInfo().addKeyValue("user", id.user()).addKeyValue("server", id.name()).log("idle GPUs kept: {}", why);
        done.add(new Done(id, Action.LEFT_BUSY_KERNEL, why));
        continue;
      }
      Optional<Profile> cpu = CpuFallback.of(p.get(), profiles.get(), groupsOf.apply(s.user()));
      if (cpu.isEmpty()) {
        LOG.atWarn().addKeyValue("user", id.user()).addKeyValue("profile", s.profile())
            .log("idle GPUs kept: no CPU profile to move the server to");
        continue;
      }
      reclaim(server, p.get(), cpu.get(), idle);
      done.add(new Done(id, Action.RECLAIMED, "now on " + cpu.get().name()));
    }
    return done;
  }

  private void reclaim(ActiveServer server, Profile gpu, Profile cpu, Duration idle) {
    ServerId id = server.snapshot().id();
    String reason = "its GPUs were idle for " + idle.toMinutes() + " min: restarting on " + cpu.name();
    spawner.stop(id, reason);
    notices.put(new GpuNotices.Notice(id, GpuNotices.Kind.GPU_RECLAIMED, "Your server's GPUs were idle for "
        + idle.toMinutes() + " min and were given back; it restarted on " + cpu.displayName() + " with the same files."
        + " Ask for " + gpu.displayName() + " again when you need a GPU.", clock.instant(), null, gpu.name()));
    try {
      spawner.spawn(id, new SpawnOptions(cpu.name(), null, null));
    } catch (RuntimeException e) { // e.g. a quota or the CPU profile's groups: the user is told and may start again
      LOG.atWarn().addKeyValue("user", id.user()).addKeyValue("server", id.name())
          .log("idle GPUs given back, but the server could not restart on {}: {}", cpu.name(), e.getMessage());
      notices.put(new GpuNotices.Notice(id, GpuNotices.Kind.GPU_RECLAIMED, "Your server's GPUs were idle for "
          + idle.toMinutes() + " min and were given back; it could not restart on " + cpu.displayName() + " ("
          + e.getMessage() + "). Your files are kept: start it again, or ask for " + gpu.displayName() + " again.",
          clock.instant(), null, gpu.name()));
      return;
    }
    LOG.atInfo().addKeyValue("user", id.user()).addKeyValue("server", id.name()).addKeyValue("from", gpu.name())
        .addKeyValue("to", cpu.name()).log("idle GPUs given back");
  }

  private void passLogged() {
    try {
      passNow();
    } catch (RuntimeException e) {
      LOG.warn("looking for idle GPUs failed; the next pass tries again", e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
