package dev.gpuhub.bench;

import dev.gpuhub.bench.broker.BrokerBenchmark;
import java.util.Arrays;

/**
 * Entry point of {@code bench/target/gpuhub-bench.jar}: {@code java -jar gpuhub-bench.jar <benchmark>
 * [options]} runs one benchmark in this JVM with the remaining arguments. The benchmarks are not
 * part of the shipped {@code gpuhub.jar}; {@code scripts/bench-*.sh} build this jar and run them.
 */
public final class Bench {
  private static final String USAGE = """
      usage: java -jar gpuhub-bench.jar <benchmark> [options]
      benchmarks (options: see each scripts/bench-<benchmark>.sh):
        broker      broker overhead and round robin vs least connections on a Long/Short mix
        discovery   heartbeat ingest and select-nodes at 1,000 nodes (--store embedded|postgres)
        placement   spawn-decision bursts: the seed's selector vs the placement engine
        proxy       hub proxy vs direct to a real Jupyter server (needs root: starts its own dockerd)
        cluster-tls heartbeat ingest over the cluster's mutual TLS vs plain HTTP with the token
        login-flood 200 logins + 200 sign-ups at once against a 384 MB hub; another user's latency
        jupyterhub  gpuhub beside JupyterHub 3.0 and configurable-http-proxy: proxy rows and the hub API
        chaos       the fault-injection suite: stores, control plane, agent and dockerd broken under load (needs root)
      """;

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      System.out.print(USAGE);
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "broker" -> BrokerBenchmark.main(rest);
      case "discovery" -> DiscoveryBenchmark.main(rest);
      case "placement" -> PlacementBurstBenchmark.main(rest);
      case "proxy" -> ProxyBenchmark.main(rest);
      case "cluster-tls" -> HeartbeatTlsBenchmark.main(rest);
      case "login-flood" -> LoginFloodBenchmark.main(rest);
      case "jupyterhub" -> JupyterHubComparison.main(rest);
      case "chaos" -> dev.gpuhub.bench.chaos.ChaosSuite.main(rest);
      default -> {
        System.err.print("unknown benchmark '" + args[0] + "'\n" + USAGE);
        System.exit(2);
      }
    }
  }
}
