package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Per-user subdomains in a real browser against a real notebook server: the hub at hub.test, a
 * student's server at sam.hub.test (Chromium resolves both names to the hub's address, as wildcard
 * DNS would). The student's browser reaches the server through the one-time code exchange, runs
 * code in a kernel over the subdomain's own session (HTTP and WebSocket), and never holds the hub's
 * session cookie there; an admin gets there only through the confirmation step.
 */
class HubSubdomainBrowserIT {
  static final Duration PAGE = Duration.ofSeconds(20);
  static final String DOMAIN = "hub.test";

  @TempDir static Path dir;
  static HubFixture hub;
  static int port;

  @BeforeAll
  static void start() {
    port = dev.gpuhub.testkit.FreePorts.pick();
    hub = new HubFixture(dir.resolve("hub"), Map.of("HUB_PORT", Integer.toString(port),
        "GPUHUB_SUBDOMAIN_HOST", "http://" + DOMAIN + ":" + port,
        // jupyterhub-singleuser: the browser reaches the server through the hub's session exchange,
        // then the server's own OAuth with the hub (JUPYTERHUB_HOST, a callback on the subdomain)
        "GPUHUB_NOTEBOOK_COMMAND", "singleuser"));
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
  }

  @Test
  void aStudentsServerRunsOnItsOwnSubdomainAndAnAdminReachesItOnlyByTheConfirmation() throws Exception {
    hub.userWithServer("sam");
    String hubBase = "http://" + DOMAIN + ":" + port;
    String samOrigin = "http://sam." + DOMAIN + ":" + port;
    Path shots = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "screenshots-subdomains"));
    Path profiles = Files.createDirectories(dir.resolve("profiles"));
    try (BrowserSession sam = BrowserSession.open("sam", hubBase, shots, profiles, DOMAIN, hub.nodeIp);
         BrowserSession admin = BrowserSession.open("admin", hubBase, shots, profiles, DOMAIN, hub.nodeIp)) {
      logIn(sam, "sam", "sam-password-1");
      // the hub's link to the server: redirected to the subdomain, through the hub's code exchange
      sam.go("/user/sam/tree");
      sam.await("sam's server on its own subdomain", PAGE, () -> sam.driver.getCurrentUrl().startsWith(samOrigin + "/user/sam/")
          && sam.maybe(By.cssSelector("body")) != null && "complete".equals(js(sam).executeScript("return document.readyState")));
      sam.screenshot("sub-01-sam-tree-on-subdomain");
      Set<String> cookies = sam.driver.manage().getCookies().stream().map(Cookie::getName).collect(Collectors.toSet());
      assertThat(cookies).as("cookies the browser holds for " + samOrigin).contains("gpuhub-server-session",
          "jupyterhub-user-sam").doesNotContain("gpuhub-session");

      // a kernel started and run from the subdomain's page: HTTP and WebSocket with its session
      Object printed = js(sam).executeAsyncScript(RUN_IN_A_KERNEL, "print(6*7)");
      assertThat(printed).as("what the kernel printed").isEqualTo("42\n");

      // an admin following the same link is asked first, then lands on the subdomain
      admin.go("/hub/signup");
      admin.type("username", "admin");
      admin.type("password", "admin-password-1");
      admin.type("password_confirmation", "admin-password-1");
      admin.type("admin_secret", hub.adminSecret());
      admin.driver.findElement(By.cssSelector("form button[type=submit]")).click();
      admin.await("the admin's home", PAGE, () -> admin.path().equals("/hub/home"));
      admin.go("/user/sam/tree");
      admin.await(By.id("open-server"), PAGE);
      assertThat(URI.create(admin.driver.getCurrentUrl()).getHost()).isEqualTo(DOMAIN);
      assertThat(admin.path()).isEqualTo("/hub/admin/access/sam");
      admin.screenshot("sub-02-admin-asked");
      admin.driver.findElement(By.id("open-server")).click();
      admin.await("sam's server for the admin", PAGE, () -> admin.driver.getCurrentUrl().startsWith(samOrigin + "/user/sam/"));
      admin.screenshot("sub-03-admin-on-sams-subdomain");
    }
  }

  private static void logIn(BrowserSession b, String user, String password) {
    b.go("/hub/login");
    b.type("username", user);
    b.type("password", password);
    b.driver.findElement(By.cssSelector("form button[type=submit]")).click();
    b.await("the home page of " + user, PAGE, () -> b.path().equals("/hub/home"));
  }

  private static JavascriptExecutor js(BrowserSession b) {
    return (JavascriptExecutor) b.driver;
  }

  /** Starts a kernel through the page's origin, runs arguments[0] over its channels, calls back with stdout. */
  private static final String RUN_IN_A_KERNEL = """
      const code = arguments[0], done = arguments[arguments.length - 1];
      (async () => {
        const xsrf = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1] || '';
        const r = await fetch('/user/sam/api/kernels', {method: 'POST', headers: {'Content-Type': 'application/json',
            'X-XSRFToken': decodeURIComponent(xsrf)}, body: '{}'});
        if (!r.ok) { done('kernel start: ' + r.status); return; }
        const kernel = await r.json();
        const ws = new WebSocket(location.origin.replace('http', 'ws') + '/user/sam/api/kernels/' + kernel.id + '/channels');
        const id = 'run-' + Date.now();
        let out = '';
        ws.onerror = () => done('websocket error');
        ws.onopen = () => ws.send(JSON.stringify({header: {msg_id: id, username: 'sam', session: id, msg_type: 'execute_request',
            version: '5.3'}, parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
            content: {code: code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false}}));
        ws.onmessage = e => {
          const m = JSON.parse(e.data);
          if (m.parent_header.msg_id !== id) return;
          const type = m.msg_type || m.header.msg_type;
          if (type === 'stream') out += m.content.text;
          if (type === 'error') { done('error: ' + m.content.ename); ws.close(); }
          if (type === 'status' && m.content.execution_state === 'idle' && out) { done(out); ws.close(); }
        };
      })().catch(e => done('failed: ' + e));
      """;
}
