package dev.gpuhub.agent.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container a process runs in, from its cgroup ({@code /proc/<pid>/cgroup}): Docker puts each
 * container's processes in a cgroup named after the container's 64-hex id, e.g.
 * {@code 0::/system.slice/docker-<id>.scope} (cgroup v2, systemd driver) or {@code 12:memory:/docker/<id>}
 * (v1, cgroupfs driver). The last such id on any line wins (a nested container's). A process whose
 * cgroup names no container id, or that has exited, runs in none.
 */
final class ContainerOfProcess {
  private static final Pattern CONTAINER_ID = Pattern.compile("(?<![0-9a-f])([0-9a-f]{64})(?![0-9a-f])");

  private final Path procRoot;

  /** @param procRoot where the process table is mounted ({@code /proc} on a node) */
  ContainerOfProcess(Path procRoot) {
    this.procRoot = procRoot;
  }

  /** The container id of process {@code pid}; empty for none. Never throws. */
  Optional<String> of(int pid) {
    String cgroup;
    try {
      cgroup = Files.readString(procRoot.resolve(Integer.toString(pid)).resolve("cgroup"));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return fromCgroup(cgroup);
  }

  static Optional<String> fromCgroup(String cgroup) {
    String found = null;
    Matcher m = CONTAINER_ID.matcher(cgroup);
    while (m.find()) found = m.group(1);
    return Optional.ofNullable(found);
  }
}
