package dev.gpuhub.app;

import dev.gpuhub.server.trust.ClusterAuthority;
import dev.gpuhub.server.trust.JoinTokens;
import dev.gpuhub.store.StoreConfig;
import dev.gpuhub.wire.tls.JoinToken;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gpuhub join-token}: makes, lists or deletes the short-lived tokens new nodes join the
 * cluster with. Runs on the control plane's machine, on its data directory (where the cluster CA
 * is), whether the server runs or not.
 */
@Command(name = "join-token", mixinStandardHelpOptions = true,
    description = {"Makes a token a new node joins the cluster with (gpuhub agent --join), valid for --ttl and for",
        "--uses nodes; or lists (--list) or deletes (--delete ID) them. Run it on the control plane's machine,",
        "with the server's GPUHUB_DATA_DIR."})
final class JoinTokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--ttl", converter = DurationConverter.class, defaultValue = "1h",
      description = "How long the token may be used (default: ${DEFAULT-VALUE}; at most 7 days)")
  Duration ttl;

  @Option(names = "--uses", defaultValue = "1", description = "How many nodes may join with it (default: ${DEFAULT-VALUE})")
  int uses;

  @Option(names = "--list", description = "List the live tokens (never their secrets)")
  boolean list;

  @Option(names = "--delete", paramLabel = "ID", description = "Delete the token with this id")
  String delete;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's data directory (default: GPUHUB_DATA_DIR, else ./data)")
  Path dataDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path data = dataDir != null ? dataDir : StoreConfig.fromEnv(System.getenv()).dataDir();
    ClusterAuthority authority = ClusterAuthority.open(data, List.of());
    JoinTokens tokens = authority.joinTokens();
    Instant now = Instant.now();
    if (list) {
      List<JoinTokens.Entry> live = tokens.list(now);
      if (live.isEmpty()) out.println("no live join tokens");
      live.forEach(e -> out.printf("%s  expires %s  %d use(s) left%n", e.id(), e.expires(), e.usesLeft()));
    } else if (delete != null) {
      if (!tokens.delete(delete.strip(), now)) {
        spec.commandLine().getErr().println("gpuhub join-token: no live token with id " + delete.strip());
        return 1;
      }
      out.println("deleted join token " + delete.strip());
    } else {
      JoinToken token = tokens.create(ttl, uses, now);
      out.println(token.text());
      out.println();
      out.printf("Valid until %s for %d node(s). On the new node:%n", now.plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS), uses);
      out.printf("  GPUHUB_JOIN_TOKEN=%s ./gpuhub agent --server http://<control plane>:%s%n", token.text(),
          System.getenv().getOrDefault("API_PORT", "15002"));
      out.println("The token pins this cluster's CA (" + authority.fingerprint() + ").");
    }
    out.flush();
    return 0;
  }
}
