package dev.gpuhub.server.hub.jobs;

import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.tls.Pki;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a training job's ranks meet, and how only they can. Every replica sees
 * {@code MASTER_ADDR=127.0.0.1} and {@code MASTER_PORT=}{@value #LOCAL_PORT}, in its own network
 * namespace. A job with more than one replica runs its command under gpuhub's rendezvous tunnel
 * ({@code rendezvous.py}, copied in with the secret files; the image needs {@code python3}): on
 * rank 0 it accepts the other ranks on the job's public port, published on rank 0's node address,
 * and carries their connections to the job's program on {@value #LOCAL_PORT}; on every other rank it
 * accepts the program's connections on its own {@code 127.0.0.1:}{@value #LOCAL_PORT} and carries
 * them to rank 0's tunnel. Between nodes that is TLS in which both ends show a certificate of an
 * authority made for this start of this job alone and accept no other: the authority's key is
 * dropped once the job's one certificate is issued. So another user's workload, or anyone on the
 * lab's network, that connects to the published port is refused before a byte reaches rank 0, even
 * with a certificate of the cluster CA (which users' servers hold). A job of one replica needs no
 * tunnel: nothing outside its container takes part.
 */
public final class JobRendezvous {
  /** The port the ranks meet at inside their containers (PyTorch's default). */
  public static final int LOCAL_PORT = 29500;
  /** Every rank's {@code MASTER_ADDR}: its own loopback. */
  public static final String LOCAL_ADDRESS = "127.0.0.1";
  /** The tunnel program's file name in the secrets directory. */
  static final String PROGRAM_FILE = "rendezvous.py";
  static final String AUTHORITY_FILE = "rendezvous-ca.crt";
  static final String CERTIFICATE_FILE = "rendezvous.crt";
  static final String KEY_FILE = "rendezvous.key";
  /** How long a start's certificate is good for: longer than any job runs between re-allocations. */
  static final Duration VALIDITY = Duration.ofDays(366);
  private static final String SEPARATOR = "--";
  private static final String PROGRAM = readProgram();

  private JobRendezvous() {}

  /** Whether a job of {@code worldSize} replicas needs the tunnel (more than one replica). */
  static boolean tunnelled(int worldSize) {
    return worldSize > 1;
  }

  /**
   * The secret files of one start of job {@code jobId}, the same for all its replicas: the tunnel
   * program, the start's authority certificate, and the one certificate and key it issued (P-256).
   */
  static Map<String, String> files(long jobId) {
    KeyPair authorityKeys = Pki.newKeyPair();
    X509Certificate authority = Pki.selfSignedCa(authorityKeys, "gpuhub job " + jobId + " rendezvous", VALIDITY);
    KeyPair keys = Pki.newKeyPair();
    X509Certificate certificate = Pki.issue(authority, authorityKeys.getPrivate(), keys.getPublic(), "job-" + jobId,
        Pki.ROLE_WORKLOAD, List.of(), VALIDITY);
    return Map.of(PROGRAM_FILE, PROGRAM, AUTHORITY_FILE, Pki.pem(authority), CERTIFICATE_FILE, Pki.pem(certificate),
        KEY_FILE, Pki.pem(keys.getPrivate()));
  }

  /**
   * The command rank {@code rank} runs: the job's {@code command} under the tunnel, rank 0 accepting
   * on {@code publicPort}, the others reaching it at {@code masterAddress:publicPort}.
   */
  static List<String> command(List<String> command, int rank, String masterAddress, int publicPort) {
    List<String> out = new ArrayList<>(List.of("python3", ContainerRequest.SECRETS_DIR + "/" + PROGRAM_FILE));
    if (rank == 0) {
      out.addAll(List.of("serve", Integer.toString(publicPort), Integer.toString(LOCAL_PORT)));
    } else {
      out.addAll(List.of("connect", Integer.toString(LOCAL_PORT), masterAddress, Integer.toString(publicPort)));
    }
    out.add(SEPARATOR);
    out.addAll(command);
    return out;
  }

  /** The job's own command inside {@code command} (a tunnelled replica's), or {@code command} itself. */
  public static List<String> jobCommand(List<String> command) {
    if (command.size() < 2 || !command.get(1).endsWith("/" + PROGRAM_FILE)) return command;
    int split = command.indexOf(SEPARATOR);
    return split < 0 ? command : command.subList(split + 1, command.size());
  }

  private static String readProgram() {
    try (InputStream in = JobRendezvous.class.getResourceAsStream(PROGRAM_FILE)) {
      if (in == null) throw new IllegalStateException(PROGRAM_FILE + " is missing from the server's resources");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + PROGRAM_FILE, e);
    }
  }
}
