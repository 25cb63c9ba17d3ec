package dev.gpuhub.bench.broker;

import dev.gpuhub.broker.AppType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * An open-loop arrival schedule: Poisson arrivals at a fixed rate, with exactly {@code round(longShare
 * x n)} Long requests in random order. Both strategies replay the same schedule.
 *
 * @param atNanos  arrival offsets from the start, increasing
 * @param types    the type of each arrival
 * @param rate     arrivals per second
 */
public record MixSchedule(long[] atNanos, List<AppType> types, double rate) {

  public static MixSchedule poisson(int n, double longShare, double rate, long seed) {
    Random rnd = new Random(seed);
    int longs = (int) Math.round(longShare * n);
    List<AppType> types = new ArrayList<>(n);
    for (int i = 0; i < n; i++) types.add(i < longs ? AppType.LONG : AppType.SHORT);
    Collections.shuffle(types, rnd);
    long[] at = new long[n];
    double t = 0;
    for (int i = 0; i < n; i++) {
      t += -Math.log(1 - rnd.nextDouble()) / rate;
      at[i] = (long) (t * 1e9);
    }
    return new MixSchedule(at, List.copyOf(types), rate);
  }

  public int size() {
    return atNanos.length;
  }

  public long longCount() {
    return types.stream().filter(t -> t == AppType.LONG).count();
  }
}
