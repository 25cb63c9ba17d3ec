package dev.gpuhub.bench.chaos;

/** How a fault is made and undone, and its own targets besides the common ones ({@link ChaosSuite}). */
interface Fault {
  /** One step of a fault. */
  interface Step {
    void run() throws Exception;
  }

  void inject() throws Exception;

  void restore() throws Exception;

  /** Adds this fault's own targets to {@code r}, once the installation is whole again. */
  default void check(FaultReport r) throws Exception {
  }

  /** A fault made by {@code inject} and undone by {@code restore}, with only the common targets. */
  static Fault of(Step inject, Step restore) {
    return new Fault() {
      @Override
      public void inject() throws Exception {
        inject.run();
      }

      @Override
      public void restore() throws Exception {
        restore.run();
      }
    };
  }
}
