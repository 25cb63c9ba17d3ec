package dev.gpuhub.app.hub;

import static dev.gpuhub.app.hub.HubClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpuhub.testkit.LocalDockerd;
import dev.gpuhub.testkit.SimulatedGpus;
import dev.gpuhub.wire.WireJson;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training job's rendezvous is the job's own: alice's job of two replicas, on a real agent and
 * dockerd with the real notebook image, meets at {@code MASTER_ADDR:MASTER_PORT} as
 * {@code torch.distributed} does (rank 0 listens, rank 1 connects and is answered), through the
 * port rank 0's node publishes for it; mallory, from her own server on the same node, connects to
 * that published port as a stranger would, with no certificate, and with the certificate of the
 * cluster CA her server holds. She is refused, and rank 0's program never hears from her.
 *
 * <p>On the code before the tunnel (rank 0's {@code MASTER_PORT} published as it is), mallory's
 * plain connection was answered by rank 0: this test fails there.
 */
class JobRendezvousIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** The job: rank 0 answers every line it hears with "welcome, <line>"; rank 1 says "rank 1" and keeps the answer. */
  private static final String MEETING = String.join("\n",
      "import os, socket, sys, time",
      "rank, addr, port = int(os.environ['RANK']), os.environ['MASTER_ADDR'], int(os.environ['MASTER_PORT'])",
      "if rank == 0:",
      "    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
      "    s.bind(('0.0.0.0', port)); s.listen(16); print('rank 0 listens on', port, flush=True)",
      "    while True:",
      "        c, _ = s.accept()",
      "        line = c.makefile().readline().strip()",
      "        print('rank 0 heard: ' + line, flush=True)",
      "        c.sendall(('welcome, ' + line + '\\n').encode()); c.close()",
      "answer = ''",
      "for _ in range(600):",
      "    try:",
      "        c = socket.create_connection((addr, port), timeout=10); c.sendall(b'rank 1\\n')",
      "        answer = c.makefile().readline().strip()",
      "    except OSError as e:",
      "        print('rank 1 retries:', e, flush=True)",
      "    if answer: break",
      "    time.sleep(0.2)",
      "print('rank 1 got: ' + answer, flush=True)",
      "time.sleep(3600)");
  /** Mallory, in her server: the published port, plainly, with no certificate and with her server's cluster-CA one. */
  private static final String ATTACK = String.join("\n",
      "import json, socket, ssl, sys",
      "host, port = sys.argv[1], int(sys.argv[2])",
      "def talk(wrap):",
      "    try:",
      "        c = socket.create_connection((host, port), timeout=10)",
      "        c = wrap(c)",
      "        c.sendall(b'mallory\\n'); c.settimeout(5)",
      "        answer = c.recv(200)",
      "        return 'answered: ' + answer.decode(errors='replace') if answer else 'closed without an answer'",
      "    except Exception as e:",
      "        return 'refused: %s: %s' % (type(e).__name__, e)",
      "def tls(cert):",
      "    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
      "    if cert: ctx.load_cert_chain('/gpuhub/secrets/server.crt', '/gpuhub/secrets/server.key')",
      "    return lambda c: ctx.wrap_socket(c)",
      "print(json.dumps({'plain': talk(lambda c: c), 'tls without a certificate': talk(tls(False)),",
      "                  'tls with the cluster CA certificate of her server': talk(tls(True))}))");

  @TempDir Path dir;

  @Test
  void onlyTheJobsOwnReplicasReachItsRendezvous() throws Exception {
    long t0 = System.nanoTime();
    SimulatedGpus gpus = SimulatedGpus.create(dir.resolve("gpus"), 2);
    try (LocalDockerd dockerd = LocalDockerd.start(gpus);
         HubFixture hub = new HubFixture(dir.resolve("data"), Map.of("GPUHUB_JOB_INTERVAL_SECONDS", "1",
             "GPUHUB_JOB_REPLICA_CPU", "0.5", "GPUHUB_JOB_REPLICA_MEMORY_GB", "0.5"), dockerd, gpus.nvidiaSmi())) {
      hub.userWithServer("mallory");
      HubClient alice = new HubClient(hub.hubUrl);
      assertThat(alice.signUpAndLogIn("alice", "alice-password-1").statusCode()).isEqualTo(302);
      ObjectNode submission = WireJson.mapper().createObjectNode().put("image", hub.image).put("min_gpus", 2)
          .put("max_gpus", 2).put("initial_batch_size", 2);
      submission.set("command", WireJson.mapper().valueToTree(List.of("python3", "-c", MEETING)));
      HttpResponse<String> submitted = alice.api("POST", "/hub/api/jobs", submission.toString());
      assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
      long job = json(submitted).path("id").asLong();
      String rank0 = "gpuhub-job-" + job + "-0";
      String rank1 = "gpuhub-job-" + job + "-1";
      try {
        await(() -> "job " + job + " runs: " + alice.getJson("/hub/api/jobs/" + job).body(),
            () -> json(alice.getJson("/hub/api/jobs/" + job)).path("state").asText().equals("running"));

        // the ranks meet at 127.0.0.1:29500 in their own containers, carried by the job's tunnel
        await(() -> "rank 1 is answered; its log: " + logs(dockerd, rank1) + "; rank 0's: " + logs(dockerd, rank0),
            () -> logs(dockerd, rank1).contains("rank 1 got: welcome, rank 1"));
        assertThat(logs(dockerd, rank0)).contains("rank 0 heard: rank 1");
        JsonNode published = WireJson.mapper().readTree(
            dockerd.docker("inspect", "-f", "{{json .HostConfig.PortBindings}}", rank0));
        assertThat(published.size()).as("rank 0 publishes one port: " + published).isEqualTo(1);
        String key = published.fieldNames().next();
        int port = Integer.parseInt(key.substring(0, key.indexOf('/')));
        assertThat(published.path(key).get(0).path("HostIp").asText()).isEqualTo(hub.nodeIp);
        System.out.printf("JobRendezvousIT: the ranks met through port %d of %s after %.1f s%n", port, hub.nodeIp,
            seconds(t0));

        // mallory, from her own server on the node, at the port the node publishes
        JsonNode attempts = WireJson.mapper().readTree(dockerd.docker("exec", "gpuhub-mallory", "python3", "-c", ATTACK,
            hub.nodeIp, Integer.toString(port)).strip());
        System.out.println("JobRendezvousIT: mallory's attempts: " + attempts);
        assertThat(attempts.size()).isEqualTo(3);
        attempts.fields().forEachRemaining(a -> assertThat(a.getValue().asText()).as(a.getKey())
            .satisfiesAnyOf(v -> assertThat(v).isEqualTo("closed without an answer"),
                v -> assertThat(v).startsWith("refused: SSL"), v -> assertThat(v).startsWith("refused: ConnectionResetError")));
        assertThat(logs(dockerd, rank0)).as("rank 0's program never heard from mallory").doesNotContain("mallory");

        // the program listens on 29500 in its own namespace; what the node publishes is the tunnel's port
        assertThat(logs(dockerd, rank0)).contains("rank 0 listens on 29500");
        assertThat(port).as("the tunnel's port").isBetween(40000, 40999);
        assertThat(dockerd.docker("inspect", "-f", "{{json .HostConfig.PortBindings}}", rank1)).isIn("{}", "null");
        HubFixture.assertConfined(dockerd, rank0);
        HubFixture.assertConfined(dockerd, rank1);
      } finally {
        assertThat(json(alice.api("DELETE", "/hub/api/jobs/" + job, null)).path("state").asText()).isEqualTo("cancelled");
      }
      System.out.printf("JobRendezvousIT: done in %.1f s%n", seconds(t0));
    }
  }

  private static String logs(LocalDockerd dockerd, String container) {
    try {
      return dockerd.docker("logs", container);
    } catch (RuntimeException e) {
      return "(no logs: " + e.getMessage() + ")";
    }
  }

  private static void await(Supplier<String> what, BooleanSupplier done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what.get());
      HubFixture.sleep(250);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
