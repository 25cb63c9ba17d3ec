package dev.gpuhub.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.gpuhub.runtime.ContainerRuntime;
import dev.gpuhub.runtime.ContainerStartException;
import dev.gpuhub.runtime.RuntimeUnavailableException;
import dev.gpuhub.runtime.StoredVolume;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gpuhub's named volumes (users' homes) on one Docker daemon: created with gpuhub's label, listed
 * with their sizes, exported and imported as tar streams, removed on request. Only volumes carrying
 * the label are ever read, written or removed. Export and import go through Docker's archive API on
 * a helper container that is created, never started, with the volume at {@code /data} and no network:
 * it works wherever the daemon is, and keeps owners and modes. The helper's image is an empty one
 * loaded on first use ({@value #HELPER_IMAGE}, {@link HelperImage}), so no registry is needed.
 */
final class DockerVolumes {
  /** The empty image helper containers are made from. */
  static final String HELPER_IMAGE = "gpuhub/volume-helper:1";
  /** Label on helper containers, so a leftover one can be told apart. */
  static final String HELPER_LABEL = "gpuhub.volume-helper";
  private static final Logger LOG = LoggerFactory.getLogger(DockerVolumes.class);

  private final DockerClient docker;
  private final Function<RuntimeException, RuntimeUnavailableException> unavailable;
  private volatile boolean helperImageReady;

  DockerVolumes(DockerClient docker, Function<RuntimeException, RuntimeUnavailableException> unavailable) {
    this.docker = docker;
    this.unavailable = unavailable;
  }

  List<StoredVolume> list() {
    List<InspectVolumeResponse> found;
    try {
      var listed = docker.listVolumesCmd().withFilter("label", List.of(DockerMapping.MANAGED_LABEL + "=true")).exec();
      found = listed.getVolumes() == null ? List.of() : listed.getVolumes();
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    }
    return found.stream().map(v -> measure(v.getName(), v.getMountpoint())).toList();
  }

  /** One of gpuhub's volumes with its size; empty when there is none of that name (or it is not gpuhub's). */
  java.util.Optional<StoredVolume> one(String name) {
    try {
      var v = docker.inspectVolumeCmd(name).exec();
      if (v.getLabels() == null || !"true".equals(v.getLabels().get(DockerMapping.MANAGED_LABEL))) return java.util.Optional.empty();
      return java.util.Optional.of(measure(v.getName(), v.getMountpoint()));
    } catch (NotFoundException e) {
      return java.util.Optional.empty();
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    }
  }

  /** Bytes and newest change under a volume's directory, when this process can read it (the agent runs on the node). */
  private static StoredVolume measure(String name, String mountpoint) {
    if (mountpoint == null) return new StoredVolume(name, -1, null);
    long[] bytes = {0};
    Instant[] newest = {null};
    try (var files = Files.walk(Path.of(mountpoint))) {
      files.forEach(p -> {
        try {
          var a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()) bytes[0] += a.size();
          Instant m = a.lastModifiedTime().toInstant();
          if (newest[0] == null || m.isAfter(newest[0])) newest[0] = m;
        } catch (IOException ignored) {
          // a file removed while walking
        }
      });
      return new StoredVolume(name, bytes[0], newest[0]);
    } catch (IOException | UncheckedIOException | SecurityException e) {
      return new StoredVolume(name, -1, null);
    }
  }

  /** True when the daemon has volume {@code name} and it is gpuhub's; false when it has none. */
  private boolean managed(String name) {
    try {
      var v = docker.inspectVolumeCmd(name).exec();
      if (v.getLabels() == null || !"true".equals(v.getLabels().get(DockerMapping.MANAGED_LABEL))) {
        throw new IllegalStateException("volume " + name + " exists but is not gpuhub's: gpuhub leaves it alone");
      }
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    }
  }

  boolean remove(String name) {
    try {
      if (!managed(name)) return false;
    } catch (IllegalStateException notOurs) {
      return false;
    }
    try {
      docker.removeVolumeCmd(name).exec();
      LOG.warn("removed volume {}", name);
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (ConflictException e) {
      throw new IllegalStateException("volume " + name + " is in use by a container: " + DockerMapping.daemonMessage(e), e);
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    }
  }

  /**
   * Creates the named volume, labelled as gpuhub's, unless the daemon has it. A volume is never
   * removed with a container: a user's home outlives every server.
   */
  void ensure(String name) {
    try {
      docker.inspectVolumeCmd(name).exec();
    } catch (NotFoundException missing) {
      try {
        docker.createVolumeCmd().withName(name).withLabels(DockerMapping.managedLabels()).exec();
        LOG.info("created volume {}", name);
      } catch (DockerException e) {
        throw new ContainerStartException(ContainerStartException.Reason.FAILED, "docker refused to create volume '"
            + name + "': " + DockerMapping.daemonMessage(e), e);
      }
    } catch (ContainerStartException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    }
  }

  /** The volume's files as a tar stream under {@code data/}; closing it removes the helper container. */
  InputStream export(String name) {
    if (!managed(name)) throw new NoSuchElementException("no gpuhub volume '" + name + "' on this node");
    String helper = helper(name);
    try {
      InputStream tar = docker.copyArchiveFromContainerCmd(helper, "/" + ContainerRuntime.VOLUME_ARCHIVE_ROOT).exec();
      return new FilterInputStream(tar) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            removeHelper(helper);
          }
        }
      };
    } catch (RuntimeException e) {
      removeHelper(helper);
      throw unavailable.apply(e);
    }
  }

  /** Writes the archive's files into the volume, creating it (labelled) when missing. */
  void importInto(String name, InputStream tar) {
    if (!managed(name)) ensure(name);
    String helper = helper(name);
    try {
      docker.copyArchiveToContainerCmd(helper).withRemotePath("/").withTarInputStream(tar).exec();
      LOG.info("wrote an archive into volume {}", name);
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    } finally {
      removeHelper(helper);
    }
  }

  /** A created, never started container holding the volume at /data, without network. */
  private String helper(String volume) {
    ensureHelperImage();
    try {
      return docker.createContainerCmd(HELPER_IMAGE)
          .withName("gpuhub-volume-" + UUID.randomUUID().toString().substring(0, 8))
          .withCmd("/gpuhub-volume-helper-never-runs")
          .withLabels(Map.of(HELPER_LABEL, volume))
          .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")
              .withBinds(new Bind(volume, new Volume("/" + ContainerRuntime.VOLUME_ARCHIVE_ROOT))))
          .exec().getId();
    } catch (RuntimeException e) {
      throw unavailable.apply(e);
    }
  }

  private void removeHelper(String id) {
    try {
      docker.removeContainerCmd(id).withForce(true).exec();
    } catch (NotFoundException gone) {
      // already removed
    } catch (RuntimeException e) {
      LOG.warn("could not remove volume helper container {}: {}", id, e.getMessage());
    }
  }

  /** Loads the helper's image (one empty directory, {@code /data}) unless the daemon has it. */
  private void ensureHelperImage() {
    if (helperImageReady) return;
    synchronized (this) {
      if (helperImageReady) return;
      try {
        docker.inspectImageCmd(HELPER_IMAGE).exec();
      } catch (NotFoundException missing) {
        try {
          docker.loadImageCmd(new ByteArrayInputStream(HelperImage.archive(HELPER_IMAGE,
              ContainerRuntime.VOLUME_ARCHIVE_ROOT))).exec();
          LOG.info("loaded the volume helper image {}", HELPER_IMAGE);
        } catch (RuntimeException e) {
          throw unavailable.apply(e);
        }
      } catch (RuntimeException e) {
        throw unavailable.apply(e);
      }
      helperImageReady = true;
    }
  }
}
