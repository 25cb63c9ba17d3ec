package dev.gpuhub.server.hub.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** User name and password rules, and the header and redirect parsing around them. */
class CredentialsTest {

  @Test
  void namesAreTrimmedAndLowerCased() {
    assertThat(Credentials.username("  Alice.B_c-9 ")).isEqualTo("alice.b_c-9");
    assertThat(Credentials.username("0" + "a".repeat(31))).hasSize(32);
  }

  @Test
  void badNamesAreRefusedNamingTheRule() {
    for (String bad : new String[] {"", "   ", "-alice", ".x", "a b", "al/ice", "a".repeat(33), "élodie", "a<b"}) {
      assertThatThrownBy(() -> Credentials.username(bad)).as(bad)
          .isInstanceOf(InvalidCredentialsException.class)
          .hasMessageContaining("1 to 32 characters");
    }
    assertThatThrownBy(() -> Credentials.username(null)).hasMessageStartingWith("user name is missing");
    assertThatThrownBy(() -> Credentials.username("x y".repeat(30)))
        .hasMessageContaining("...").message().hasSizeLessThan(200);
  }

  @Test
  void passwordsNeedEightCharactersAndAMatchingConfirmation() {
    assertThatThrownBy(() -> Credentials.checkNewPassword("seven77", "seven77"))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessage("password is too short (7 characters): choose one of at least 8 characters");
    assertThatThrownBy(() -> Credentials.checkNewPassword(null, null)).hasMessageContaining("(0 characters)");
    assertThatThrownBy(() -> Credentials.checkNewPassword("x".repeat(1025), null)).hasMessageContaining("too long");
    assertThatThrownBy(() -> Credentials.checkNewPassword("eight888", "eight889"))
        .hasMessageContaining("type the same password in both fields");
    assertThatCode(() -> Credentials.checkNewPassword("eight888", "eight888")).doesNotThrowAnyException();
    assertThatCode(() -> Credentials.checkNewPassword("eight888", null)).doesNotThrowAnyException();
    // characters, not UTF-16 units or bytes
    assertThatThrownBy(() -> Credentials.checkNewPassword("🔑🔑🔑🔑🔑🔑🔑", null)).hasMessageContaining("(7 characters)");
  }

  @Test
  void authorizationHeadersOfBothSchemesCarryTokens() {
    assertThat(ApiTokens.fromAuthorization("token abc")).contains("abc");
    assertThat(ApiTokens.fromAuthorization("Token  abc ")).contains("abc");
    assertThat(ApiTokens.fromAuthorization("Bearer abc")).contains("abc");
    assertThat(ApiTokens.fromAuthorization("Basic YTpi")).isEmpty();
    assertThat(ApiTokens.fromAuthorization("token")).isEmpty();
    assertThat(ApiTokens.fromAuthorization(null)).isEmpty();
    assertThat(ApiTokens.fromAuthorization("token " + "x".repeat(300))).isEmpty();
    assertThat(ApiTokens.generate()).hasSize(64).isNotEqualTo(ApiTokens.generate());
    assertThat(ApiTokens.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void onlyLocalPathsAreFollowedAfterLogin() {
    assertThat(AuthRoutes.safeNext("/user/alice/lab?x=1")).isEqualTo("/user/alice/lab?x=1");
    assertThat(AuthRoutes.safeNext(null)).isEqualTo(AuthRoutes.HOME);
    assertThat(AuthRoutes.safeNext("https://evil.example")).isEqualTo(AuthRoutes.HOME);
    assertThat(AuthRoutes.safeNext("//evil.example")).isEqualTo(AuthRoutes.HOME);
    assertThat(AuthRoutes.safeNext("/\\evil.example")).isEqualTo(AuthRoutes.HOME);
    assertThat(AuthRoutes.safeNext("/hub/home\r\nSet-Cookie: x=y")).isEqualTo(AuthRoutes.HOME);
  }

  @Test
  void htmlEscapingCoversTextAndAttributes() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    assertThat(Html.escape(null)).isEmpty();
  }
}
