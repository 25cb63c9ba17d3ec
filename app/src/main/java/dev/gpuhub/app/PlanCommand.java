package dev.gpuhub.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gpuhub.core.replicas.EpsilonNsga2Planner;
import dev.gpuhub.core.replicas.FrontChoice;
import dev.gpuhub.core.replicas.InvalidReplicaInputException;
import dev.gpuhub.core.replicas.LoadScenario;
import dev.gpuhub.core.replicas.ReplicaCluster;
import dev.gpuhub.core.replicas.ReplicaNode;
import dev.gpuhub.core.replicas.ReplicaPlan;
import dev.gpuhub.core.replicas.ReplicaPlanner;
import dev.gpuhub.core.replicas.ReplicaProblem;
import dev.gpuhub.core.replicas.ReplicaService;
import dev.gpuhub.core.replicas.ServiceChain;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gpuhub plan}: the replica planner of SPEC §6 on a scenario file (the format of
 * {@code voting.json}: nodes, services, chains, scenarios). Prints one JSON object per line per scenario
 * and algorithm. Bad input (unreadable file, missing fields, a chain calling an unknown service, a rate
 * for an unknown chain, a negative rate, a service that fits on no node) ends with exit code 2 and one
 * line naming the problem, before anything is planned.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Plans how many replicas each service runs and on which nodes (SPEC §6) for every scenario of a"
        + " scenario file; prints one JSON line per scenario and algorithm (scenario, algorithm, active_nodes,"
        + " throughput_sufficiency, replicas, placement, feasible, millis, ...).",
        "Algorithms: ensga2 (epsilon-NSGA-II, MOEA Framework), spread-hpa (HPA + Kubernetes LeastAllocated),"
        + " pack-hpa (HPA + MostAllocated). Exit code 2: bad input, named on standard error."})
final class PlanCommand implements Callable<Integer> {

  @Option(names = "--scenario", required = true, paramLabel = "FILE",
      description = "Scenario file (JSON: nodes, services, chains, scenarios; see README)")
  Path file;

  @Option(names = "--algorithm", defaultValue = "ensga2", split = ",", paramLabel = "NAME",
      description = "ensga2 | spread-hpa | pack-hpa, or several separated by commas (default: ${DEFAULT-VALUE})")
  List<String> algorithms;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Random seed of ensga2 (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--epsilons", paramLabel = "NODES,TE",
      description = "ensga2's epsilon-box sizes for active nodes and throughput sufficiency (default: 1,1)")
  String epsilons;

  @Option(names = "--evaluations", paramLabel = "N",
      description = "ensga2's evaluations per scenario (default: 20000)")
  Integer evaluations;

  @Option(names = "--normalization", paramLabel = "scale|front",
      description = "norm() of the final choice 0.25*norm(ANA) + 0.75*norm(TE): scale = ANA/nodes and"
          + " TE/sum of thresholds (default), front = min-max over the final front")
  String normalization;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Override
  public Integer call() {
    List<ReplicaPlanner> planners = planners();
    Input input = read(file);
    // Every scenario is checked before anything is planned, so bad input prints no partial results.
    List<ReplicaProblem> problems = new ArrayList<>();
    for (LoadScenario scenario : input.scenarios()) problems.add(ReplicaProblem.of(input.cluster(), scenario));
    PrintWriter out = spec.commandLine().getOut();
    for (ReplicaProblem problem : problems) {
      for (ReplicaPlanner planner : planners) {
        long start = System.nanoTime();
        ReplicaPlan plan = planner.plan(problem, seed);
        long millis = (System.nanoTime() - start) / 1_000_000;
        try {
          out.println(JSON.writeValueAsString(line(problem, plan, millis)));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        out.flush();
      }
    }
    return 0;
  }

  private List<ReplicaPlanner> planners() {
    EpsilonNsga2Planner.Settings settings = EpsilonNsga2Planner.Settings.defaults();
    if (epsilons != null) {
      String[] parts = epsilons.split(",");
      try {
        if (parts.length != 2) throw new NumberFormatException();
        settings = settings.withEpsilons(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--epsilons wants two positive numbers, NODES,TE (e.g. 1,0.5): " + epsilons);
      }
    }
    if (evaluations != null) settings = settings.withMaxEvaluations(evaluations);
    if (normalization != null) {
      try {
        settings = settings.withNormalization(FrontChoice.Normalization.valueOf(normalization.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--normalization is scale or front, not '" + normalization + "'");
      }
    }
    List<ReplicaPlanner> out = new ArrayList<>();
    for (String name : algorithms) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      out.add(EpsilonNsga2Planner.NAME.equals(n) ? new EpsilonNsga2Planner(settings) : ReplicaPlanner.byName(n));
    }
    return out;
  }

  private Map<String, Object> line(ReplicaProblem problem, ReplicaPlan plan, long millis) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("scenario", problem.scenario().name());
    line.put("algorithm", plan.algorithm());
    line.put("active_nodes", plan.activeNodes());
    line.put("throughput_sufficiency", round(plan.throughputSufficiency()));
    line.put("replicas", plan.replicas());
    line.put("placement", plan.placementByNode());
    line.put("feasible", plan.feasible());
    line.put("millis", millis);
    Map<String, Object> load = new LinkedHashMap<>();
    plan.loadPerReplica().forEach((service, rate) -> load.put(service, round(rate)));
    line.put("load_per_replica", load);
    if (plan.algorithm().equals(EpsilonNsga2Planner.NAME)) line.put("seed", seed);
    if (!plan.unplaced().isEmpty()) line.put("unplaced", plan.unplaced());
    if (!plan.problems().isEmpty()) line.put("problems", plan.problems());
    return line;
  }

  private static double round(double v) {
    return BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP).doubleValue();
  }

  /** A parsed scenario file. */
  record Input(ReplicaCluster cluster, List<LoadScenario> scenarios) {}

  /** Reads and checks a scenario file; every problem is an {@link IllegalArgumentException} naming it. */
  static Input read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + file);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) throw new IllegalArgumentException(file + ": expected a JSON object");
    List<ReplicaNode> nodes = new ArrayList<>();
    for (JsonNode n : array(root, "nodes", "the file")) {
      String name = text(n, "name", "a node");
      nodes.add(new ReplicaNode(name, number(n, "cpu_millicores", "node " + name),
          number(n, "memory_mb", "node " + name)));
    }
    List<ReplicaService> services = new ArrayList<>();
    for (JsonNode s : array(root, "services", "the file")) {
      String name = text(s, "name", "a service");
      String what = "service " + name;
      boolean hasThreshold = s.hasNonNull("request_threshold");
      boolean scalable = s.has("scalable") ? bool(s, "scalable", what) : hasThreshold;
      double threshold = hasThreshold ? number(s, "request_threshold", what) : 0;
      services.add(new ReplicaService(name, scalable, threshold, number(s, "cpu_millicores", what),
          number(s, "memory_mb", what)));
    }
    List<ServiceChain> chains = new ArrayList<>();
    for (JsonNode c : root.has("chains") ? array(root, "chains", "the file") : List.<JsonNode>of()) {
      String name = text(c, "name", "a chain");
      List<String> members = new ArrayList<>();
      for (JsonNode m : array(c, "services", "chain " + name)) {
        if (!m.isTextual()) throw new IllegalArgumentException("chain " + name + ": services must be names");
        members.add(m.asText());
      }
      chains.add(new ServiceChain(name, members));
    }
    ReplicaCluster cluster = new ReplicaCluster(nodes, services, chains);
    List<LoadScenario> scenarios = new ArrayList<>();
    int index = 0;
    for (JsonNode sc : array(root, "scenarios", "the file")) {
      index++;
      String name = sc.hasNonNull("name") ? sc.get("name").asText() : Integer.toString(index);
      JsonNode rates = sc.get("rates");
      if (rates == null || !rates.isObject()) {
        throw new InvalidReplicaInputException("scenario " + name + ": missing \"rates\" (req/s per chain)");
      }
      Map<String, Double> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = rates.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNumber()) {
          throw new InvalidReplicaInputException("scenario " + name + ": rate of chain " + e.getKey() + " is not a number");
        }
        map.put(e.getKey(), e.getValue().asDouble());
      }
      scenarios.add(new LoadScenario(name, map));
    }
    if (scenarios.isEmpty()) throw new IllegalArgumentException(file + ": no scenarios");
    return new Input(cluster, scenarios);
  }

  private static List<JsonNode> array(JsonNode parent, String field, String what) {
    JsonNode a = parent.get(field);
    if (a == null || !a.isArray()) throw new IllegalArgumentException(what + ": missing \"" + field + "\" (a list)");
    List<JsonNode> out = new ArrayList<>();
    a.forEach(out::add);
    return out;
  }

  private static String text(JsonNode n, String field, String what) {
    JsonNode v = n.get(field);
    if (v == null || !v.isValueNode() || v.asText().isBlank()) {
      throw new IllegalArgumentException(what + " has no \"" + field + "\"");
    }
    return v.asText();
  }

  private static double number(JsonNode n, String field, String what) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber()) throw new IllegalArgumentException(what + ": \"" + field + "\" must be a number");
    return v.asDouble();
  }

  private static boolean bool(JsonNode n, String field, String what) {
    JsonNode v = n.get(field);
    if (!v.isBoolean()) throw new IllegalArgumentException(what + ": \"" + field + "\" must be true or false");
    return v.asBoolean();
  }
}
