package dev.gpuhub.core.replicas;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.moeaframework.algorithm.EpsilonNSGAII;
import org.moeaframework.algorithm.continuation.AdaptiveTimeContinuationExtension;
import org.moeaframework.core.Epsilons;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.Solution;
import org.moeaframework.core.comparator.ChainedComparator;
import org.moeaframework.core.comparator.CrowdingComparator;
import org.moeaframework.core.comparator.ParetoDominanceComparator;
import org.moeaframework.core.operator.CompoundVariation;
import org.moeaframework.core.population.EpsilonBoxDominanceArchive;
import org.moeaframework.core.population.NondominatedSortingPopulation;
import org.moeaframework.core.selection.TournamentSelection;
import org.moeaframework.core.selection.UniformSelection;
import org.moeaframework.parallel.util.ThreadLocalMersenneTwister;

/**
 * SPEC §6's planner: MOEA Framework's {@link EpsilonNSGAII} over {@link PlacementMoeaProblem} with the
 * SPEC's own operators ({@link ServiceCrossover} then {@link GrowShrinkMutation}), started from
 * {@link ReplicaInitialization} (random solutions plus one greedy packing per node count), then SPEC §6's
 * choice ({@link FrontChoice}) among the <em>feasible</em>
 * members of the final epsilon-box archive. If the archive holds no feasible placement the plan is the
 * one with the smallest violation, marked infeasible with the violations listed.
 *
 * <p>Epsilon-NSGA-II restarts (adaptive time continuation) refill the population from the archive through
 * a mutation; the library's default there is a real-valued mutation that would leave our variables
 * untouched, so the planner swaps in an identical extension that uses {@link GrowShrinkMutation}.
 *
 * <p>Determinism: every random draw, the library's included, comes from MOEA Framework's generator
 * ({@link PRNG}) seeded with the plan's seed, and the solve runs in the calling thread. The library's
 * default generator keeps one Mersenne Twister per thread, so a solve seeds only its own thread's and
 * solves on different threads neither wait for nor disturb each other. If some other code has replaced
 * that generator ({@link PRNG#setRandom}), a solve installs a {@code java.util.Random} of its own seed
 * instead and puts the other back afterwards, under one JVM-wide lock (solves then run one at a time).
 * The library reads a {@code moeaframework.properties} file from the working directory when it first
 * loads, if there is one; the planner itself does no I/O.
 */
public final class EpsilonNsga2Planner implements ReplicaPlanner {
  public static final String NAME = "ensga2";

  private static final Object PRNG_LOCK = new Object();

  /**
   * @param nodeEpsilon        epsilon-box size for Active Node Amount (1: every node count kept apart)
   * @param sufficiencyEpsilon epsilon-box size for Throughput Sufficiency, req/s
   * @param populationSize     initial (and minimum) population
   * @param maxEvaluations     evaluations per solve
   * @param crossoverRate      probability that a pair of parents is crossed
   * @param mutationRate       probability that each service of a child is mutated; 0 or less means
   *                           {@code 1 / services}
   * @param nodeWeight         weight of norm(ANA) in the final choice
   * @param sufficiencyWeight  weight of norm(TE) in the final choice
   * @param normalization      what norm() means in the final choice ({@link FrontChoice})
   */
  public record Settings(double nodeEpsilon, double sufficiencyEpsilon, int populationSize, int maxEvaluations,
      double crossoverRate, double mutationRate, double nodeWeight, double sufficiencyWeight,
      FrontChoice.Normalization normalization) {
    public Settings {
      if (!(nodeEpsilon > 0) || !(sufficiencyEpsilon > 0)) throw new IllegalArgumentException("epsilons must be positive");
      if (populationSize < 4) throw new IllegalArgumentException("population must be at least 4");
      if (maxEvaluations < populationSize) throw new IllegalArgumentException("fewer evaluations than the population");
      if (crossoverRate < 0 || crossoverRate > 1) throw new IllegalArgumentException("crossover rate must be in [0, 1]");
      if (mutationRate > 1) throw new IllegalArgumentException("mutation rate must be at most 1");
      if (nodeWeight < 0 || sufficiencyWeight < 0 || nodeWeight + sufficiencyWeight == 0) {
        throw new IllegalArgumentException("weights must be non-negative and not both 0");
      }
      if (normalization == null) throw new IllegalArgumentException("no normalization");
    }

    /**
     * Epsilons 1 node and 1 req/s, population 50, 20,000 evaluations, crossover 0.9, mutation
     * 1/services, weights 0.25/0.75, {@link FrontChoice.Normalization#SCALE}.
     */
    public static Settings defaults() {
      return new Settings(1.0, 1.0, 50, 20_000, 0.9, 0, 0.25, 0.75, FrontChoice.Normalization.SCALE);
    }

    public Settings withEpsilons(double nodes, double sufficiency) {
      return new Settings(nodes, sufficiency, populationSize, maxEvaluations, crossoverRate, mutationRate,
          nodeWeight, sufficiencyWeight, normalization);
    }

    public Settings withMaxEvaluations(int evaluations) {
      return new Settings(nodeEpsilon, sufficiencyEpsilon, populationSize, evaluations, crossoverRate,
          mutationRate, nodeWeight, sufficiencyWeight, normalization);
    }

    public Settings withNormalization(FrontChoice.Normalization mode) {
      return new Settings(nodeEpsilon, sufficiencyEpsilon, populationSize, maxEvaluations, crossoverRate,
          mutationRate, nodeWeight, sufficiencyWeight, mode);
    }
  }

  /** A solve's final archive and the plan chosen from it. */
  public record Outcome(List<Placement> archive, List<Placement> feasibleFront, ReplicaPlan plan, int evaluations) {}

  private final Settings settings;

  public EpsilonNsga2Planner() {
    this(Settings.defaults());
  }

  public EpsilonNsga2Planner(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ReplicaPlan plan(ReplicaProblem problem, long seed) {
    return solve(problem, seed).plan();
  }

  /** Runs the optimiser and returns its final archive as well as the chosen plan. */
  public Outcome solve(ReplicaProblem problem, long seed) {
    Random global = PRNG.getRandom();
    if (global instanceof ThreadLocalMersenneTwister) {
      // The library's default: one Mersenne Twister per thread. Seeding it seeds this thread's only.
      PRNG.setSeed(seed);
      return run(problem, global);
    }
    synchronized (PRNG_LOCK) {
      Random random = new Random(seed);
      PRNG.setRandom(random);
      try {
        return run(problem, random);
      } finally {
        PRNG.setRandom(global);
      }
    }
  }

  private Outcome run(ReplicaProblem model, Random random) {
    PlacementMoeaProblem problem = new PlacementMoeaProblem(model);
    double mutationRate = settings.mutationRate() > 0 ? settings.mutationRate() : 1.0 / model.serviceCount();
    GrowShrinkMutation mutation = new GrowShrinkMutation(random, mutationRate);
    CompoundVariation variation = new CompoundVariation(new ServiceCrossover(random, settings.crossoverRate()), mutation);
    EpsilonBoxDominanceArchive archive =
        new EpsilonBoxDominanceArchive(new Epsilons(new double[] {settings.nodeEpsilon(), settings.sufficiencyEpsilon()}));
    int pop = settings.populationSize();
    int window = 100;
    int maxPopulation = 10 * pop;
    double injection = 0.25;
    EpsilonNSGAII algorithm = new EpsilonNSGAII(problem, pop, new NondominatedSortingPopulation(), archive,
        new TournamentSelection(2, new ChainedComparator(new ParetoDominanceComparator(), new CrowdingComparator())),
        variation, new ReplicaInitialization(problem, random), window, window, injection, pop, maxPopulation);
    algorithm.getExtensions().remove(AdaptiveTimeContinuationExtension.class);
    algorithm.addExtension(new AdaptiveTimeContinuationExtension(window, window, injection, pop, maxPopulation,
        new UniformSelection(), mutation));
    algorithm.run(settings.maxEvaluations());

    List<Placement> all = new ArrayList<>();
    List<Placement> feasible = new ArrayList<>();
    Placement leastViolating = null;
    double leastViolation = Double.POSITIVE_INFINITY;
    for (Solution s : algorithm.getArchive()) {
      Placement p = PlacementMoeaProblem.placement(s);
      all.add(p);
      if (model.feasible(p)) {
        feasible.add(p);
      } else if (s.getSumOfConstraintViolations() < leastViolation) {
        leastViolation = s.getSumOfConstraintViolations();
        leastViolating = p;
      }
    }
    ReplicaPlan plan;
    if (!feasible.isEmpty()) {
      double[][] objectives = new double[feasible.size()][];
      for (int i = 0; i < objectives.length; i++) {
        Placement p = feasible.get(i);
        objectives[i] = new double[] {p.activeNodes(), model.throughputSufficiency(p)};
      }
      int chosen = FrontChoice.choose(objectives, settings.nodeWeight(), settings.sufficiencyWeight(),
          settings.normalization(), model);
      plan = ReplicaPlan.of(NAME, model, feasible.get(chosen));
    } else {
      plan = ReplicaPlan.of(NAME, model, leastViolating != null ? leastViolating : all.get(0));
    }
    return new Outcome(List.copyOf(all), List.copyOf(feasible), plan, algorithm.getNumberOfEvaluations());
  }
}
