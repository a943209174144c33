package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code bin/peerlink bench} from rotting: every scenario in a tiny configuration through the real
 * command with {@code --json}. Checks the rows' shape and that nothing was lost or duplicated — never a
 * timing (the rates are tiny and the p99 limit is generous, so {@code pass} is not asserted for the rate
 * steps).
 */
class BenchSmokeIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FIELDS =
      List.of("scenario", "deployment", "offeredRate", "deliveredRate", "p50Ms", "p99Ms", "maxMs", "lost", "dup", "pass");

  @TempDir Path work;

  @Test
  void everyScenarioRunsAndLosesNothing() throws Exception {
    try {
      runAll();
    } catch (AssertionError | Exception failed) {
      keepLogs();
      throw failed;
    } finally {
      // A failed assertion leaves the other bench runs going, with their nodes: stop them (each stops its nodes on SIGTERM).
      for (Process process : started) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
      }
    }
  }

  private final List<Process> started = new ArrayList<>();

  /** The node and bench logs of a failed run, copied out of the temporary directory JUnit deletes, so a failure can be explained. */
  private void keepLogs() {
    Path kept = Path.of("target", "bench-smoke-logs");
    try (var files = Files.walk(work)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        Path copy = kept.resolve(work.relativize(log));
        Files.createDirectories(copy.getParent());
        Files.copy(log, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      System.out.println("BenchSmokeIT failed; its logs are kept in " + kept.toAbsolutePath());
    } catch (IOException e) {
      System.out.println("BenchSmokeIT failed, and its logs could not be kept: " + e); // the test's own failure matters more
    }
  }

  private void runAll() throws Exception {
    // Six scenarios share one single-node deployment (--rate is abuse's); failover runs one trial on its own trio.
    Process shared = bench(work.resolve("shared"), "direct,durable,offline,fanout,connections,abuse",
        "--deployment", "single", "--warmup", "1", "--warmup-max", "1", "--duration-per-step", "2", "--drain", "3",
        "--start-rate", "20", "--max-rate", "30", "--p99-limit", "10000", "--clients", "4",
        "--saturation-seconds", "2", "--window", "20",
        "--peers", "10", "--per-peer", "5", "--members", "5",
        "--max-connections", "20", "--connection-step", "10", "--rate", "20");
    Process failover = bench(work.resolve("failover"), "failover",
        "--trials", "1", "--clients", "4", "--rate", "20", "--kill-after-min", "2", "--kill-after-max", "3", "--after-kill", "1");
    List<JsonNode> failoverRows = rows(failover, work.resolve("failover"));
    // scale starts its own trio too, once failover's is gone: never more than two bench runs at once. With all
    // three at once (seven nodes and three bench JVMs on two cores), the shared node's direct step starved
    // (sends refused after 5 s, p50 3 s) in a full run beside other work.
    Process scale = bench(work.resolve("scale"), "scale",
        "--peers", "40", "--per-peer", "3", "--clients", "4", "--rate", "20", "--duration-per-step", "2", "--after-kill", "1");
    List<JsonNode> sharedRows = rows(shared, work.resolve("shared"));
    checkScale(rows(scale, work.resolve("scale")));

    Set<String> scenarios = new TreeSet<>();
    for (JsonNode row : concat(sharedRows, failoverRows)) {
      for (String field : FIELDS) {
        assertTrue(row.has(field), "row lacks '" + field + "': " + row);
      }
      assertEquals(0, row.get("lost").asLong(), "lost in " + row);
      assertEquals(0, row.get("dup").asLong(), "duplicated in " + row);
      if (row.has("reordered")) {
        assertEquals(0, row.get("reordered").asLong(), "reordered in " + row);
      }
      scenarios.add(row.get("scenario").asText());
    }
    assertEquals(new TreeSet<>(List.of("abuse", "connections", "direct", "durable", "failover", "fanout", "offline")), scenarios);
    assertTrue(sharedRows.stream().anyMatch(r -> r.get("label").asText().equals("saturation")), "durable has a saturation row");
    for (JsonNode step : sharedRows.stream().filter(r -> r.get("label").asText().startsWith("step")).toList()) {
      // --warmup-max 1: the warm-up did not wait for the JIT compilers, and the row says how busy they were.
      assertTrue(step.get("warmupS").asDouble() < 5, "warm-up bounded by --warmup-max: " + step);
      assertTrue(step.has("jitCores"), "the compilers' share is reported: " + step);
    }
    JsonNode saturation = sharedRows.stream().filter(r -> r.get("label").asText().equals("saturation")).findFirst().orElseThrow();
    assertTrue(saturation.get("storeWrites").asLong() > 0, "store writes read from the primary's /status: " + saturation);
    assertTrue(saturation.get("writeMs").asDouble() > 0 && saturation.get("batchMs").asDouble() >= saturation.get("writeMs").asDouble(),
        "the write path's stage timings, a batch lasting at least its write: " + saturation);
    JsonNode offline = sharedRows.stream().filter(r -> r.get("scenario").asText().equals("offline")).findFirst().orElseThrow();
    assertEquals(50, offline.get("delivered").asLong(), "every queued message arrived: " + offline);
    assertEquals(1, offline.get("warmupRounds").asInt(), "--warmup-max 1: one unmeasured round, however busy the compilers: " + offline);
    assertTrue(offline.has("jitCores"), "the compilers' share during the reconnect is reported: " + offline);
    JsonNode connections = sharedRows.stream().filter(r -> r.get("scenario").asText().equals("connections")).reduce((a, b) -> b).orElseThrow();
    assertEquals(20, connections.get("connections").asInt(), "all idle clients held: " + connections);
    assertTrue(connections.get("rssMiB").asDouble() > 0, "RSS read from /proc: " + connections);
    List<JsonNode> abuse = sharedRows.stream().filter(r -> r.get("scenario").asText().equals("abuse")).toList();
    assertEquals(List.of("without abuse", "with abuse"), abuse.stream().map(r -> r.get("label").asText()).toList(), "two rows side by side: " + abuse);
    for (JsonNode row : abuse) {
      assertEquals(0, row.get("errors").asLong(), "no normal send refused, with or without abuse: " + row);
    }
    assertTrue(abuse.get(1).path("abusers").asText().contains("registered="), "the abusers ran (a registration got through): " + abuse.get(1));
    JsonNode summary = failoverRows.stream().filter(r -> r.get("label").asText().equals("summary")).findFirst().orElseThrow();
    assertEquals(1, summary.get("recovered").asInt(), "the cluster accepted sends again after the kill: " + summary);
    assertTrue(summary.get("p50Ms").asDouble() > 0, "a failover time: " + summary);
  }

  /** scale grew the state in four stages, restarted, failed over, and every sampled away peer got all of its messages. */
  private static void checkScale(List<JsonNode> rows) {
    List<String> labels = rows.stream().map(r -> r.get("label").asText()).toList();
    assertEquals(List.of("stage 1 peers", "stage 1 queued", "stage 2 peers", "stage 2 queued", "stage 3 peers", "stage 3 queued",
        "stage 4 peers", "stage 4 queued", "growth", "restart", "failover", "sample drain"), labels);
    for (JsonNode row : rows) {
      assertEquals(0, row.get("lost").asLong(), "lost in " + row);
      assertEquals(0, row.get("dup").asLong(), "duplicated in " + row);
      assertTrue(row.get("pass").asBoolean(), "passed: " + row);
    }
    JsonNode last = rows.get(7);
    assertEquals(40, last.get("peers").asInt(), "the last stage holds every away peer: " + last);
    assertEquals(120, last.get("queued").asLong(), "and every queued message: " + last);
    assertTrue(last.get("primaryHeapMiB").asDouble() > 0 && last.get("backupHeapMiB").asDouble() > 0, "live heap read with jcmd: " + last);
    assertTrue(last.get("primaryRssMiB").asDouble() > 0 && last.get("storeMiB").asDouble() > 0, "RSS and store size: " + last);
    assertTrue(rows.get(9).get("firstSentS").asDouble() >= rows.get(9).get("readyS").asDouble(), "restart: ready, then a SENT: " + rows.get(9));
    assertTrue(rows.get(10).get("failoverMs").asDouble() > 0, "a failover time: " + rows.get(10));
    assertEquals(3L * rows.get(11).get("sampledPeers").asLong(), rows.get(11).get("received").asLong(), "each sampled peer got its 3: " + rows.get(11));
  }

  private Process bench(Path dir, String scenario, String... options) throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of(bin().toString(), "bench", scenario, "--json", "--work-dir", dir.resolve("nodes").toString(), "--seed", "42"));
    command.addAll(List.of(options));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout.jsonl").toFile())
        .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().put("PEERLINK_NO_BUILD", "1");
    builder.environment().put("PEERLINK_HEAP", "-Xmx512m");
    builder.environment().put("PEERLINK_HOME", dir.resolve("home").toString());
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private static List<JsonNode> rows(Process process, Path dir) throws Exception {
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bench did not finish in 5 minutes; see " + dir.resolve("stderr.log"));
    }
    String stderr = Files.readString(dir.resolve("stderr.log"));
    assertEquals(0, process.exitValue(), "bench failed:\n" + stderr);
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("stdout.jsonl"))) {
      if (!line.isBlank()) {
        rows.add(JSON.readTree(line));
      }
    }
    assertTrue(!rows.isEmpty(), "no result rows; stderr:\n" + stderr);
    return rows;
  }

  private static Path bin() {
    Path home = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize();
    Path bin = home.resolve("bin/peerlink");
    if (!Files.isExecutable(bin) || !Files.exists(home.resolve("target/peerlink.jar"))) {
      throw new IllegalStateException("Run with 'mvnw verify': the smoke test needs bin/peerlink and target/peerlink.jar");
    }
    return bin;
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
