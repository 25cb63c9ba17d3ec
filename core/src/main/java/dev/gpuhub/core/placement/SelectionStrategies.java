package dev.gpuhub.core.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The five seed algorithms over a list of eligible candidates already ranked by fitness (best
 * first). Each returns exactly {@code count} distinct candidates; callers guarantee
 * {@code count <= candidates.size()}. Holds the algorithms' state (round-robin counter, smooth
 * weighted round-robin weights, random source) and is thread-safe.
 */
final class SelectionStrategies {
  private final AtomicLong roundRobinCounter = new AtomicLong();
  private final Map<String, Long> currentWeights = new HashMap<>();
  private final Random random;

  SelectionStrategies(Random random) {
    this.random = random;
  }

  long roundRobinCounter() {
    return roundRobinCounter.get();
  }

  List<ScoredNode> choose(SelectionAlgorithm algorithm, List<ScoredNode> ranked, int count) {
    return switch (algorithm) {
      case ROUND_ROBIN -> roundRobin(ranked, count);
      case LEAST_CONNECTIONS -> leastConnections(ranked, count);
      case WEIGHTED_ROUND_ROBIN -> weightedRoundRobin(ranked, count);
      case BEST_FIT -> List.copyOf(ranked.subList(0, count));
      case RANDOM -> randomPick(ranked, count);
    };
  }

  /**
   * What {@link #choose} would return now without advancing any state, or empty for the algorithms
   * whose next choice cannot be told in advance (random, smooth weighted round robin).
   */
  java.util.Optional<List<ScoredNode>> peek(SelectionAlgorithm algorithm, List<ScoredNode> ranked, int count) {
    return switch (algorithm) {
      case ROUND_ROBIN -> java.util.Optional.of(rotation(ranked, count, roundRobinCounter.get()));
      case LEAST_CONNECTIONS, BEST_FIT -> java.util.Optional.of(choose(algorithm, ranked, count));
      case WEIGHTED_ROUND_ROBIN, RANDOM -> java.util.Optional.empty();
    };
  }

  // Seed semantics: use the counter, then increment it; the reported counter is the new value.
  private List<ScoredNode> roundRobin(List<ScoredNode> ranked, int count) {
    return rotation(ranked, count, roundRobinCounter.getAndIncrement());
  }

  private static List<ScoredNode> rotation(List<ScoredNode> ranked, int count, long turn) {
    int start = (int) (turn % ranked.size());
    List<ScoredNode> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) out.add(ranked.get((start + i) % ranked.size()));
    return out;
  }

  private static List<ScoredNode> leastConnections(List<ScoredNode> ranked, int count) {
    List<ScoredNode> sorted = new ArrayList<>(ranked);
    // Stable sort keeps the fitness order among nodes with equal container counts.
    sorted.sort(Comparator.comparingInt(s -> s.node().totalContainers()));
    return List.copyOf(sorted.subList(0, count));
  }

  // Smooth weighted round robin (as in nginx), weight = cpu cores, distinct within one request.
  private synchronized List<ScoredNode> weightedRoundRobin(List<ScoredNode> ranked, int count) {
    long total = 0;
    for (ScoredNode s : ranked) total += weight(s);
    LinkedHashSet<ScoredNode> picked = new LinkedHashSet<>();
    while (picked.size() < count) {
      ScoredNode best = null;
      long bestWeight = Long.MIN_VALUE;
      for (ScoredNode s : ranked) {
        long current = currentWeights.merge(s.hostname(), weight(s), Long::sum);
        if (!picked.contains(s) && current > bestWeight) {
          best = s;
          bestWeight = current;
        }
      }
      currentWeights.merge(best.hostname(), -total, Long::sum);
      picked.add(best);
    }
    return List.copyOf(picked);
  }

  private static long weight(ScoredNode s) {
    return Math.max(1, s.node().cpuCores());
  }

  private List<ScoredNode> randomPick(List<ScoredNode> ranked, int count) {
    List<ScoredNode> pool = new ArrayList<>(ranked);
    List<ScoredNode> out = new ArrayList<>(count);
    synchronized (random) {
      for (int i = 0; i < count; i++) out.add(pool.remove(random.nextInt(pool.size())));
    }
    return out;
  }
}
