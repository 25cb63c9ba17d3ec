package dev.gpuhub.server.hub.spawn;

import dev.gpuhub.server.workload.Homes;
import dev.gpuhub.core.config.EnvReader;
import dev.gpuhub.server.workload.WorkloadTls;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Spawner settings, validated at start.
 *
 * @param cpuImage        image for CPU profiles ({@code GPUHUB_CPU_IMAGE})
 * @param gpuImage        image for GPU profiles ({@code GPUHUB_GPU_IMAGE})
 * @param command         server command template ({@code GPUHUB_NOTEBOOK_COMMAND}); placeholders
 *                        {ip} {port} {base_url} {user}, and {token} for servers that cannot read
 *                        the token from {@code JUPYTER_TOKEN} (a token on the command line shows in
 *                        process listings and {@code docker inspect}; the default keeps it off)
 * @param startTimeout    how long a server may take to answer ({@code GPUHUB_START_TIMEOUT_SECONDS})
 * @param portMin         lowest port a server may listen on ({@code GPUHUB_SERVER_PORT_MIN})
 * @param portMax         highest port ({@code GPUHUB_SERVER_PORT_MAX})
 * @param idleTimeout     servers without traffic this long are stopped ({@code GPUHUB_IDLE_TIMEOUT_SECONDS})
 * @param cullInterval    how often the culler looks ({@code GPUHUB_CULL_INTERVAL_SECONDS})
 * @param kernelIdleTimeout  kernels of multi-node servers idle this long are shut down
 *                           ({@code GPUHUB_KERNEL_IDLE_SECONDS}, SPEC §8: 3600 s)
 * @param kernelCullInterval how often the kernel culler asks the kernel hosts
 *                           ({@code GPUHUB_KERNEL_CULL_INTERVAL_SECONDS}, SPEC §8: 600 s)
 * @param workerModes        profiles that run in worker mode instead of kernel hosts, by name
 *                           ({@code GPUHUB_WORKER_PROFILES}, see {@link WorkerMode})
 * @param homes              where users' files live ({@code GPUHUB_HOMES}, {@code GPUHUB_HOME_DIR})
 * @param namedServerLimit   how many named servers each user may have active besides the default one
 *                           ({@code GPUHUB_NAMED_SERVER_LIMIT}; 0 turns named servers off)
 */
public record SpawnerConfig(String cpuImage, String gpuImage, String command, Duration startTimeout,
                            int portMin, int portMax, Duration idleTimeout, Duration cullInterval,
                            Duration kernelIdleTimeout, Duration kernelCullInterval, Map<String, WorkerMode> workerModes,
                            Homes homes, int namedServerLimit) {
  /** Named servers allowed by default: enough for a CPU and a GPU server beside the default one. */
  public static final int DEFAULT_NAMED_SERVER_LIMIT = 2;

  /** Settings with {@link #DEFAULT_NAMED_SERVER_LIMIT} named servers per user. */
  public SpawnerConfig(String cpuImage, String gpuImage, String command, Duration startTimeout, int portMin, int portMax,
                       Duration idleTimeout, Duration cullInterval, Duration kernelIdleTimeout,
                       Duration kernelCullInterval, Map<String, WorkerMode> workerModes, Homes homes) {
    this(cpuImage, gpuImage, command, startTimeout, portMin, portMax, idleTimeout, cullInterval, kernelIdleTimeout,
        kernelCullInterval, workerModes, homes, DEFAULT_NAMED_SERVER_LIMIT);
  }

  /** Settings with homes as a fresh installation has them ({@link Homes#DEFAULT}). */
  public SpawnerConfig(String cpuImage, String gpuImage, String command, Duration startTimeout, int portMin, int portMax,
                       Duration idleTimeout, Duration cullInterval, Duration kernelIdleTimeout,
                       Duration kernelCullInterval, Map<String, WorkerMode> workerModes) {
    this(cpuImage, gpuImage, command, startTimeout, portMin, portMax, idleTimeout, cullInterval, kernelIdleTimeout,
        kernelCullInterval, workerModes, Homes.DEFAULT);
  }

  /** SPEC §8: idle kernels are culled after 3600 s. */
  public static final int DEFAULT_KERNEL_IDLE_SECONDS = 3600;
  /** SPEC §8: checked every 600 s. */
  public static final int DEFAULT_KERNEL_CULL_INTERVAL_SECONDS = 600;

  /** Without kernel culling settings: the SPEC's defaults. */
  public SpawnerConfig(String cpuImage, String gpuImage, String command, Duration startTimeout, int portMin, int portMax,
                       Duration idleTimeout, Duration cullInterval) {
    this(cpuImage, gpuImage, command, startTimeout, portMin, portMax, idleTimeout, cullInterval,
        Duration.ofSeconds(DEFAULT_KERNEL_IDLE_SECONDS), Duration.ofSeconds(DEFAULT_KERNEL_CULL_INTERVAL_SECONDS), Map.of());
  }

  /** The image `./gpuhub build-image` builds. */
  public static final String DEFAULT_IMAGE = "gpuhub-notebook:latest";
  /** {@link StartCommand#SINGLEUSER}: JupyterHub's single-user server. */
  public static final String SINGLEUSER = StartCommand.SINGLEUSER;
  /** The default: {@link #SINGLEUSER}; the default image has JupyterHub's single-user server. */
  public static final String DEFAULT_COMMAND = SINGLEUSER;
  /**
   * Jupyter Notebook 6 (Debian's python3-notebook) in its container, under the user's prefix,
   * serving the image's working directory, its token from the proxy: the template for images without
   * JupyterHub, and what kernel hosts of multi-node servers run in {@link #SINGLEUSER} mode.
   */
  public static final String NOTEBOOK_COMMAND = SpawnerConfig.PLAIN_HTTP_COMMAND
      + " --NotebookApp.certfile={certfile} --NotebookApp.keyfile={keyfile}";
  /** {@link #DEFAULT_COMMAND} serving plain HTTP (benchmarks and tests compare the two). */
  public static final String PLAIN_HTTP_COMMAND = "python3 -m notebook --ip={ip} --port={port} --no-browser"
      + " --NotebookApp.base_url={base_url} --NotebookApp.port_retries=0 --NotebookApp.quit_button=False";

  /**
   * Whether the command serves HTTPS with the certificate the hub issues each server (it names
   * {@code {certfile}} and {@code {keyfile}}); without them the hub speaks plain HTTP to servers.
   */
  public boolean servesTls() {
    return start().servesTls();
  }

  /** Whether servers run {@code jupyterhub-singleuser} ({@link #SINGLEUSER}) rather than a command template. */
  public boolean singleUser() {
    return start().singleUser();
  }

  /** How servers start unless their image says otherwise ({@code GPUHUB_NOTEBOOK_COMMAND}). */
  public StartCommand start() {
    return new StartCommand(command);
  }

  /** Whether the kernel hosts of multi-node servers serve HTTPS ({@link #kernelHostTemplate()} names the TLS files). */
  public boolean kernelHostsServeTls() {
    return new StartCommand(kernelHostTemplate()).servesTls();
  }

  /** The template kernel hosts run: the command template, or {@link #NOTEBOOK_COMMAND} in single-user mode. */
  String kernelHostTemplate() {
    return singleUser() ? NOTEBOOK_COMMAND : command;
  }
  /**
   * What {@code {ip}} becomes: every address of the server's own network namespace. The node
   * publishes {@code {port}} on its address; nothing else reaches the container.
   */
  public static final String LISTEN_ADDRESS = "0.0.0.0";
  /** Seed: 120 s start timeout. */
  public static final int DEFAULT_START_TIMEOUT_SECONDS = 120;
  /** Seed: servers idle for 600 s are stopped. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 600;

  public SpawnerConfig {
    workerModes = workerModes == null ? Map.of() : Map.copyOf(workerModes);
    homes = homes == null ? Homes.DEFAULT : homes;
    if (namedServerLimit < 0) throw new IllegalArgumentException("GPUHUB_NAMED_SERVER_LIMIT must be 0 or more");
    if (portMin > portMax) throw new IllegalArgumentException("GPUHUB_SERVER_PORT_MIN must not exceed GPUHUB_SERVER_PORT_MAX");
    try {
      command = new StartCommand(command).command();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GPUHUB_NOTEBOOK_COMMAND " + e.getMessage(), e);
    }
  }

  public static SpawnerConfig fromEnv(Map<String, String> env) {
    EnvReader r = new EnvReader(env);
    return new SpawnerConfig(
        r.string("GPUHUB_CPU_IMAGE", DEFAULT_IMAGE),
        r.string("GPUHUB_GPU_IMAGE", DEFAULT_IMAGE),
        r.string("GPUHUB_NOTEBOOK_COMMAND", DEFAULT_COMMAND),
        Duration.ofSeconds(r.integer("GPUHUB_START_TIMEOUT_SECONDS", DEFAULT_START_TIMEOUT_SECONDS, 5, 3600)),
        r.integer("GPUHUB_SERVER_PORT_MIN", 20000, 1024, 65535),
        r.integer("GPUHUB_SERVER_PORT_MAX", 29999, 1024, 65535),
        Duration.ofSeconds(r.integer("GPUHUB_IDLE_TIMEOUT_SECONDS", DEFAULT_IDLE_TIMEOUT_SECONDS, 1, 30 * 86_400)),
        Duration.ofSeconds(r.integer("GPUHUB_CULL_INTERVAL_SECONDS", 60, 1, 86_400)),
        Duration.ofSeconds(r.integer("GPUHUB_KERNEL_IDLE_SECONDS", DEFAULT_KERNEL_IDLE_SECONDS, 1, 30 * 86_400)),
        Duration.ofSeconds(r.integer("GPUHUB_KERNEL_CULL_INTERVAL_SECONDS", DEFAULT_KERNEL_CULL_INTERVAL_SECONDS, 1, 86_400)),
        WorkerMode.parse(env.get("GPUHUB_WORKER_PROFILES")), Homes.fromEnv(env),
        r.integer("GPUHUB_NAMED_SERVER_LIMIT", DEFAULT_NAMED_SERVER_LIMIT, 0, 100));
  }

  /**
   * The command for one server, split into arguments after the placeholders are filled;
   * {@code jupyterhub-singleuser} in single-user mode (its port comes from {@code JUPYTERHUB_SERVICE_URL}).
   */
  public List<String> commandFor(int port, dev.gpuhub.core.hub.ServerId server, String token) {
    return start().commandFor(port, server, token);
  }

  /** The kernel host's command with {@code {base_url}} set to {@code baseUrl} (kernel hosts of multi-node servers). */
  public List<String> commandFor(int port, String user, String token, String baseUrl) {
    return StartCommand.fill(kernelHostTemplate(), port, user, token, baseUrl);
  }
}
