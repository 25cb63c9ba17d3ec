package dev.gpuhub.app;

import dev.gpuhub.broker.BrokerConfig;
import dev.gpuhub.broker.BrokerServer;
import dev.gpuhub.core.balance.BackoffPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code gpuhub broker}: seed 004's broker, serving clients concurrently. */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = {
        "Seed 004's load-balancing broker: reads AppID:{Long|Short}:{least_connections|round_robin}, forwards",
        "AppID:{type} to a worker chosen that way, relays its reply and closes. Serves clients concurrently;",
        "least_connections counts connections open now; a worker that refuses or drops a request is marked down,",
        "the request retried on another, and tried again after a back-off."})
final class BrokerCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "8000", description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port)")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--workers", defaultValue = BrokerConfig.DEFAULT_WORKERS, paramLabel = "HOST:PORT,...",
      description = "Workers, in round-robin order (default: ${DEFAULT-VALUE}, the seed's workers 1-3)")
  String workers;

  @Option(names = "--connect-timeout", converter = DurationConverter.class, defaultValue = "1s",
      description = "A worker that does not accept within this is marked down (default: ${DEFAULT-VALUE})")
  Duration connectTimeout;

  @Option(names = "--reply-timeout", converter = DurationConverter.class, defaultValue = "60s",
      description = "A worker that does not answer within this is marked down (default: ${DEFAULT-VALUE})")
  Duration replyTimeout;

  @Option(names = "--request-timeout", converter = DurationConverter.class, defaultValue = "10s",
      description = "A client that sends no request within this gets an error line (default: ${DEFAULT-VALUE})")
  Duration requestTimeout;

  @Option(names = "--backoff", converter = DurationConverter.class, defaultValue = "1s",
      description = "How long a worker that failed is skipped; doubles per further failure (default: ${DEFAULT-VALUE})")
  Duration backoff;

  @Option(names = "--max-backoff", converter = DurationConverter.class, defaultValue = "30s",
      description = "Longest back-off (default: ${DEFAULT-VALUE})")
  Duration maxBackoff;

  @Option(names = "--max-clients", defaultValue = "256", description = "Clients served at once (default: ${DEFAULT-VALUE})")
  int maxClients;

  @Option(names = "--max-queued", defaultValue = "1024",
      description = "Clients that may wait beyond that; more get 'ERROR: broker busy' (default: ${DEFAULT-VALUE})")
  int maxQueued;

  @Option(names = {"-q", "--quiet"}, description = "No per-request log lines")
  boolean quiet;

  /** @throws IllegalArgumentException for a bad worker list or setting */
  BrokerConfig config(PrintWriter out) {
    BrokerConfig c = BrokerConfig.of(BrokerConfig.parseWorkers(workers)).withPort(port).withBindHost(bind)
        .withConnectTimeout(connectTimeout).withReplyTimeout(replyTimeout).withRequestTimeout(requestTimeout)
        .withBackoff(new BackoffPolicy(backoff, maxBackoff)).withMaxClients(maxClients).withMaxQueued(maxQueued);
    return quiet ? c : c.withLog(line -> {
      out.println(line);
      out.flush();
    });
  }

  /** Starts the broker and prints where it listens. */
  BrokerServer start() {
    PrintWriter out = spec.commandLine().getOut();
    BrokerConfig config = config(out);
    BrokerServer broker;
    try {
      broker = BrokerServer.start(config);
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    if (quiet) out.println("[Broker] Listening on port " + broker.port() + "...");
    out.println("[Broker] Workers: " + String.join(", ", config.workers().stream().map(BrokerConfig::id).toList()));
    out.flush();
    return broker;
  }

  @Override
  public void run() {
    ServerCommand.awaitShutdown(start());
  }
}
