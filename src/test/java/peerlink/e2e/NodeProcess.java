package peerlink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import peerlink.testing.FreePorts;
import peerlink.testing.Http;

/**
 * One {@code bin/peerlink server} or {@code bin/peerlink rm} process of a cluster, on free ports, with its own
 * data directory and log. It can be killed (SIGKILL), frozen (SIGSTOP), thawed (SIGCONT) and started again
 * on the same ports and data directory, as a backup or not.
 */
final class NodeProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final boolean router;
  private final int port;
  private final int clusterPort;
  /** Where /status, /health and /ready are (plain HTTP on loopback); 0 for the rm, which has none. */
  private final int opsPort;
  private final Path dataDir;
  private final Path log;
  private List<String> seeds = List.of();
  private boolean backup;
  private List<String> extraArguments = List.of();
  private List<String> javaOptions = List.of();
  private Process process;
  private boolean frozen;
  /** The address the node binds and advertises (--host) and is dialled at. */
  private String host = "127.0.0.1";
  /** Set when the node runs in a namespace of a {@link NetworkLab}. */
  private NetworkLab lab;
  /** The operations port's bearer token, needed when it listens on another address than loopback. */
  private String opsToken = "";

  private NodeProcess(Path work, String name, boolean router, boolean backup) {
    this.name = name;
    this.router = router;
    this.backup = backup;
    this.port = router ? FreePorts.next() : 0;
    this.clusterPort = FreePorts.next();
    this.opsPort = router ? FreePorts.next() : 0;
    this.dataDir = work.resolve(name + "-data");
    this.log = work.resolve(name + ".log");
  }

  static NodeProcess router(Path work, String name, boolean backup) {
    return new NodeProcess(work, name, true, backup);
  }

  static NodeProcess rm(Path work, String name) {
    return new NodeProcess(work, name, false, true);
  }

  /**
   * Runs the node in its namespace of {@code lab}, at its address there: {@code --host} that address, and the
   * operations port on it too (loopback inside a namespace is out of the test's reach), behind a token as a
   * non-loopback operations port must be. Call before the seeds are taken from {@link #seed}.
   */
  void placeIn(NetworkLab lab) {
    this.lab = lab;
    this.host = lab.address(name);
    this.opsToken = "nemesis-" + Long.toHexString(new java.security.SecureRandom().nextLong());
  }

  /** host:clusterPort, as --seeds wants it. */
  String seed() {
    return host + ":" + clusterPort;
  }

  void seeds(List<String> all) {
    this.seeds = List.copyOf(all);
  }

  /** Whether the next start passes --backup (join only, never form a cluster). */
  void backup(boolean value) {
    this.backup = value;
  }

  /** Arguments the next start adds to the command line (e.g. the rm's --accept-data-loss). */
  void extraArguments(String... arguments) {
    this.extraArguments = List.of(arguments);
  }

  /** JVM options the next start passes (e.g. -Dpeerlink.tls.dir=... for a node of another deployment). */
  void javaOptions(String... options) {
    this.javaOptions = List.of(options);
  }

  /** The node's --data directory. */
  Path dataDir() {
    return dataDir;
  }

  /** Deletes the node's data directory, as a replaced disk would (the node must not be running). */
  void wipeData() throws IOException {
    if (alive()) {
      throw new IllegalStateException(name + " is running");
    }
    if (Files.exists(dataDir)) {
      try (var files = Files.walk(dataDir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
  }

  static final int SNAPSHOT_EVERY = 200;

  /** Starts the process and returns at once; {@link #awaitHttp} waits for a router's endpoint. */
  NodeProcess launch() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    List<String> command = new ArrayList<>(List.of(Launcher.bin().toString(), router ? "server" : "rm"));
    if (router) {
      command.addAll(List.of("--port", String.valueOf(port), "--ops-port", String.valueOf(opsPort)));
    }
    command.addAll(List.of("--cluster-port", String.valueOf(clusterPort), "--data", dataDir.toString(), "--seeds", String.join(",", seeds)));
    if (router && backup) {
      command.add("--backup");
    }
    if (!router) {
      command.add("--quiet");
    }
    command.addAll(extraArguments);
    if (lab != null) {
      command.addAll(List.of("--host", host));
      command = lab.inNamespace(name, command);
    }
    Files.writeString(log, "\n===== " + LocalTime.now() + " test starts: " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Launcher.environment(builder);
    if (router) {
      // Checkpoints every 200 events instead of 10,000, so that the kills, freezes and restarts of these
      // tests find checkpoints in pieces to recover from, copy and replay after, and not only a journal.
      builder.environment().put("JAVA_OPTS", "-Dpeerlink.router.snapshot-every=" + SNAPSHOT_EVERY);
    }
    if (lab != null && router) {
      builder.environment().merge("JAVA_OPTS", "-Dpeerlink.ops.host=" + host, (a, b) -> a + " " + b);
      builder.environment().put("PEERLINK_OPS_TOKEN", opsToken);
    }
    if (!javaOptions.isEmpty()) {
      builder.environment().merge("JAVA_OPTS", String.join(" ", javaOptions), (a, b) -> a + " " + b);
    }
    process = builder.start();
    frozen = false;
    return this;
  }

  /** Waits until the router's operations port answers /health; fails at once if the process exits meanwhile. */
  void awaitHttp(Duration deadline) {
    Await.until(deadline, () -> opsAnswers() || !process.isAlive(), () -> name + " to answer on its operations port " + opsPort + " (log " + log + ")");
    if (!process.isAlive()) {
      throw new AssertionError(name + " exited with " + process.exitValue() + " while starting; its log ends with:\n" + tail(40));
    }
  }

  /** Whether /health on the operations port answers 200. */
  private boolean opsAnswers() {
    if (lab == null) {
      return Http.answers(opsPort);
    }
    try {
      return HTTP.send(ops("/health", Duration.ofSeconds(2)), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private HttpRequest ops(String path, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + ops() + path)).timeout(timeout);
    if (!opsToken.isEmpty()) {
      request.header("Authorization", "Bearer " + opsToken);
    }
    return request.build();
  }

  /** SIGKILL: no shutdown hook, no flush, exactly like a crash. Works on a frozen process too. */
  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
      }
      frozen = false;
    }
  }

  /** SIGTERM, as an operator stops a node, and waits for the process to end. */
  void stop() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      signal("TERM");
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " (pid " + process.pid() + ") did not stop within 60 s of SIGTERM\n" + tail(20));
      }
    }
  }

  /** SIGSTOP: the process stops dead, its sockets stay open; the rest of the cluster only sees silence. */
  void freeze() throws IOException, InterruptedException {
    signal("STOP");
    frozen = true;
  }

  /** SIGCONT. */
  void thaw() throws IOException, InterruptedException {
    signal("CONT");
    frozen = false;
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed: " + output);
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  boolean frozen() {
    return frozen;
  }

  /** Waits for the process to end by itself; returns its exit code, or null when it is still running. */
  Integer awaitExit(Duration deadline) throws InterruptedException {
    return process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  /** The node's cluster address as the rm and /status name it. */
  String address() {
    return "pekko://peerlink@" + host + ":" + clusterPort;
  }

  /** host:port of the WebSocket endpoint, as clients' server lists want it. */
  String server() {
    if (!router) {
      throw new IllegalStateException(name + " is the rm: it has no client endpoint");
    }
    return host + ":" + port;
  }

  boolean isRouter() {
    return router;
  }

  Path log() {
    return log;
  }

  /** host:port of the operations port (/status, /health, /ready). */
  String ops() {
    if (!router) {
      throw new IllegalStateException(name + " is the rm: it has no operations port");
    }
    return host + ":" + opsPort;
  }

  /** GET /status on this router node's operations port, or null when it does not answer. */
  JsonNode status() {
    HttpResponse<String> response = get("/status");
    try {
      return response != null && response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** GET /ready on this router node's operations port: its status code and body (reason included there), or null. */
  String ready() {
    HttpResponse<String> response = get("/ready");
    return response == null ? null : response.statusCode() + " " + response.body();
  }

  private HttpResponse<String> get(String path) {
    if (!router || !alive() || frozen) {
      return null;
    }
    try {
      return HTTP.send(ops(path, Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The last lines of the node's log (all its runs). */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Whether the log of the node's latest start has a line containing {@code text}. */
  boolean latestRunLogContains(String text) {
    try {
      String all = Files.readString(log, StandardCharsets.UTF_8);
      return all.substring(Math.max(0, all.lastIndexOf("===== "))).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the node's log (all its runs) has a line containing {@code text}. */
  boolean logContains(String text) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (alive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return name + "(" + (router ? server() + ", " : "") + "cluster " + seed() + ")";
  }
}
