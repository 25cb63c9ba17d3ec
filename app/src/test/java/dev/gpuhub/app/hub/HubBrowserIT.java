package dev.gpuhub.app.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The main path in a real browser (headless Debian chromium through chromium-driver) against a real
 * installation ({@link HubFixture}: real dockerd, real notebook image): a student signs up, logs
 * out and in again, picks the single-cpu profile card on the options form (the live node table
 * shows the node, marked primary), starts, follows the pending page into the Jupyter Notebook UI
 * served through the hub's proxy and runs {@code print(6*7)} in a new notebook; an admin in a
 * second browser sees the running server on {@code /hub/admin}; the student stops it from
 * {@code /hub/home} and the container is gone.
 *
 * <p>Screenshots of every step go to {@code app/target/screenshots/} (numbered in order), with the
 * chromedriver logs and the browsers' console warnings ({@code console.log}); a failing step adds
 * {@code FAILED-*} screenshots and page sources there.
 */
class HubBrowserIT {
  static final String STUDENT = "bstudent";
  static final String PASSWORD = "correct horse battery";
  static final Duration PAGE = Duration.ofSeconds(15);
  static final Duration SPAWN = Duration.ofSeconds(90);

  @TempDir static Path dir;
  static HubFixture hub;
  static Path shots;
  final List<BrowserSession> browsers = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    shots = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    Files.createDirectories(shots);
    try (Stream<Path> old = Files.list(shots)) {
      for (Path p : (Iterable<Path>) old::iterator) Files.deleteIfExists(p);
    }
    // the default command: jupyterhub-singleuser, which lets the browser in by JupyterHub's OAuth
    hub = new HubFixture(dir.resolve("hub"), Map.of("GPUHUB_NOTEBOOK_COMMAND", "singleuser"));
  }

  @AfterAll
  static void stop() {
    if (hub != null) hub.close();
  }

  @Test
  void aStudentSpawnsAndWorksInTheNotebookUiAnAdminSeesTheServerTheStudentStopsIt() throws Exception {
    long started = System.nanoTime();
    try {
      BrowserSession student = browser(STUDENT);
      signUp(student, STUDENT, "01");
      logOutAndIn(student, "02");
      spawnFromTheOptionsForm(student, "03");
      runCodeInANewNotebook(student, "06");

      BrowserSession admin = browser("admin");
      signUp(admin, "admin", "08", hub.adminSecret());
      adminSeesTheServer(admin, "09");
      adminEditsAProfile(admin, "09b");

      stopFromHome(student, admin, "10");
    } catch (Throwable failure) {
      for (BrowserSession b : browsers) b.saveFailureArtifacts("at-failure");
      throw failure;
    } finally {
      List<String> console = new ArrayList<>();
      for (BrowserSession b : browsers) {
        b.drainConsole();
        console.addAll(b.consoleLog());
      }
      Files.writeString(shots.resolve("console.log"), String.join("\n", console) + "\n", StandardCharsets.UTF_8);
      if (!console.isEmpty()) System.out.println("HubBrowserIT: browser console warnings/errors:\n  " + String.join("\n  ", console));
      for (BrowserSession b : browsers) {
        try {
          b.close();
        } catch (RuntimeException e) {
          System.out.println("HubBrowserIT: closing " + b.name + " failed: " + e);
        }
      }
      System.out.println("HubBrowserIT: took " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms; screenshots in " + shots.toAbsolutePath());
    }
  }

  private BrowserSession browser(String name) throws IOException {
    BrowserSession b = BrowserSession.open(name, hub.hubUrl, shots, Files.createDirectories(dir.resolve("profiles")));
    browsers.add(b);
    return b;
  }

  /** Sign-up form, filled and sent; logs in by the login form when the sign-up did not log in. Ends on /hub/home. */
  private static void signUp(BrowserSession b, String user, String step) {
    signUp(b, user, step, null);
  }

  /** The same, with the administrator setup secret typed in when not null. */
  private static void signUp(BrowserSession b, String user, String step, String adminSecret) {
    b.go("/hub/signup");
    b.type("username", user);
    b.type("password", PASSWORD);
    b.type("password_confirmation", PASSWORD);
    if (adminSecret != null) b.type("admin_secret", adminSecret);
    b.screenshot(step + "-" + b.name + "-signup-form");
    b.driver.findElement(By.cssSelector("form button[type=submit]")).click();
    String after = b.await("to leave the sign-up page", PAGE, () -> b.path().equals("/hub/signup") ? null : b.path());
    if (after.equals("/hub/login")) logIn(b, user, step);
    b.await("/hub/home after the sign-up of " + user, PAGE, () -> b.path().equals("/hub/home"));
    assertThat(b.driver.findElement(By.cssSelector("header .who")).getText()).as(b.describe()).isEqualTo(user);
    b.screenshot(step + "-" + b.name + "-home-after-signup");
    b.drainConsole();
  }

  private static void logIn(BrowserSession b, String user, String step) {
    b.await(By.cssSelector("form[action^='/hub/login'] #username"), PAGE);
    b.type("username", user);
    b.type("password", PASSWORD);
    b.screenshot(step + "-" + b.name + "-login-form");
    b.driver.findElement(By.cssSelector("form button[type=submit]")).click();
  }

  /** Logout (nav link, then the confirmation's button) lands on the login page; the login form leads back to /hub/home. */
  private static void logOutAndIn(BrowserSession b, String step) {
    b.driver.findElement(By.cssSelector("header a[href='/hub/logout']")).click();
    b.await(By.cssSelector("form[action='/hub/logout'] button"), PAGE).click();
    b.await("the login page after logging out", PAGE, () -> b.path().equals("/hub/login"));
    logIn(b, STUDENT, step);
    b.await("/hub/home after logging in", PAGE, () -> b.path().equals("/hub/home"));
    assertThat(b.driver.findElement(By.cssSelector("header .who")).getText()).as(b.describe()).isEqualTo(STUDENT);
    assertThat(b.maybe(By.cssSelector("header a[href='/hub/admin']"))).as("a student has no admin link; %s", b.describe()).isNull();
    b.drainConsole();
  }

  /**
   * The options form: the single-cpu card, the node table (updated by script) showing the node as
   * primary, Start; then the pending page until the browser is in the Notebook UI at /user/<name>/.
   */
  private static void spawnFromTheOptionsForm(BrowserSession b, String step) {
    b.go("/hub/home");
    b.driver.findElement(By.id("start")).click();
    b.await("the options form", PAGE, () -> b.path().equals("/hub/spawn") ? b.maybe(By.id("spawn-form")) : null);
    WebElement radio = b.await(By.cssSelector("input[name=profile][value='single-cpu']"), PAGE);
    radio.findElement(By.xpath("./ancestor::label")).click();
    assertThat(radio.isSelected()).as("the single-cpu card is chosen after clicking it; %s", b.describe()).isTrue();

    WebElement row = b.await("a row for " + HubFixture.NODE + " marked primary in the live node table", PAGE, () -> {
      for (WebElement tr : b.driver.findElements(By.cssSelector("#nodes tbody tr"))) {
        List<WebElement> cells = tr.findElements(By.tagName("td"));
        if (cells.size() >= 3 && cells.get(1).getText().equals(HubFixture.NODE) && cells.get(0).getText().contains("primary")) return tr;
      }
      return null;
    });
    assertThat(row.getText()).as(b.describe()).contains("eligible", hub.nodeIp).doesNotContain("not eligible");
    String summary = b.await("the selection summary naming the primary node", PAGE, () -> {
      String s = b.driver.findElement(By.id("summary")).getText();
      return s.contains("primary: " + HubFixture.NODE) ? s : null;
    });
    assertThat(summary).as(b.describe()).contains("Single CPU").doesNotContain("not enough");
    assertThat(b.driver.findElement(By.id("image")).getDomProperty("value"))
        .as("the CPU image is chosen for single-cpu; %s", b.describe()).isEqualTo(hub.image);
    assertThat(b.driver.findElement(By.id("node_count")).getDomProperty("value")).as(b.describe()).isEqualTo("1");
    b.screenshot(step + "-" + b.name + "-options-form");
    b.drainConsole();

    long clicked = System.nanoTime();
    b.driver.findElement(By.id("start")).click();
    String first = b.await("the pending page or the server", PAGE, () ->
        b.path().startsWith("/hub/spawn-pending/") || b.path().startsWith("/user/") ? b.path() : null);
    if (first.startsWith("/hub/spawn-pending/")) {
      assertThat(first).isEqualTo("/hub/spawn-pending/" + STUDENT);
      b.screenshot("04-" + b.name + "-spawn-pending");
    }
    b.await("the Notebook UI at /user/" + STUDENT + "/ (#notebook_list)", SPAWN, () ->
        b.path().startsWith("/user/" + STUDENT + "/") ? b.maybe(By.id("notebook_list")) : null);
    System.out.println("HubBrowserIT: in the Notebook UI " + Duration.ofNanos(System.nanoTime() - clicked).toMillis()
        + " ms after clicking Start (" + b.driver.getCurrentUrl() + ")");
    // The list is filled by the page's script from /user/<name>/api/contents through the proxy.
    try {
      b.await("the notebook list to be loaded through the proxy", PAGE, () ->
          b.maybe(By.cssSelector("#notebook_list .list_item, #notebook_list .list_placeholder")));
    } catch (AssertionError e) {
      // Chromium drops loads under way when this machine's interfaces change (dockerd adding a
      // container's veth): only then load the page once more, as a user would
      b.drainConsole();
      if (b.consoleLog().stream().noneMatch(l -> l.contains("ERR_NETWORK_CHANGED"))) throw e;
      System.out.println("HubBrowserIT: the tree's scripts failed with ERR_NETWORK_CHANGED; reloading once");
      b.driver.navigate().refresh();
      b.await("the notebook list to be loaded through the proxy (after a reload)", PAGE, () ->
          b.maybe(By.cssSelector("#notebook_list .list_item, #notebook_list .list_placeholder")));
    }
    assertThat(b.driver.getTitle()).as(b.describe()).containsIgnoringCase("notebook");
    // jupyterhub-singleuser's default URL is /tree/ (JUPYTERHUB_DEFAULT_URL), Notebook's own /tree
    assertThat(b.path()).as(b.describe()).isIn("/user/" + STUDENT + "/tree", "/user/" + STUDENT + "/tree/");
    assertThat(b.driver.manage().getCookieNamed("jupyterhub-user-" + STUDENT))
        .as("jupyterhub-singleuser let the browser in by JupyterHub's OAuth (its own cookie); %s", b.describe()).isNotNull();
    b.screenshot("05-" + b.name + "-notebook-tree");
    b.drainConsole();
    assertThat(hub.serverContainers()).containsExactly("gpuhub-" + STUDENT);
  }

  /**
   * New > Python 3 opens a notebook in a new tab; typing print(6*7) and Shift+Enter runs it on the
   * kernel over the browser's WebSocket through the proxy; the output is 42.
   */
  private static void runCodeInANewNotebook(BrowserSession b, String step) {
    String tree = b.driver.getWindowHandle();
    Set<String> before = b.driver.getWindowHandles();
    b.driver.findElement(By.id("new-dropdown-button")).click();
    b.await(By.cssSelector("#kernel-python3 a"), PAGE).click();
    String tab = b.await("the new notebook's tab", PAGE, () -> b.driver.getWindowHandles().stream()
        .filter(h -> !before.contains(h)).findFirst().orElse(null));
    b.driver.switchTo().window(tab);
    try {
      b.await("the notebook editor at /user/" + STUDENT + "/notebooks/", Duration.ofSeconds(30), () ->
          b.path().startsWith("/user/" + STUDENT + "/notebooks/") ? b.maybe(By.cssSelector(".cell .CodeMirror")) : null);
      b.await("the kernel to be idle (kernel indicator)", Duration.ofSeconds(30), () ->
          b.maybe(By.cssSelector("#kernel_indicator_icon.kernel_idle_icon")));
      b.driver.findElement(By.cssSelector(".cell .CodeMirror")).click();
      new Actions(b.driver).sendKeys("print(6*7)").keyDown(Keys.SHIFT).sendKeys(Keys.ENTER).keyUp(Keys.SHIFT).perform();
      String output = b.await("the cell's output", Duration.ofSeconds(30), () -> {
        WebElement out = b.maybe(By.cssSelector(".output_area .output_subarea pre"));
        return out == null || out.getText().isBlank() ? null : out.getText();
      });
      assertThat(output.strip()).as(b.describe()).isEqualTo("42");
      b.screenshot(step + "-" + b.name + "-notebook-ran-print-6x7");
      b.drainConsole();
    } finally {
      b.driver.close();
      b.driver.switchTo().window(tree);
    }
    b.go("/user/" + STUDENT + "/tree");
    b.await("the new notebook in the list", PAGE, () -> b.driver.findElements(By.cssSelector("#notebook_list .list_item a"))
        .stream().anyMatch(a -> a.getText().endsWith(".ipynb")));
    b.screenshot("07-" + b.name + "-notebook-tree-with-notebook");
    b.drainConsole();
  }

  /** The Admin nav link; #servers has the student's running server on the node; #users and #nodes agree. */
  private static void adminSeesTheServer(BrowserSession b, String step) {
    b.await(By.cssSelector("header a[href='/hub/admin']"), PAGE).click();
    b.await("the admin page", PAGE, () -> b.path().equals("/hub/admin") ? b.maybe(By.id("servers")) : null);
    WebElement server = rowOf(b, "servers", STUDENT);
    assertThat(server).as("a row for %s in #servers; %s", STUDENT, b.describe()).isNotNull();
    List<String> cells = cells(server);
    assertThat(cells).as("#servers row %s; %s", cells, b.describe()).contains("running", HubFixture.NODE, "single-cpu");
    WebElement user = rowOf(b, "users", STUDENT);
    assertThat(user).as("a row for %s in #users; %s", STUDENT, b.describe()).isNotNull();
    assertThat(cells(user)).as(b.describe()).contains("running");
    WebElement node = rowOf(b, "nodes", HubFixture.NODE);
    assertThat(node).as("a row for %s in #nodes; %s", HubFixture.NODE, b.describe()).isNotNull();
    assertThat(cells(node)).as(b.describe()).contains("live");
    assertThat(b.maybe(By.id("stop-" + STUDENT))).as(b.describe()).isNotNull();
    WebElement home = b.await("the student's home in #homes", PAGE, () -> rowOf(b, "homes", STUDENT));
    assertThat(cells(home)).as(b.describe()).contains(HubFixture.NODE, "Delete");
    assertThat(cells(home).get(2)).as("size; %s", b.describe()).matches("\\d+\\.\\d MB");
    b.screenshot(step + "-" + b.name + "-admin-page");
    b.drainConsole();
  }

  /**
   * The admin page's profile form: a limit below its guarantee is refused with the field named and
   * nothing added; a right one adds the profile to the table; Retire (confirmed) marks it retired.
   */
  private static void adminEditsAProfile(BrowserSession b, String step) {
    b.go("/hub/admin");
    b.await(By.id("profile-form"), PAGE);
    b.type("pf-name", "burst");
    b.type("pf-display_name", "Burst");
    b.type("pf-cpu_guarantee", "2");
    b.type("pf-cpu_limit", "1");
    b.type("pf-mem_guarantee", "1");
    b.driver.findElement(By.id("profile-save")).click();
    WebElement error = b.await("the form's error", PAGE, () -> {
      WebElement e = b.maybe(By.id("profile-error"));
      return e != null && e.isDisplayed() && !e.getText().isBlank() ? e : null;
    });
    assertThat(error.getText()).as(b.describe()).contains("cpu_limit", "must be at least cpu_guarantee (2)");
    assertThat(rowOf(b, "profiles", "burst")).as("nothing added; %s", b.describe()).isNull();
    b.screenshot(step + "-" + b.name + "-profile-refused");
    b.type("pf-cpu_limit", "4");
    b.driver.findElement(By.id("profile-save")).click();
    WebElement row = b.await("the new profile's row", PAGE, () -> rowOf(b, "profiles", "burst"));
    assertThat(cells(row)).as(b.describe()).contains("Burst", "2.0 / 4.0", "1.0 / 1.0");
    b.driver.findElement(By.id("retire-burst")).click();
    b.driver.switchTo().alert().accept();
    WebElement retired = b.await("the retired row", PAGE, () -> {
      WebElement r = rowOf(b, "profiles", "burst");
      return r != null && cells(r).contains("retired") ? r : null;
    });
    assertThat(retired).isNotNull();
    assertThat(hub.plane.stores().repository().profileByName("burst")).hasValueSatisfying(p -> assertThat(p.retired()).isTrue());
    b.screenshot(step + "-" + b.name + "-profile-retired");
    b.drainConsole();
  }

  /**
   * The student's home says where the server runs; Stop server (no question asked) removes it: the
   * home page offers to start again, no server container is left, the admin page lists no server
   * and the notebook URL no longer shows the Notebook UI.
   */
  private static void stopFromHome(BrowserSession student, BrowserSession admin, String step) {
    student.go("/hub/home");
    WebElement running = student.await(By.cssSelector("main p.ok"), PAGE);
    assertThat(running.getText()).as(student.describe()).contains("Running on " + HubFixture.NODE, "single-cpu");
    WebElement usage = student.await("the home's usage", PAGE, () -> {
      WebElement p = student.maybe(By.id("home-usage"));
      return p != null && p.getText().startsWith("Your home: ") ? p : null;
    });
    assertThat(usage.getText()).as(student.describe()).matches("Your home: \\d+\\.\\d MB on " + HubFixture.NODE);
    student.screenshot(step + "-" + student.name + "-home-running");
    student.driver.findElement(By.id("stop")).click();
    student.await("the home page offering to start again after Stop", Duration.ofSeconds(60), () ->
        student.path().equals("/hub/home") ? student.maybe(By.cssSelector("a#start[href='/hub/spawn']")) : null);
    student.screenshot("11-" + student.name + "-home-stopped");
    student.drainConsole();
    List<String> left = student.await("no server container left", Duration.ofSeconds(10), () ->
        hub.serverContainers().isEmpty() ? List.<String>of() : null);
    assertThat(left).isEmpty();

    admin.driver.navigate().refresh();
    admin.await(By.id("servers"), PAGE);
    assertThat(rowOf(admin, "servers", STUDENT)).as("no server of %s on the admin page; %s", STUDENT, admin.describe()).isNull();
    admin.screenshot("12-" + admin.name + "-admin-after-stop");
    admin.drainConsole();

    student.go("/user/" + STUDENT + "/tree");
    student.await("a page to load", PAGE, () -> student.maybe(By.tagName("body")));
    assertThat(student.maybe(By.id("notebook_list"))).as("the Notebook UI is gone after Stop; %s", student.describe()).isNull();
    assertThat(student.path()).as("the stopped server's URL leads back to the hub; %s", student.describe()).startsWith("/hub/");
    System.out.println("HubBrowserIT: after Stop, /user/" + STUDENT + "/tree led to " + student.driver.getCurrentUrl());
    student.screenshot("13-" + student.name + "-notebook-url-after-stop");
    student.drainConsole();
  }

  /** The row of table #{@code table} whose first cell is {@code first}, or null. */
  private static WebElement rowOf(BrowserSession b, String table, String first) {
    for (WebElement tr : b.driver.findElements(By.cssSelector("#" + table + " tr"))) {
      List<WebElement> tds = tr.findElements(By.tagName("td"));
      if (!tds.isEmpty() && tds.get(0).getText().strip().equals(first)) return tr;
    }
    return null;
  }

  private static List<String> cells(WebElement row) {
    return row.findElements(By.tagName("td")).stream().map(td -> td.getText().strip()).toList();
  }
}
