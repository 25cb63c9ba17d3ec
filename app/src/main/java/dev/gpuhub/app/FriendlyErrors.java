package dev.gpuhub.app;

import picocli.CommandLine;

/**
 * Configuration and start-up errors end the program with one clear line (exit code 2) instead of
 * a stack trace; anything unexpected keeps its stack trace (exit code 1).
 */
final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      cmd.getErr().println("gpuhub " + cmd.getCommandName() + ": " + e.getMessage());
      return 2;
    }
    e.printStackTrace(cmd.getErr());
    return 1;
  }
}
