package dev.gpuhub.app;

import dev.gpuhub.broker.WorkerConfig;
import dev.gpuhub.broker.WorkerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code gpuhub worker --id N}: seed 004's worker on port 9001 + N. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {
        "Seed 004's worker: answers AppID:Long after 5 s and AppID:Short after 1 s with 'Response from Worker',",
        "one thread per request (at most --max-concurrent at once, the rest wait in order)."})
final class WorkerCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--id", required = true, paramLabel = "N", description = "Worker number; it listens on 9001 + N unless --port is given")
  int id;

  @Option(names = "--port", description = "Port to listen on (default: 9001 + id; 0 = any free port)")
  Integer port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--long-ms", defaultValue = "5000", description = "Duration of a Long request in ms (default: ${DEFAULT-VALUE})")
  long longMs;

  @Option(names = "--short-ms", defaultValue = "1000", description = "Duration of a Short request in ms (default: ${DEFAULT-VALUE})")
  long shortMs;

  @Option(names = "--max-concurrent", defaultValue = "64",
      description = "Requests processed at once (default: ${DEFAULT-VALUE}; 1 = one job at a time, like one GPU)")
  int maxConcurrent;

  @Option(names = "--max-queued", defaultValue = "1024",
      description = "Requests that may wait beyond that; more get 'ERROR: worker busy' (default: ${DEFAULT-VALUE})")
  int maxQueued;

  @Option(names = "--request-timeout", converter = DurationConverter.class, defaultValue = "10s",
      description = "A connection that sends no request within this gets an error line (default: ${DEFAULT-VALUE})")
  Duration requestTimeout;

  @Option(names = {"-q", "--quiet"}, description = "No per-request log lines")
  boolean quiet;

  /** @throws IllegalArgumentException for a bad id, port or duration */
  WorkerConfig config(PrintWriter out) {
    if (longMs < 0 || shortMs < 0) throw new IllegalArgumentException("--long-ms and --short-ms must not be negative");
    WorkerConfig c = WorkerConfig.of(id);
    if (port != null) c = c.withPort(port);
    c = c.withBindHost(bind).withDurations(Duration.ofMillis(longMs), Duration.ofMillis(shortMs))
        .withMaxConcurrent(maxConcurrent).withMaxQueued(maxQueued).withRequestTimeout(requestTimeout);
    return quiet ? c : c.withLog(line -> {
      out.println(line);
      out.flush();
    });
  }

  /** Starts the worker and prints where it listens. */
  WorkerServer start() {
    PrintWriter out = spec.commandLine().getOut();
    WorkerConfig config = config(out);
    WorkerServer worker;
    try {
      worker = WorkerServer.start(config);
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    if (quiet) out.println("[Worker-" + id + "] Listening on port " + worker.port() + "...");
    out.flush();
    return worker;
  }

  @Override
  public void run() {
    ServerCommand.awaitShutdown(start());
  }
}
