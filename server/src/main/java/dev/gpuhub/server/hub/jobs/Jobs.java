package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.core.allocation.PlacementEngine;
import dev.gpuhub.core.goodput.policy.PolluxPolicy;
import dev.gpuhub.core.goodput.policy.SchedulingPolicy;
import dev.gpuhub.core.node.NodeReport;
import dev.gpuhub.server.hub.HubIdentity;
import dev.gpuhub.server.workload.PortClaims;
import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.server.workload.WorkloadLauncher;
import dev.gpuhub.store.JobRepository;
import io.javalin.config.JavalinConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Training jobs in the hub (SPEC §5): the scheduler, its API and page, built together. Routes are
 * installed while the hub's HTTP app is configured; {@link #start()} begins scheduling once the hub
 * listens (its URL is what replicas report to).
 */
public final class Jobs implements AutoCloseable {
  private final JobScheduler scheduler;

  /**
   * @param hubUrl          the hub's own base URL, once it listens (used unless GPUHUB_HUB_URL is set)
   * @param silentNodeGrace how long after start replicas on nodes that have not reported yet are
   *                        left alone (nodes report again after a restart of the hub)
   */
  public Jobs(JobsConfig config, JobRepository store, WorkloadLauncher workloads, PortClaims ports,
              Supplier<List<NodeReport>> liveNodes, Supplier<String> hubUrl, Clock clock, Duration silentNodeGrace) {
    this(config, store, workloads, ports, liveNodes, hubUrl, clock, silentNodeGrace, Homes.DEFAULT);
  }

  /** As the other, the replicas mounting their owner's home as {@code homes} says and keeping checkpoints there. */
  public Jobs(JobsConfig config, JobRepository store, WorkloadLauncher workloads, PortClaims ports,
              Supplier<List<NodeReport>> liveNodes, Supplier<String> hubUrl, Clock clock, Duration silentNodeGrace,
              Homes homes) {
    JobBook book = new JobBook(store);
    JobLauncher launcher = new JobLauncher(config, workloads, ports, liveNodes, hubUrl, homes);
    PlacementEngine engine = workloads.engine();
    this.scheduler = new JobScheduler(config, book, launcher, policy(config), engine, liveNodes, clock, silentNodeGrace);
  }

  /** Pollux (SPEC §5) with the configured restart cost; its search is seeded, so rounds are reproducible. */
  static SchedulingPolicy policy(JobsConfig config) {
    return new PolluxPolicy(PolluxPolicy.Config.DEFAULTS.withRestartDelaySeconds(config.restartDelaySeconds()), 0L);
  }

  /** Sets who hears of jobs' allocations starting and ending (accounting). */
  public void usage(JobUsage usage) {
    scheduler.usage(usage);
  }

  public void install(JavalinConfig c, HubIdentity identity) {
    new JobRoutes(identity, scheduler).install(c);
  }

  public void start() {
    scheduler.start();
  }

  public JobScheduler scheduler() {
    return scheduler;
  }

  /** Cancels every active job of the user (e.g. when the user is deleted). */
  public void cancelAllOf(String owner, String reason) {
    scheduler.cancelAllOf(owner, reason);
  }

  @Override
  public void close() {
    scheduler.close();
  }
}
