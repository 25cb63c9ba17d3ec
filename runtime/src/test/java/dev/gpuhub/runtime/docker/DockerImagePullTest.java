package dev.gpuhub.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DockerImagePullTest {
  @Test
  void aReferenceSplitsIntoRepositoryAndTag() {
    assertThat(DockerImagePull.split("registry.lab:5000/team/pytorch:2.1")).containsExactly("registry.lab:5000/team/pytorch", "2.1");
    assertThat(DockerImagePull.split("registry.lab:5000/team/pytorch")).containsExactly("registry.lab:5000/team/pytorch", "latest");
    assertThat(DockerImagePull.split("notebook")).containsExactly("notebook", "latest");
    assertThat(DockerImagePull.split("notebook@sha256:ab")).containsExactly("notebook@sha256:ab", null);
  }
}
