package dev.gpuhub.server.hub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/**
 * Where a workload's {@code Set-Cookie} may land, read as a browser reads it (RFC 6265 section 5.2:
 * one cookie per header, attribute names case-insensitive, the last Path wins).
 */
class HubCredentialsTest {
  static final String PREFIX = "/user/alice";

  private static String filtered(String setCookie) {
    HttpField out = HubCredentials.filterResponse(new HttpField(HttpHeader.SET_COOKIE, setCookie), PREFIX);
    return out == null ? null : out.getValue();
  }

  @Test
  void cookiesWithinThePrefixPassUnchanged() {
    for (String c : new String[] {"_xsrf=2|abc|def|1733; expires=Sat, 04 Jan 2027 10:00:00 GMT; Path=/user/alice/",
        "a=1; Path=/user/alice", "b=2", "c=\"quoted; value\"; Path=/user/alice/lab", "d=; HttpOnly; SameSite=Lax; path=/user/alice/"}) {
      assertThat(filtered(c)).as(c).isEqualTo(c);
    }
  }

  @Test
  void theLastPathIsTheOneABrowserKeeps() {
    // a browser stores this cookie for "/": it would reach the hub and every other user's server
    String twoPaths = "x=1; Path=/user/alice/; Path=/";
    assertThat(HubCredentials.cookieAllowed(twoPaths, PREFIX)).isFalse();
    assertThat(filtered(twoPaths)).isEqualTo("x=1; Path=/user/alice/");
    assertThat(HubCredentials.cookieAllowed("x=1; Path=/; PATH=/user/alice/", PREFIX)).as("each Path is checked").isFalse();
  }

  @Test
  void pathsOutsideThePrefixAreRescoped() {
    assertThat(filtered("root=5; Path=/")).isEqualTo("root=5; Path=/user/alice/");
    assertThat(filtered("hub=1; pAtH = /hub/; Secure")).isEqualTo("hub=1; Path=/user/alice/; Secure");
    assertThat(filtered("sib=1; Path=/user/alice2/")).isEqualTo("sib=1; Path=/user/alice/");
    assertThat(filtered("dots=1; Path=/user/alice/../../hub/")).isEqualTo("dots=1; Path=/user/alice/");
    assertThat(filtered("empty=1; Path=")).isEqualTo("empty=1; Path=/user/alice/");
  }

  @Test
  void theHubsSessionsADomainAndUnreadableCookiesAreDropped() {
    for (String c : new String[] {"gpuhub-session=stolen; Path=/user/alice/", " GPUHUB-SESSION=x", "gpuhub-server-session=x",
        "w=1; Path=/user/alice/; Domain=example.org", "w=1; domain=", "gpuhub-session", "=novalue; Path=/user/alice/",
        "bad name=1", "semi;colon=1", ""}) {
      assertThat(filtered(c)).as("[" + c + "]").isNull();
    }
  }

  @Test
  void otherHeadersPass() {
    HttpField type = new HttpField(HttpHeader.CONTENT_TYPE, "text/html");
    assertThat(HubCredentials.filterResponse(type, PREFIX)).isSameAs(type);
    assertThat(HubCredentials.filterResponse(null, PREFIX)).isNull();
  }
}
