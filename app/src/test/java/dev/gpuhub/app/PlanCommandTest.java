package dev.gpuhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gpuhub plan}: the voting scenarios, output format, determinism and exit code 2 on bad input. */
class PlanCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {
    List<JsonNode> lines() throws Exception {
      List<JsonNode> out = new ArrayList<>();
      for (String line : this.out.split("\n")) if (!line.isBlank()) out.add(JSON.readTree(line));
      return out;
    }
  }

  private static Run gpuhub(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new GpuhubCommand()).setExecutionExceptionHandler(new FriendlyErrors())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Path voting() throws Exception {
    return Path.of(PlanCommandTest.class.getResource("/replicas/voting.json").toURI());
  }

  private Path file(String json) throws Exception {
    Path f = dir.resolve("scenario.json");
    Files.writeString(f, json);
    return f;
  }

  private Path votingWith(String from, String to) throws Exception {
    String text = Files.readString(voting());
    assertThat(text).contains(from);
    return file(text.replace(from, to));
  }

  @Test
  void plansTheVotingScenariosWithEnsga2ByDefault() throws Exception {
    Run r = gpuhub("plan", "--scenario", voting().toString());
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> lines = r.lines();
    assertThat(lines).hasSize(5);
    double nodes = 0;
    for (int i = 0; i < 5; i++) {
      JsonNode line = lines.get(i);
      assertThat(line.get("scenario").asText()).isEqualTo(Integer.toString(i + 1));
      assertThat(line.get("algorithm").asText()).isEqualTo("ensga2");
      assertThat(line.get("feasible").asBoolean()).isTrue();
      assertThat(line.get("millis").asLong()).isNotNegative();
      assertThat(line.get("throughput_sufficiency").isNumber()).isTrue();
      assertThat(line.get("replicas").get("redis").asInt()).isEqualTo(1);
      assertThat(line.get("replicas").get("worker").asInt()).isEqualTo(1);
      assertThat(line.get("replicas").get("db").asInt()).isEqualTo(1);
      int replicasPlaced = 0;
      for (JsonNode services : line.get("placement")) replicasPlaced += services.size();
      int replicasWanted = 0;
      for (JsonNode count : line.get("replicas")) replicasWanted += count.asInt();
      assertThat(replicasPlaced).isEqualTo(replicasWanted);
      assertThat(line.get("placement").size()).isEqualTo(line.get("active_nodes").asInt());
      assertThat(line.get("load_per_replica").has("vote")).isTrue();
      assertThat(line.get("seed").asLong()).isEqualTo(1);
      nodes += line.get("active_nodes").asInt() / 5.0;
    }
    assertThat(nodes).isLessThanOrEqualTo(3.07);
    assertThat(lines.get(0).get("throughput_sufficiency").asDouble()).isEqualTo(13.333);
  }

  @Test
  void comparesAlgorithmsLinePerScenarioAndAlgorithm() throws Exception {
    Run r = gpuhub("plan", "--scenario", voting().toString(), "--algorithm", "ensga2,spread-hpa,pack-hpa");
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> lines = r.lines();
    assertThat(lines).hasSize(15);
    assertThat(lines.subList(0, 3)).extracting(l -> l.get("algorithm").asText())
        .containsExactly("ensga2", "spread-hpa", "pack-hpa");
    double ensga2 = 0;
    double spread = 0;
    for (JsonNode line : lines) {
      if (line.get("algorithm").asText().equals("spread-hpa")) {
        assertThat(line.get("active_nodes").asInt()).isEqualTo(5);
        assertThat(line.has("seed")).isFalse();
        spread += line.get("throughput_sufficiency").asDouble();
      }
      if (line.get("algorithm").asText().equals("ensga2")) ensga2 += line.get("throughput_sufficiency").asDouble();
    }
    assertThat(ensga2).isLessThanOrEqualTo(spread);
  }

  @Test
  void sameSeedSameOutput() throws Exception {
    String a = gpuhub("plan", "--scenario", voting().toString(), "--seed", "7", "--evaluations", "3000").out();
    String b = gpuhub("plan", "--scenario", voting().toString(), "--seed", "7", "--evaluations", "3000").out();
    assertThat(withoutMillis(b)).isEqualTo(withoutMillis(a));
  }

  @Test
  void settingsAreOptions() throws Exception {
    Run r = gpuhub("plan", "--scenario", voting().toString(), "--epsilons", "1,1000000", "--normalization", "front",
        "--evaluations", "2000");
    assertThat(r.code()).as(r.err()).isZero();
    // one box for every sufficiency: the fewest-nodes solution is all that remains
    for (JsonNode line : r.lines()) assertThat(line.get("active_nodes").asInt()).isEqualTo(1);
    assertThat(gpuhub("plan", "--scenario", voting().toString(), "--epsilons", "1").code()).isEqualTo(2);
    assertThat(gpuhub("plan", "--scenario", voting().toString(), "--normalization", "max").err())
        .contains("--normalization is scale or front");
  }

  @Test
  void aNodeTooSmallForEveryReplicaIsReportedNotHidden() throws Exception {
    // 3 small nodes: HPA's 15 vote replicas cannot all be placed
    Path f = file("""
        {"nodes": [{"name": "a", "cpu_millicores": 1000, "memory_mb": 1024},
                   {"name": "b", "cpu_millicores": 1000, "memory_mb": 1024}],
         "services": [{"name": "vote", "scalable": true, "request_threshold": 130, "cpu_millicores": 300, "memory_mb": 128}],
         "chains": [{"name": "GetVote", "services": ["vote"]}],
         "scenarios": [{"name": "peak", "rates": {"GetVote": 1950}}]}
        """);
    Run r = gpuhub("plan", "--scenario", f.toString(), "--algorithm", "pack-hpa,ensga2");
    assertThat(r.code()).isZero();
    JsonNode pack = r.lines().get(0);
    assertThat(pack.get("feasible").asBoolean()).isFalse();
    assertThat(pack.get("replicas").get("vote").asInt()).isEqualTo(15);
    assertThat(pack.get("unplaced").get("vote").asInt()).isEqualTo(9);
    assertThat(pack.get("problems").get(0).asText()).isEqualTo("9 replicas of vote fit on no node");
    JsonNode ensga2 = r.lines().get(1);
    assertThat(ensga2.get("feasible").asBoolean()).isTrue();
    assertThat(ensga2.get("replicas").get("vote").asInt()).isEqualTo(6);
  }

  @Test
  void badInputExitsWithTwoAndNamesTheProblem() throws Exception {
    Run unknownMember = gpuhub("plan", "--scenario", votingWith("[\"vote\", \"redis\"]", "[\"vot\", \"redis\"]").toString());
    assertThat(unknownMember.code()).isEqualTo(2);
    assertThat(unknownMember.err()).contains("gpuhub plan: chain GetVote calls unknown service 'vot'");
    assertThat(unknownMember.out()).isEmpty();

    Run negative = gpuhub("plan", "--scenario", votingWith("\"GetResult\": 3300", "\"GetResult\": -3300").toString());
    assertThat(negative.code()).isEqualTo(2);
    assertThat(negative.err()).contains("scenario 5: rate of chain GetResult is negative (-3300)");
    assertThat(negative.out()).isEmpty(); // checked before anything is planned

    Run tooBig = gpuhub("plan", "--scenario", votingWith(
        "\"name\": \"db\",     \"scalable\": false, \"cpu_millicores\": 200",
        "\"name\": \"db\", \"scalable\": false, \"cpu_millicores\": 2000").toString());
    assertThat(tooBig.code()).isEqualTo(2);
    assertThat(tooBig.err()).contains("service db fits on no node");

    Run unknownChain = gpuhub("plan", "--scenario", votingWith("{\"GetVote\": 1950,", "{\"GetVotes\": 1950,").toString());
    assertThat(unknownChain.code()).isEqualTo(2);
    assertThat(unknownChain.err()).contains("scenario 1: rate for unknown chain 'GetVotes'");

    Run missingField = gpuhub("plan", "--scenario", votingWith("\"request_threshold\": 130, ", "").toString());
    assertThat(missingField.code()).isEqualTo(2);
    assertThat(missingField.err()).contains("scalable service vote needs a positive request_threshold");

    assertThat(gpuhub("plan", "--scenario", dir.resolve("none.json").toString()).err()).contains("no such file");
    Run notJson = gpuhub("plan", "--scenario", file("{nodes: ").toString());
    assertThat(notJson.code()).isEqualTo(2);
    assertThat(notJson.err()).contains("is not valid JSON");
    Run algorithm = gpuhub("plan", "--scenario", voting().toString(), "--algorithm", "kube");
    assertThat(algorithm.code()).isEqualTo(2);
    assertThat(algorithm.err()).contains("unknown algorithm 'kube' (one of ensga2, spread-hpa, pack-hpa)");
    assertThat(gpuhub("plan").code()).isEqualTo(2); // --scenario is required
  }

  private static String withoutMillis(String out) {
    return out.replaceAll("\"millis\":\\d+", "");
  }
}
