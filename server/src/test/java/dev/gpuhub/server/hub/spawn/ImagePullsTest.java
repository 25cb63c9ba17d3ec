package dev.gpuhub.server.hub.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePullsTest {
  @Test
  void aNodeLacksAnImageOnlyWhenItListsItsImagesWithoutIt() {
    List<String> images = List.of("gpuhub-notebook:latest", "registry.lab:5000/team/pytorch:2.1");
    assertThat(ImagePulls.lacks(images, "gpuhub-notebook")).as("no tag means :latest").isFalse();
    assertThat(ImagePulls.lacks(images, "registry.lab:5000/team/pytorch:2.1")).isFalse();
    assertThat(ImagePulls.lacks(images, "registry.lab:5000/team/pytorch:2.2")).isTrue();
    assertThat(ImagePulls.lacks(images, "registry.lab:5000/team/pytorch")).as("the port is no tag").isTrue();
    assertThat(ImagePulls.lacks(List.of(), "anything:1")).as("a node without images").isTrue();
    assertThat(ImagePulls.lacks(null, "anything:1")).as("a node that did not report images is trusted").isFalse();
    assertThat(ImagePulls.lacks(Collections.nCopies(500, "x:1"), "y:1")).as("a full list may have left it out").isFalse();
    assertThat(ImagePulls.withTag("registry.lab:5000/pytorch")).isEqualTo("registry.lab:5000/pytorch:latest");
    assertThat(ImagePulls.namesRegistry("registry.lab:5000/team/pytorch:2.1")).isTrue();
    assertThat(ImagePulls.namesRegistry("127.0.0.1:5000/notebook")).isTrue();
    assertThat(ImagePulls.namesRegistry("localhost/notebook")).isTrue();
    assertThat(ImagePulls.namesRegistry("jupyter/scipy-notebook:2024")).as("Docker Hub: never pulled").isFalse();
    assertThat(ImagePulls.namesRegistry("gpuhub-notebook:latest")).isFalse();
    assertThat(ImagePulls.withTag("pytorch@sha256:ab")).isEqualTo("pytorch@sha256:ab");
  }
}
