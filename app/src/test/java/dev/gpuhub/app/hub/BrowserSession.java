package dev.gpuhub.app.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;

/**
 * One real headless Chromium (Debian's {@code chromium} driven through Debian's
 * {@code chromium-driver}) with a fresh profile, pointed at one hub. Selenium Manager is never
 * consulted: the driver executable and the browser binary are given, and the browser resolves no
 * host name and uses no proxy, so it can reach nothing but 127.0.0.1 and the hub's own address.
 *
 * <p>Waits fail with an {@link AssertionError} that says what was awaited, the current URL, the
 * title and the start of the page's text; {@link #saveFailureArtifacts} keeps a screenshot and the
 * page source.
 */
final class BrowserSession implements AutoCloseable {
  /** Debian's chromium: the real binary behind the /usr/bin/chromium launcher script, when present. */
  static final Path CHROMIUM = Path.of(System.getProperty("gpuhub.chromium",
      Files.isExecutable(Path.of("/usr/lib/chromium/chromium")) ? "/usr/lib/chromium/chromium" : "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("gpuhub.chromedriver", "/usr/bin/chromedriver"));
  static final Duration POLL = Duration.ofMillis(100);
  /**
   * Selenium warns at every start that it has no CDP bindings for this Chromium; the test uses
   * WebDriver only, so those warnings are noise (held here so the settings are not collected).
   */
  private static final List<Logger> QUIET = List.of(Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
      Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

  static {
    QUIET.forEach(l -> l.setLevel(Level.SEVERE));
  }

  final String name;
  final String base;
  final Path artifacts;
  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final List<String> console = new ArrayList<>();

  private BrowserSession(String name, String base, Path artifacts, ChromeDriverService service, ChromeDriver driver) {
    this.name = name;
    this.base = base;
    this.artifacts = artifacts;
    this.service = service;
    this.driver = driver;
  }

  /** Starts a browser with a new profile under {@code profileParent}; screenshots and logs go to {@code artifacts}. */
  static BrowserSession open(String name, String baseUrl, Path artifacts, Path profileParent) {
    return open(name, baseUrl, artifacts, profileParent, null, null);
  }

  /**
   * The same, resolving {@code domain} and every name below it (a hub with per-user subdomains) to
   * {@code ip}; null for none. Every other name still resolves to nothing.
   */
  static BrowserSession open(String name, String baseUrl, Path artifacts, Path profileParent, String domain, String ip) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new AssertionError("this test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
          + "): scripts/test.sh installs them, or apt-get install chromium chromium-driver");
    }
    try {
      Files.createDirectories(artifacts);
      Path profile = Files.createTempDirectory(profileParent, "chromium-" + name + "-");
      String hubHost = java.net.URI.create(baseUrl).getHost();
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile())
          .usingAnyFreePort()
          .withLogFile(artifacts.resolve("chromedriver-" + name + ".log").toFile())
          .build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-quic", "--no-default-browser-check", "--disable-default-apps", "--disable-extensions",
          "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--metrics-recording-only",
          "--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication",
          "--password-store=basic", "--no-proxy-server", "--host-resolver-rules=" + (domain == null ? "" : "MAP " + domain + " " + ip + " , MAP *." + domain + " " + ip + " , ")
              + "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" + (domain == null ? " , EXCLUDE " + hubHost : ""),
          "--window-size=1280,1000", "--user-data-dir=" + profile);
      options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
      return new BrowserSession(name, baseUrl, artifacts, service, driver);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens {@code path} (like "/hub/spawn") on the hub. */
  void go(String path) {
    driver.get(base + path);
  }

  /** The path of the current URL (no query); "" for URLs without one, like about:blank. */
  String path() {
    String path = URI.create(driver.getCurrentUrl()).getPath();
    return path == null ? "" : path;
  }

  /** The first element matching {@code by} now, or null. */
  WebElement maybe(By by) {
    List<WebElement> found = driver.findElements(by);
    return found.isEmpty() ? null : found.get(0);
  }

  /** Waits for an element matching {@code by} (at most {@code timeout}). */
  WebElement await(By by, Duration timeout) {
    return await("an element " + by, timeout, () -> maybe(by));
  }

  /**
   * Polls {@code condition} until it gives something other than null or false; page changes while
   * polling (stale or missing elements) count as "not yet".
   */
  <T> T await(String what, Duration timeout, Supplier<T> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException lastError = null;
    while (true) {
      try {
        T value = condition.get();
        if (value != null && !Boolean.FALSE.equals(value)) return value;
      } catch (WebDriverException e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError failure = new AssertionError("[" + name + "] waited " + timeout.toSeconds() + " s for " + what
            + " in vain; " + describe() + (lastError == null ? "" : "\nlast error: " + firstLine(lastError.getMessage())));
        if (lastError != null) failure.addSuppressed(lastError);
        throw failure;
      }
      HubFixture.sleep(POLL.toMillis());
    }
  }

  /** Fills a text input found by id. */
  void type(String id, String text) {
    WebElement input = await(By.id(id), Duration.ofSeconds(10));
    input.clear();
    input.sendKeys(text);
  }

  /** Current URL, title and the start of the visible text, for assertion messages. */
  String describe() {
    String url;
    String title;
    String text;
    String source;
    try {
      url = driver.getCurrentUrl();
      title = driver.getTitle();
      WebElement body = maybe(By.tagName("body"));
      text = body == null ? "" : body.getText();
      source = driver.getPageSource();
    } catch (WebDriverException e) {
      return "the browser did not answer: " + firstLine(e.getMessage());
    }
    return "URL " + url + ", title \"" + title + "\"\npage text: " + cut(text, 1500) + "\npage source: " + cut(source, 2000);
  }

  /** Saves a PNG of the viewport as {@code artifacts/<step>.png}. */
  Path screenshot(String step) {
    Path file = artifacts.resolve(step + ".png");
    try {
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** After a failure: screenshot and page source named after {@code label}; never throws. */
  void saveFailureArtifacts(String label) {
    try {
      screenshot("FAILED-" + label + "-" + name);
    } catch (RuntimeException ignored) {
      // the browser may be gone
    }
    try {
      Files.writeString(artifacts.resolve("FAILED-" + label + "-" + name + ".html"),
          "<!-- " + driver.getCurrentUrl() + " -->\n" + driver.getPageSource(), StandardCharsets.UTF_8);
    } catch (RuntimeException | IOException ignored) {
      // the browser may be gone
    }
  }

  /**
   * The browser console's warnings and errors since the last call, each prefixed with the page's
   * path, also kept for {@link #consoleLog}.
   */
  List<String> drainConsole() {
    List<String> out = new ArrayList<>();
    try {
      String where = path();
      for (LogEntry e : driver.manage().logs().get("browser")) {
        if (e.getLevel().intValue() >= Level.WARNING.intValue()) out.add("[" + name + " " + where + "] " + e.getLevel() + " " + e.getMessage());
      }
    } catch (WebDriverException | UnsupportedOperationException e) {
      out.add("[" + name + "] the browser log could not be read: " + firstLine(e.getMessage()));
    }
    console.addAll(out);
    return out;
  }

  /** Every console warning and error collected by {@link #drainConsole}. */
  List<String> consoleLog() {
    return List.copyOf(console);
  }

  static String cut(String s, int max) {
    if (s == null) return "";
    String flat = s.replaceAll("\\s+", " ").strip();
    return flat.length() <= max ? flat : flat.substring(0, max) + " ...(" + (flat.length() - max) + " more chars)";
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
