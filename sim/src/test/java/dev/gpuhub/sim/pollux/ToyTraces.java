package dev.gpuhub.sim.pollux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small hand-made trace folders for the unit tests (values chosen so results can be computed by hand). */
final class ToyTraces {
  private ToyTraces() {}

  static void write(Path file, String... lines) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Model "toy" under {@code data/traces/toy}: validated at batch 100 and 400, 2 epochs; measured
   * placements 1111, 4444 and 12 at local batch 10 and 20, scalability at 6 nodes.
   */
  static Path toy(Path data) {
    Path dir = data.resolve("traces").resolve("toy");
    write(dir.resolve("validation-100.csv"),
        "progress,iteration,metric,grad_sqr,grad_var",
        "100,10,0.5,1.0,3.0",
        "200,20,0.6,1.0,1.0");
    write(dir.resolve("validation-400.csv"),
        "progress,iteration,metric,grad_sqr,grad_var",
        "110,4,0.5,2.0,5.0",
        "190,8,0.6,3.0,3.0");
    write(dir.resolve("placements.csv"),
        "placement,local_bsz,step_time,sync_time",
        "1111,10,1.0,0.5",
        "1111,20,2.0,0.5",
        "4444,10,3.0,1.0",
        "4444,20,5.0,1.0",
        "12,10,1.5,0.2",
        "12,20,2.5,0.4");
    write(dir.resolve("scalability.csv"),
        "num_nodes,num_replicas,local_bsz,step_time,sync_time",
        "6,6,10,2.0,1.0",
        "6,6,20,4.0,1.0",
        "6,24,10,6.0,2.0",
        "6,24,20,8.0,2.0");
    return dir;
  }

  /**
   * Model "unit" under {@code data/traces/unit}: one validated batch size (10), two epochs ending at
   * progress 100 and 200, gain 1; one GPU at local batch 10 takes 1 s per step, so a job on one GPU
   * progresses 1 per second and needs 200 s.
   */
  static Path unit(Path data) {
    Path dir = data.resolve("traces").resolve("unit");
    write(dir.resolve("validation-10.csv"),
        "progress,iteration,metric,grad_sqr,grad_var",
        "100,100,0.5,1.0,1.0",
        "200,200,0.6,1.0,1.0");
    write(dir.resolve("placements.csv"),
        "placement,local_bsz,step_time,sync_time",
        "1,10,1.0,0.0",
        "2,10,1.0,0.5");
    write(dir.resolve("scalability.csv"),
        "num_nodes,num_replicas,local_bsz,step_time,sync_time");
    return dir;
  }
}
