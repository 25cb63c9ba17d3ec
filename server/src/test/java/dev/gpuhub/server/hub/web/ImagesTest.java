package dev.gpuhub.server.hub.web;

import static dev.gpuhub.server.hub.EmbeddedHub.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gpuhub.server.hub.EmbeddedHubTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Images declared by admins, per profile and group: what each user is offered, and what is refused and why. */
class ImagesTest extends EmbeddedHubTest {
  @BeforeEach
  void start() {
    assertThat(h.hub("POST", "/hub/api/groups/gpu-users", root, "{\"users\": [\"alice\"]}").statusCode()).isEqualTo(201);
  }

  @Test
  void withoutDeclaredImagesTheConfiguredOnesAreOfferedAndNoOther() {
    assertThat(h.hub("GET", "/hub/spawn", bob, null).body()).contains("<option value=\"gpuhub-notebook:latest\"");
    HttpResponse<String> other = h.hub("POST", "/hub/api/users/bob/server", bob, "{\"profile\": \"single-cpu\", \"image\": \"evil:1\"}");
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(json(other).path("error").asText()).isEqualTo("image 'evil:1' is not offered with profile 'single-cpu';"
        + " choose gpuhub-notebook:latest");
  }

  @Test
  void declaredImagesAreOfferedPerProfileAndGroupAndTheRestIsRefusedWithTheReason() {
    for (String[] bad : new String[][] {
        {"{\"reference\": \"Bad Ref\"}", "reference"},
        {"{\"reference\": \"lab/x:1\", \"profiles\": [\"no-such\"]}", "profiles"},
        {"{\"reference\": \"lab/x:1\", \"groups\": [\"no-such\"]}", "groups"},
        {"{\"reference\": \"lab/x:1\", \"colour\": \"red\"}", "colour"},
        {"{\"reference\": \"lab/x:1\", \"start\": \"jupyter lab --port={port}\"}", "start must be 'singleuser'"}}) {
      HttpResponse<String> r = h.hub("POST", "/hub/api/images", root, bad[0]);
      assertThat(r.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(json(r).path("error").asText()).as(bad[0]).contains(bad[1]);
    }
    assertThat(json(h.hub("GET", "/hub/api/images", root, null)).size()).as("nothing stored").isZero();
    assertThat(h.hub("POST", "/hub/api/images", bob, "{\"reference\": \"lab/x:1\"}").statusCode()).isEqualTo(403);

    assertThat(h.hub("POST", "/hub/api/images", root,
        "{\"reference\": \"lab/pytorch:2.3\", \"display_name\": \"PyTorch 2.3\", \"profiles\": [\"single-cpu\"]}").statusCode())
        .isEqualTo(201);
    assertThat(h.hub("POST", "/hub/api/images", root,
        "{\"reference\": \"lab/cuda:12.4\", \"display_name\": \"CUDA 12.4\", \"groups\": [\"gpu-users\"],"
            + " \"start\": \" jupyter lab --port={port} --ServerApp.base_url={base_url} \"}").statusCode())
        .isEqualTo(201);
    assertThat(json(h.hub("GET", "/hub/api/images", root, null)).findValuesAsText("start"))
        .containsExactly("jupyter lab --port={port} --ServerApp.base_url={base_url}", "null");
    assertThat(h.hub("POST", "/hub/api/images", root, "{\"reference\": \"lab/cuda:12.4\"}").statusCode()).isEqualTo(409);

    String bobsForm = h.hub("GET", "/hub/spawn", bob, null).body();
    assertThat(bobsForm).contains("PyTorch 2.3 (lab/pytorch:2.3)").doesNotContain("lab/cuda:12.4", "gpuhub-notebook:latest");
    assertThat(h.hub("GET", "/hub/spawn", alice, null).body()).contains("PyTorch 2.3", "CUDA 12.4 (lab/cuda:12.4)");

    HttpResponse<String> notMember = h.hub("POST", "/hub/api/users/bob/server", bob, "{\"image\": \"lab/cuda:12.4\"}");
    assertThat(notMember.statusCode()).isEqualTo(403);
    assertThat(json(notMember).path("error").asText())
        .isEqualTo("image 'lab/cuda:12.4' is for the members of gpu-users; bob is in none of them (an administrator can add you)");
    HttpResponse<String> gone = h.hub("POST", "/hub/api/users/bob/server", bob, "{\"image\": \"gpuhub-notebook:latest\"}");
    assertThat(gone.statusCode()).isEqualTo(400);
    assertThat(json(gone).path("error").asText()).contains("is not offered with profile 'single-cpu'; choose lab/pytorch:2.3");
    HttpResponse<String> byDefault = h.hub("POST", "/hub/api/users/bob/server", bob, "{}");
    assertThat(byDefault.statusCode()).as(byDefault.body()).isEqualTo(202);
    assertThat(json(byDefault).path("image").asText()).isEqualTo("lab/pytorch:2.3");

    assertThat(h.hub("DELETE", "/hub/api/images/lab/cuda:12.4", root, null).statusCode()).isEqualTo(204);
    assertThat(h.hub("DELETE", "/hub/api/images/lab/cuda:12.4", root, null).statusCode()).isEqualTo(404);
    assertThat(h.hub("GET", "/hub/admin", root, null).body()).contains("id=\"image-form\"", "PyTorch 2.3");
  }
}
