package dev.gpuhub.app.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.wire.WireJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gpuhub job}: training jobs through the hub's API ({@code /hub/api/jobs}) with a hub API
 * token (create one on the hub: {@code POST /hub/api/users/<name>/tokens}).
 */
@Command(name = "job", mixinStandardHelpOptions = true,
    description = "Training jobs on the hub: submit, list, cancel (SPEC section 5).",
    subcommands = {JobCommand.Submit.class, JobCommand.ListJobs.class, JobCommand.Cancel.class})
public final class JobCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the hub is and who calls it. */
  static final class Hub {
    @Option(names = "--hub", defaultValue = "${env:GPUHUB_HUB_URL:-http://127.0.0.1:18000}", paramLabel = "URL",
        description = "Hub base URL (default: GPUHUB_HUB_URL or ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--token", defaultValue = "${env:GPUHUB_API_TOKEN}", paramLabel = "TOKEN",
        description = "A hub API token (default: GPUHUB_API_TOKEN)")
    String token;

    HttpResponse<String> call(String method, String path, String json) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("no API token: pass --token or set GPUHUB_API_TOKEN (create one with"
            + " POST /hub/api/users/<name>/tokens)");
      }
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      URI uri;
      try {
        uri = URI.create(base + path);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--hub '" + url + "' is not a URL such as http://127.0.0.1:18000");
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
          .header("Authorization", "token " + token.strip()).header("Content-Type", "application/json")
          .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
      try {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
            .send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new IllegalStateException("cannot reach the hub at " + base + ": " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }

    /** The answer's JSON when its status is {@code expected}; otherwise the hub's error, as an exception. */
    static JsonNode expect(HttpResponse<String> r, int expected) {
      JsonNode json;
      try {
        json = WireJson.mapper().readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
      } catch (IOException e) {
        json = WireJson.mapper().createObjectNode().put("error", r.body());
      }
      if (r.statusCode() != expected) {
        String field = json.hasNonNull("field") ? " (field " + json.get("field").asText() + ")" : "";
        throw new IllegalStateException("the hub answered " + r.statusCode() + ": " + json.path("error").asText(r.body()) + field);
      }
      return json;
    }
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = {"Submits a training job; prints its id.",
          "The command is --command \"python3 train.py\" or everything after --, e.g.",
          "  gpuhub job submit --image trainer:1 --min-gpus 1 --max-gpus 4 --batch-size 64 -- python3 train.py --lr 0.1"})
  static final class Submit implements Callable<Integer> {
    @Mixin Hub hub;

    @Option(names = "--image", required = true, description = "Container image of every replica")
    String image;

    @Option(names = "--command", paramLabel = "CMD", description = "The command, split at white space")
    String command;

    @Parameters(paramLabel = "ARG", arity = "0..*", description = "The command and its arguments (after --)")
    List<String> args = new ArrayList<>();

    @Option(names = "--min-gpus", defaultValue = "1", description = "Fewest GPUs (default: ${DEFAULT-VALUE})")
    int minGpus;

    @Option(names = "--max-gpus", description = "Most GPUs (default: --min-gpus)")
    Integer maxGpus;

    @Option(names = {"--batch-size", "--initial-batch-size"}, required = true,
        description = "The global batch size the job was tuned for")
    int batchSize;

    @Option(names = "--metric", defaultValue = "default",
        description = "default (goodput), speed (throughput) or cost (default: ${DEFAULT-VALUE})")
    String metric;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode job = Hub.expect(hub.call("POST", "/hub/api/jobs", body().toString()), 201);
      PrintWriter out = spec.commandLine().getOut();
      out.println("job " + job.path("id").asLong() + " submitted: " + job.path("state").asText() + ", "
          + job.path("min_gpus").asInt() + "-" + job.path("max_gpus").asInt() + " GPUs, batch "
          + job.path("initial_batch_size").asInt() + ", metric " + job.path("metric").asText());
      out.flush();
      return 0;
    }

    /** The API body; the hub validates it (and names the field it refuses). */
    ObjectNode body() {
      if (command != null && !args.isEmpty()) {
        throw new IllegalArgumentException("give the command either with --command or after --, not both");
      }
      if (command == null && args.isEmpty()) {
        throw new IllegalArgumentException("no command: add --command \"python3 train.py\" or -- python3 train.py");
      }
      ObjectNode body = WireJson.mapper().createObjectNode();
      body.put("image", image);
      if (command != null) {
        body.put("command", command);
      } else {
        ArrayNode list = body.putArray("command");
        args.forEach(list::add);
      }
      body.put("min_gpus", minGpus);
      body.put("max_gpus", maxGpus == null ? minGpus : maxGpus);
      body.put("initial_batch_size", batchSize);
      body.put("metric", metric);
      return body;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists your jobs (every job for admins).")
  static final class ListJobs implements Callable<Integer> {
    @Mixin Hub hub;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode jobs = Hub.expect(hub.call("GET", "/hub/api/jobs", null), 200);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-6s %-12s %-11s %-5s %-9s %s%n", "ID", "OWNER", "STATE", "GPUS", "RESTARTS", "PROGRESS");
      for (JsonNode j : jobs) {
        out.printf("%-6d %-12s %-11s %-5d %-9d %s%n", j.path("id").asLong(), j.path("owner").asText(),
            j.path("state").asText(), j.path("gpus").asInt(), j.path("restarts").asInt(),
            j.path("progress").isNull() ? "-" : j.path("progress").asText());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a job: its containers stop, its GPUs are freed.")
  static final class Cancel implements Callable<Integer> {
    @Mixin Hub hub;

    @Parameters(paramLabel = "ID", description = "The job's id")
    long id;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode job = Hub.expect(hub.call("DELETE", "/hub/api/jobs/" + id, null), 200);
      spec.commandLine().getOut().println("job " + id + " " + job.path("state").asText());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
