package dev.gpuhub.agent.api;

import dev.gpuhub.runtime.ContainerInfo;
import dev.gpuhub.runtime.ContainerSpec;
import dev.gpuhub.runtime.InvalidContainerSpecException;
import dev.gpuhub.runtime.VolumeMount;
import dev.gpuhub.wire.InvalidPayloadException;
import dev.gpuhub.wire.node.ContainerRequest;
import dev.gpuhub.wire.node.ContainerView;
import dev.gpuhub.wire.node.NodeApiJson;

/**
 * The agent's side of the node API's wire contract ({@link NodeApiJson}): the body of
 * {@code POST /containers} into a runtime {@link ContainerSpec}, a runtime {@link ContainerInfo}
 * into the view it answers. A malformed body or a value the spec refuses is an {@link ApiException}
 * 400 naming the field.
 */
final class ContainerSpecJson {
  private ContainerSpecJson() {}

  /** The spec in {@code body}, or {@link ApiException} 400 with the offending field. */
  static ContainerSpec parse(byte[] body) {
    ContainerRequest r;
    try {
      r = NodeApiJson.readRequest(body);
    } catch (InvalidPayloadException e) {
      throw new ApiException(400, e.getMessage(), e.field());
    }
    try {
      return new ContainerSpec(r.name(), r.image(), r.command(), r.env(), r.labels(), r.cpus(), r.memoryBytes(),
          r.gpuDeviceUuids(), r.ports(), r.files(),
          r.volumes().stream().map(v -> v.path() != null ? new VolumeMount(v.path(), v.target(), v.readOnly(), true)
              : new VolumeMount(v.volume(), v.target(), v.readOnly())).toList(), r.cpuGuarantee(), r.memoryReservationBytes());
    } catch (InvalidContainerSpecException e) {
      throw ApiException.badField(e.field(), e.getMessage());
    }
  }

  /** What the node API answers for {@code info}. */
  static ContainerView view(ContainerInfo info) {
    return new ContainerView(info.id(), info.name(), info.image(), info.state(), info.exitCode(), info.startedAt(),
        info.labels());
  }
}
