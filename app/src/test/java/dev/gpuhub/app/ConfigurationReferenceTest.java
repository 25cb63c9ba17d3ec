package dev.gpuhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/reference/configuration.md} in step with the code, in both directions: a
 * variable the code reads but the reference does not list fails the build, and so does a variable
 * the reference lists but no code reads any more.
 *
 * <p>The reference has three checked sections; each lists one variable per table row, the name
 * in backticks in the first column:
 * <ul>
 *   <li>{@value #READ_SECTION}: every variable the shipped Java code reads: a string literal or a
 *       {@code static final String} constant passed to {@code System.getenv}, to {@code env.get} /
 *       {@code env.getOrDefault} on a map of the environment, or to {@code EnvReader}'s typed reads
 *       ({@code raw}, {@code string}, {@code secret}, {@code integer}, {@code decimal}, {@code bool},
 *       {@code choice}), and picocli's {@code ${env:NAME}} defaults;</li>
 *   <li>{@value #CONTAINER_SECTION}: every other UPPER_SNAKE string literal in the shipped code,
 *       which is a variable gpuhub puts into the environment of a container it starts (a listed
 *       name must still occur as a string literal);</li>
 *   <li>{@value #SCRIPTS_SECTION}: {@code $GPUHUB_*} and {@code $*_JAVA_OPTS} read by the
 *       {@code gpuhub} launcher and {@code scripts/*.sh}.</li>
 * </ul>
 * Shipped code is {@code <module>/src/main/java} of every module except the test harnesses and
 * benchmarks ({@link #NOT_SHIPPED_MODULES}, and any {@code bench} package). Comments are ignored.
 * The test's working directory is {@code app/}.
 */
class ConfigurationReferenceTest {
  static final String READ_SECTION = "## Variables gpuhub reads";
  static final String CONTAINER_SECTION = "## Variables gpuhub sets inside containers";
  static final String SCRIPTS_SECTION = "## Variables the launcher and scripts read";

  /** Modules whose code never runs in a user's installation. */
  static final Set<String> NOT_SHIPPED_MODULES = Set.of("testkit", "bench");
  /** UPPER_SNAKE string literals in shipped code that are not environment variables (none today). */
  static final Set<String> NOT_VARIABLES = Set.of();

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path REFERENCE = ROOT.resolve("docs/reference/configuration.md");

  private static final String NAME = "[A-Z][A-Z0-9_]*";
  /** {@code static final String NAME = "VALUE";} (either modifier order). */
  private static final Pattern CONSTANT = Pattern.compile(
      "\\b(?:static\\s+final|final\\s+static)\\s+String\\s+(" + NAME + ")\\s*=\\s*\"(" + NAME + ")\"\\s*;");
  /** An environment lookup whose first argument is a literal name or a (qualified) constant. */
  private static final Pattern LOOKUP = Pattern.compile(
      "(?:\\bgetenv|\\b(?:env|environment)\\s*\\.\\s*(?:get|getOrDefault|containsKey)"
          + "|\\.\\s*(?:raw|string|secret|integer|decimal|bool|choice))"
          + "\\s*\\(\\s*(?:\"(" + NAME + ")\"|(?:[A-Za-z_]\\w*\\s*\\.\\s*)*(" + NAME + ")\\s*[,)])");
  /** picocli's default-value interpolation of an environment variable. */
  private static final Pattern PICOCLI_ENV = Pattern.compile("\\$\\{env:(" + NAME + ")");
  /** A string literal that looks like a variable: UPPER_SNAKE with at least one underscore. */
  private static final Pattern SNAKE_LITERAL = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"");
  private static final Pattern UPPER_LITERAL = Pattern.compile("\"(" + NAME + ")\"");
  private static final Pattern SHELL_READ = Pattern.compile("\\$\\{?(GPUHUB_[A-Z0-9_]+|[A-Z][A-Z0-9_]*_JAVA_OPTS)\\b");
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`(" + NAME + ")`\\s*\\|");

  @Test
  void everyVariableTheCodeReadsIsInTheReferenceAndNoOther() {
    Sources code = Sources.shipped();
    assertThat(code.files).as("shipped Java sources under " + ROOT).hasSizeGreaterThan(100);
    Map<String, String> read = reads(code);
    // A guard against a silently broken extractor: these are read today and will stay.
    assertThat(read).containsKeys("GPUHUB_AGENT_TOKEN", "POSTGRES_HOST", "REDIS_EXPIRE_SECONDS", "HUB_PORT");
    check(READ_SECTION, read, documented(READ_SECTION), "read by the code");
  }

  @Test
  void everyVariableSetInsideContainersIsInTheReferenceAndNoOther() {
    Sources code = Sources.shipped();
    Set<String> read = reads(code).keySet();
    Map<String, String> setOnly = new TreeMap<>();
    Set<String> anyUpperLiteral = new TreeSet<>();
    for (Map.Entry<Path, String> f : code.files.entrySet()) {
      Matcher m = SNAKE_LITERAL.matcher(f.getValue());
      while (m.find()) {
        String name = m.group(1);
        if (!read.contains(name) && !NOT_VARIABLES.contains(name)) setOnly.putIfAbsent(name, where(f.getKey()));
      }
      Matcher u = UPPER_LITERAL.matcher(f.getValue());
      while (u.find()) anyUpperLiteral.add(u.group(1));
    }
    Set<String> listed = documented(CONTAINER_SECTION);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : setOnly.entrySet()) {
      if (!listed.contains(e.getKey())) problems.add("missing: " + e.getKey() + " (string literal in " + e.getValue()
          + "; if it is not an environment variable, add it to NOT_VARIABLES in this test)");
    }
    for (String name : listed) {
      if (!anyUpperLiteral.contains(name)) problems.add("stale: " + name + " (no shipped code mentions \"" + name + "\")");
    }
    report(CONTAINER_SECTION, problems);
  }

  @Test
  void everyVariableTheLauncherAndScriptsReadIsInTheReferenceAndNoOther() {
    Map<String, String> scripts = new LinkedHashMap<>();
    scripts.put("gpuhub", read(ROOT.resolve("gpuhub")));
    try (Stream<Path> s = Files.list(ROOT.resolve("scripts"))) {
      s.filter(p -> p.toString().endsWith(".sh")).sorted()
          .forEach(p -> scripts.put("scripts/" + p.getFileName(), read(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> found = new TreeMap<>();
    scripts.forEach((file, text) -> {
      String code = text.lines().filter(l -> !l.strip().startsWith("#")).reduce("", (a, b) -> a + b + "\n");
      scripts.put(file, code);
      Matcher m = SHELL_READ.matcher(code);
      while (m.find()) found.putIfAbsent(m.group(1), file);
    });
    Set<String> listed = documented(SCRIPTS_SECTION);
    List<String> problems = new ArrayList<>();
    found.forEach((name, file) -> {
      if (!listed.contains(name)) problems.add("missing: " + name + " (read by " + file + ")");
    });
    for (String name : listed) {
      Pattern use = Pattern.compile("\\$\\{?" + name + "\\b");
      if (scripts.values().stream().noneMatch(t -> use.matcher(t).find())) {
        problems.add("stale: " + name + " (neither gpuhub nor scripts/*.sh reads it)");
      }
    }
    report(SCRIPTS_SECTION, problems);
  }

  /** The extractor itself, on hand-written source: what counts as a read and what does not. */
  @Test
  void extractorTellsReadsFromSetsAndIgnoresComments() {
    Sources code = Sources.of(Map.of(Path.of("A.java"), stripComments("""
        class A {
          static final String TOKEN_ENV = "A_TOKEN";
          // System.getenv("IN_A_COMMENT") is no read
          /* r.integer("IN_A_BLOCK_COMMENT", 1, 0, 2) neither */
          String url = "http://x/*not a comment*/";
          void f(java.util.Map<String, String> env, EnvReader r, Spec spec) {
            System.getenv("A_GETENV");
            System.getenv(Config.TOKEN_ENV);
            env.get("A_MAP");
            env.getOrDefault("A_MAP_DEFAULT", "x");
            r.integer("A_INT", 1, 0, 9);
            r.secret("A_SECRET");
            spec.env().get("A_CONTAINER_PORT");
            env.put("A_SET_FOR_CONTAINER", "1");
            env.get("lower_case_key");
          }
          @Option(names = "--hub", defaultValue = "${env:A_PICOCLI:-http://h}") String hub;
        }
        """)));
    assertThat(reads(code).keySet()).containsExactlyInAnyOrder(
        "A_TOKEN", "A_GETENV", "A_MAP", "A_MAP_DEFAULT", "A_INT", "A_SECRET", "A_PICOCLI");
  }

  // ---------------------------------------------------------------------------------------------

  /** Variable name to the first file that reads it. */
  static Map<String, String> reads(Sources code) {
    Map<String, Set<String>> constants = new TreeMap<>();
    for (String text : code.files.values()) {
      Matcher m = CONSTANT.matcher(text);
      while (m.find()) constants.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
    }
    Map<String, String> read = new TreeMap<>();
    for (Map.Entry<Path, String> f : code.files.entrySet()) {
      Matcher m = LOOKUP.matcher(f.getValue());
      while (m.find()) {
        if (m.group(1) != null) read.putIfAbsent(m.group(1), where(f.getKey()));
        else for (String value : constants.getOrDefault(m.group(2), Set.of())) read.putIfAbsent(value, where(f.getKey()));
      }
      Matcher p = PICOCLI_ENV.matcher(f.getValue());
      while (p.find()) read.putIfAbsent(p.group(1), where(f.getKey()));
    }
    return read;
  }

  private static void check(String section, Map<String, String> inCode, Set<String> listed, String verb) {
    List<String> problems = new ArrayList<>();
    inCode.forEach((name, file) -> {
      if (!listed.contains(name)) problems.add("missing: " + name + " (" + verb + " in " + file + ")");
    });
    for (String name : listed) {
      if (!inCode.containsKey(name)) problems.add("stale: " + name + " (no shipped code reads it any more)");
    }
    report(section, problems);
  }

  private static void report(String section, List<String> problems) {
    if (problems.isEmpty()) return;
    fail(REFERENCE + ", section \"" + section + "\", is out of step with the code ("
        + problems.size() + "):\n  " + String.join("\n  ", problems));
  }

  /** The names in the first column of the tables of one {@code ## } section of the reference. */
  static Set<String> documented(String heading) {
    List<String> lines = read(REFERENCE).lines().toList();
    int start = lines.indexOf(heading);
    if (start < 0) fail(REFERENCE + " has no line \"" + heading + "\"");
    Set<String> names = new TreeSet<>();
    Set<String> twice = new TreeSet<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      Matcher m = ROW.matcher(lines.get(i));
      if (m.find() && !names.add(m.group(1))) twice.add(m.group(1));
    }
    if (!twice.isEmpty()) fail(REFERENCE + ", section \"" + heading + "\", lists these more than once: " + twice);
    return names;
  }

  private static String where(Path file) {
    return ROOT.relativize(file.toAbsolutePath().normalize()).toString();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Java source with comments replaced by a space; string, char and text-block literals kept. */
  static String stripComments(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i);
      if (src.startsWith("\"\"\"", i)) {
        int end = src.indexOf("\"\"\"", i + 3);
        while (end > 0 && src.charAt(end - 1) == '\\') end = src.indexOf("\"\"\"", end + 1);
        end = end < 0 ? n : end + 3;
        out.append(src, i, end);
        i = end;
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') j += src.charAt(j) == '\\' ? 2 : 1;
        j = Math.min(j + 1, n);
        out.append(src, i, j);
        i = j;
      } else if (src.startsWith("//", i)) {
        int end = src.indexOf('\n', i);
        i = end < 0 ? n : end;
        out.append(' ');
      } else if (src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Comment-free text of Java source files, by path. */
  record Sources(Map<Path, String> files) {
    static Sources of(Map<Path, String> files) {
      return new Sources(new TreeMap<>(files));
    }

    /** {@code <module>/src/main/java/**.java} of every shipped module, benchmark packages left out. */
    static Sources shipped() {
      Map<Path, String> files = new TreeMap<>();
      try (Stream<Path> modules = Files.list(ROOT)) {
        for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).sorted().toList()) {
          Path main = module.resolve("src/main/java");
          if (NOT_SHIPPED_MODULES.contains(module.getFileName().toString()) || !Files.isDirectory(main)) continue;
          try (Stream<Path> walk = Files.walk(main)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
              boolean bench = false;
              for (Path part : main.relativize(f)) bench |= part.toString().equals("bench");
              if (!bench) files.put(f, stripComments(read(f)));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Sources(files);
    }
  }
}
