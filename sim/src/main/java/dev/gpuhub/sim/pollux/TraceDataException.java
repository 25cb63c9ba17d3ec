package dev.gpuhub.sim.pollux;

import java.nio.file.Path;

/** Bad or missing simulator input; the message names the file (and line, where there is one). */
public final class TraceDataException extends IllegalArgumentException {
  public TraceDataException(String message) {
    super(message);
  }

  static TraceDataException at(Path file, int line, String what) {
    return new TraceDataException(file + ":" + line + ": " + what);
  }

  static TraceDataException in(Path file, String what) {
    return new TraceDataException(file + ": " + what);
  }
}
