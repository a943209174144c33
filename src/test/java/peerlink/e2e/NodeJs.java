package peerlink.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the JavaScript tests of {@code src/test/js} with Node: installs their pinned npm packages once per
 * checkout ({@code npm ci}, from package-lock.json, when node_modules is missing or older than the lock file),
 * then {@code node --test} on one file, with the output in a log under target/ and on stdout.
 */
final class NodeJs {
  private NodeJs() {}

  static Path jsDir() {
    return Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize().resolve("src/test/js");
  }

  /** Skips the calling test, saying why, when this machine has no {@code node} (.ci/run installs it). */
  static void assumeNode() {
    assumeTrue(answers("node", "--version"), "Skipped: no 'node' on the PATH; the JavaScript client tests need Node 20 or newer (apt-get install nodejs npm; .ci/run does)");
    assumeTrue(answers("npm", "--version"), "Skipped: no 'npm' on the PATH; the JavaScript client tests install their packages with it (apt-get install npm; .ci/run does)");
  }

  private static boolean answers(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** {@code npm ci} unless node_modules is as new as package-lock.json. */
  static synchronized void install() throws IOException, InterruptedException {
    Path dir = jsDir();
    Path marker = dir.resolve("node_modules/.package-lock.json");
    if (Files.exists(marker) && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(dir.resolve("package-lock.json"))) >= 0) {
      return;
    }
    run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), Duration.ofMinutes(5), "npm-ci");
  }

  /** Runs {@code node --test file} in src/test/js with {@code env}; fails with the log's tail unless every test passed. */
  static void test(String file, Map<String, String> env, Duration deadline) throws IOException, InterruptedException {
    install();
    run(List.of("node", "--test", "--test-reporter=spec", file), env, deadline, file.replace(".test.js", ""));
  }

  private static void run(List<String> command, Map<String, String> env, Duration deadline, String logName) throws IOException, InterruptedException {
    Path log = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().resolve("target/js-" + logName + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).directory(jsDir().toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean done = process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    System.out.println("---- " + String.join(" ", command) + " (" + log + ")\n" + output);
    if (!done) {
      throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline.toSeconds() + " s; see " + log);
    }
    if (process.exitValue() != 0) {
      List<String> lines = new ArrayList<>(output.lines().toList());
      throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue() + "); see " + log + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
    }
  }
}
