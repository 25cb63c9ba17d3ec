package dev.gpuhub.server.hub.quota;

import dev.gpuhub.core.profile.Profile;
import dev.gpuhub.core.quota.Quota;
import dev.gpuhub.core.quota.Usage;
import dev.gpuhub.core.quota.UsagePeriod;
import dev.gpuhub.server.hub.spawn.ActiveServer;
import dev.gpuhub.server.hub.spawn.QuotaExceededException;
import dev.gpuhub.server.hub.spawn.SpawnAdmission;
import dev.gpuhub.store.HubGroupRecord;
import dev.gpuhub.store.HubRepository;
import dev.gpuhub.store.QuotaRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Quotas and accounting. A user's own quota limits what they hold; a group's quota limits what its
 * members hold together; a start must fit every quota that applies. Concurrent limits (servers,
 * GPUs) count the servers active now (starting or running); the GPU-hours budget counts the
 * durable usage records of the current {@link UsagePeriod}, a running server up to now. A start
 * that would break a quota is refused with the quota named, before anything is placed.
 * Thread-safe; reads the store at each decision (quotas change rarely, starts are few).
 */
public final class QuotaService implements SpawnAdmission {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QuotaService.class);
  private final HubRepository repository;
  private final Supplier<Collection<ActiveServer>> active;
  private final Function<String, Optional<Profile>> profiles;
  private final UsagePeriod period;
  private final Clock clock;

  /**
   * @param active   the servers the hub holds now (any state; inactive ones are skipped)
   * @param profiles a profile by name, to count what an active server holds
   */
  public QuotaService(HubRepository repository, Supplier<Collection<ActiveServer>> active,
                      Function<String, Optional<Profile>> profiles, UsagePeriod period, Clock clock) {
    this.repository = repository;
    this.active = active;
    this.profiles = profiles;
    this.period = period;
    this.clock = clock;
  }

  public UsagePeriod period() {
    return period;
  }

  @Override
  public void admit(String user, Profile profile, int nodes) {
    int gpus = profile.gpuCount() * nodes;
    Map<String, Quota> byScope = quotasOf(user);
    if (byScope.isEmpty()) return;
    Instant now = clock.instant();
    List<Usage> usage = null;
    for (var e : byScope.entrySet()) {
      String who = e.getKey();
      Quota q = e.getValue();
      Set<String> members = members(who, user);
      Held held = held(members);
      if (q.maxServers() != null && held.servers + 1 > q.maxServers()) {
        throw new QuotaExceededException("quota: " + who + " may run at most " + q.maxServers() + " server(s) at once; "
            + held.servers + " running or starting");
      }
      if (gpus > 0 && q.maxGpus() != null && held.gpus + gpus > q.maxGpus()) {
        throw new QuotaExceededException("quota: " + who + " may hold at most " + q.maxGpus() + " GPU(s) at once; "
            + held.gpus + " held, " + gpus + " asked for");
      }
      if (gpus > 0 && q.gpuHours() != null) {
        if (usage == null) usage = repository.usageSince(period.start(now));
        double used = gpuHours(usage, members, period.start(now), now);
        if (used >= q.gpuHours()) {
          throw new QuotaExceededException(String.format(Locale.ROOT, "quota: the GPU-hours budget of %s is spent"
              + " (%.2f of %s GPU-hours this %s); it renews on %s", who, used, num(q.gpuHours()),
              period.name().toLowerCase(Locale.ROOT), period.end(now)));
        }
      }
    }
  }

  /**
   * Records training jobs' allocations as usage ({@code job:<id>}, so GPU-hour budgets count them);
   * a store failure is logged and never reaches the scheduler.
   */
  public dev.gpuhub.server.hub.jobs.JobUsage jobUsage() {
    return new dev.gpuhub.server.hub.jobs.JobUsage() {
      @Override
      public void started(String user, long job, int gpus, double cores, Instant at) {
        try {
          repository.usageStarted(new Usage(user, "job:" + job, "training job", gpus, cores, at, null));
        } catch (RuntimeException e) {
          LOG.warn("could not record the start of job {} of {}", job, user, e);
        }
      }

      @Override
      public void ended(String user, long job, Instant at) {
        try {
          repository.usageEnded(user, "job:" + job, at);
        } catch (RuntimeException e) {
          LOG.warn("could not record the end of job {} of {}", job, user, e);
        }
      }
    };
  }

  /** "user alice" or "group chem" to the quota that applies, users' first; empty when none does. */
  public Map<String, Quota> quotasOf(String user) {
    Set<String> groups = new TreeSet<>(repository.groupsOf(user));
    Map<String, Quota> out = new java.util.LinkedHashMap<>();
    for (QuotaRecord r : repository.quotas()) {
      if (r.scope().equals(QuotaRecord.USER) && r.name().equals(user)) out.put("user " + user, r.quota());
    }
    for (QuotaRecord r : repository.quotas()) {
      if (r.scope().equals(QuotaRecord.GROUP) && groups.contains(r.name())) out.put("group " + r.name(), r.quota());
    }
    return out;
  }

  /** GPU-hours used in the current period by each user, by name (users without usage absent). */
  public Map<String, double[]> usageByUser() {
    Instant now = clock.instant();
    Instant from = period.start(now);
    Map<String, double[]> out = new TreeMap<>();
    for (Usage u : repository.usageSince(from)) {
      double[] t = out.computeIfAbsent(u.user(), k -> new double[2]);
      t[0] += u.gpuSecondsWithin(from, now) / 3600;
      t[1] += u.coreSecondsWithin(from, now) / 3600;
    }
    return out;
  }

  /** GPU-hours and guaranteed core-hours of the current period per group (its members' sum). */
  public Map<String, double[]> usageByGroup() {
    Map<String, double[]> byUser = usageByUser();
    Map<String, double[]> out = new TreeMap<>();
    for (HubGroupRecord g : repository.groups()) {
      double[] t = new double[2];
      for (String m : g.users()) {
        double[] u = byUser.get(m);
        if (u != null) {
          t[0] += u[0];
          t[1] += u[1];
        }
      }
      out.put(g.name(), t);
    }
    return out;
  }

  /** The current period's usage records, oldest first (running ones counted up to now). */
  public List<Usage> records() {
    return repository.usageSince(period.start(clock.instant()));
  }

  /** When the current period began and ends. */
  public Instant[] bounds() {
    Instant now = clock.instant();
    return new Instant[] {period.start(now), period.end(now), now};
  }

  private static double gpuHours(List<Usage> usage, Set<String> users, Instant from, Instant now) {
    double seconds = 0;
    for (Usage u : usage) {
      if (users.contains(u.user())) seconds += u.gpuSecondsWithin(from, now);
    }
    return seconds / 3600;
  }

  private Set<String> members(String who, String user) {
    if (who.startsWith("user ")) return Set.of(user);
    String group = who.substring("group ".length());
    return repository.group(group).map(g -> (Set<String>) new TreeSet<>(g.users())).orElse(Set.of(user));
  }

  private record Held(int servers, int gpus) {}

  private Held held(Set<String> users) {
    int servers = 0;
    int gpus = 0;
    for (ActiveServer a : new ArrayList<>(active.get())) {
      var s = a.snapshot();
      if (!s.state().isActive() || !users.contains(s.user())) continue;
      servers++;
      Optional<Profile> p = profiles.apply(s.profile());
      if (p.isPresent()) gpus += p.get().gpuCount() * (s.nodes().isEmpty() ? p.get().minNodes() : s.nodes().size());
    }
    return new Held(servers, gpus);
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
