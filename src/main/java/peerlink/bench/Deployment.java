package peerlink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import peerlink.client.ServerAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The router nodes a scenario talks to, on free ports with fresh data directories under one work
 * directory: {@code single} (one router node) or {@code replicated} (primary, backup and rm; ready once
 * the backup is in the rm's in-sync set).
 */
final class Deployment implements AutoCloseable {
  static final String SINGLE = "single";
  static final String REPLICATED = "replicated";

  private final String kind;
  private final Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Integer> routerPorts = new ArrayList<>();
  /** Each router's operations port (/status, /health), in the order of routerPorts: plain HTTP even when clients' ports speak TLS. */
  private final List<Integer> opsPorts = new ArrayList<>();
  private final List<Integer> clusterPorts = new ArrayList<>();
  private NodeProcess primary;
  private double startupSeconds;

  private final boolean plainClients;

  private Deployment(String kind, Path dir, boolean plainClients) {
    this.kind = kind;
    this.dir = dir;
    this.plainClients = plainClients;
  }

  /** Starts the nodes and returns once clients can use them (and, replicated, the backup is in sync). */
  static Deployment start(String kind, Path dir, BenchOptions options, Progress progress) {
    Deployment deployment = new Deployment(kind, dir, options.plainClients());
    try {
      deployment.launch(options, progress);
      return deployment;
    } catch (RuntimeException e) {
      deployment.close();
      throw e;
    }
  }

  private void launch(BenchOptions options, Progress progress) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long started = System.nanoTime();
    Map<String, String> env = Map.of("PEERLINK_HOME", dir.resolve("home").toString());
    if (SINGLE.equals(kind)) {
      int port = FreePort.next();
      int cluster = FreePort.next();
      int ops = FreePort.next();
      routerPorts.add(port);
      clusterPorts.add(cluster);
      opsPorts.add(ops);
      primary = node("router", env, options, "server", "--port", port, "--cluster-port", cluster, "--ops-port", ops,
          "--data", dir.resolve("router-data"), "--seeds", "127.0.0.1:" + cluster);
    } else if (REPLICATED.equals(kind)) {
      int p1 = FreePort.next();
      int p2 = FreePort.next();
      int c1 = FreePort.next();
      int c2 = FreePort.next();
      int c3 = FreePort.next();
      int o1 = FreePort.next();
      int o2 = FreePort.next();
      routerPorts.addAll(List.of(p1, p2));
      opsPorts.addAll(List.of(o1, o2));
      clusterPorts.addAll(List.of(c1, c2, c3));
      String seeds = "127.0.0.1:" + c1 + ",127.0.0.1:" + c2 + ",127.0.0.1:" + c3;
      primary = node("primary", env, options, "server", "--port", p1, "--cluster-port", c1, "--ops-port", o1, "--data", dir.resolve("primary-data"), "--seeds", seeds);
      node("backup", env, options, "server", "--port", p2, "--cluster-port", c2, "--ops-port", o2, "--data", dir.resolve("backup-data"), "--seeds", seeds, "--backup");
      node("rm", env, options, "rm", "--cluster-port", c3, "--data", dir.resolve("rm-data"), "--seeds", seeds, "--quiet");
    } else {
      throw new BenchException("unknown deployment '" + kind + "' (single or replicated)");
    }
    progress.line("starting " + kind + " deployment: " + nodes.stream().map(NodeProcess::toString).toList());
    startupSeconds = awaitReady(options, progress, started, "ready");
  }

  /**
   * Stops every node (SIGTERM, as an operator would) and starts the same commands again: same ports, same
   * data. Returns the seconds from the start of the new processes until the deployment is ready again.
   */
  double restart(BenchOptions options, Progress progress) {
    close();
    long started = System.nanoTime();
    nodes.forEach(NodeProcess::start);
    progress.line("restarted " + kind + " deployment: " + nodes.stream().map(NodeProcess::toString).toList());
    return awaitReady(options, progress, started, "ready again");
  }

  /** Waits until clients can use it: every router healthy and, replicated, both routers in the rm's in-sync set. */
  private double awaitReady(BenchOptions options, Progress progress, long started, String what) {
    long deadline = System.nanoTime() + (long) (options.startupTimeoutSeconds() * 1e9);
    waitFor("router nodes answer /health on their operations ports", deadline, () -> opsPorts.stream().allMatch(HttpProbe::healthy));
    if (REPLICATED.equals(kind)) {
      waitFor("the backup is in the rm's in-sync set", deadline, this::backupInSync);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    progress.line(String.format("%s deployment %s after %.1f s", kind, what, seconds));
    return seconds;
  }

  private NodeProcess node(String name, Map<String, String> env, BenchOptions options, Object... args) {
    List<String> arguments = new ArrayList<>();
    for (Object arg : args) {
      arguments.add(arg.toString());
    }
    Map<String, String> environment = new java.util.HashMap<>(env);
    // Every bench client connects from 127.0.0.1, up to 10,000 of them: the per-address limit (meant for
    // one host among many) would refuse them. Every other limit stays at its default.
    List<String> javaOpts = new ArrayList<>(List.of("-Dpeerlink.gateway.max-connections-per-address=0"));
    // They also all register from 127.0.0.1, up to 10,000 within seconds: far over the registrations per
    // address (meant to stop one script filling the registry), so a burst large enough for every bench peer.
    javaOpts.add("-Dpeerlink.session.registrations.per-address=1000000");
    if (options.nodeJavaOpts() != null && !options.nodeJavaOpts().isBlank()) {
      javaOpts.add(options.nodeJavaOpts().replace("{node}", dir.resolve(name).toString()));
    }
    // fanout's group is the sender and --members others: room for all of them, whatever the quota's default.
    javaOpts.add("-Dpeerlink.limits.max-members-per-group=" + Math.max(1000, options.members() + 1));
    if (options.plainClients()) {
      javaOpts.add("-Dpeerlink.gateway.tls.enabled=off");
    }
    environment.put("JAVA_OPTS", String.join(" ", javaOpts));
    NodeProcess node = new NodeProcess(name, arguments, dir.resolve(name + ".log"), environment).start();
    nodes.add(node);
    return node;
  }

  private boolean backupInSync() {
    JsonNode status = HttpProbe.status(opsPorts.get(0));
    if (status == null) {
      return false;
    }
    JsonNode rm = status.path("rm");
    String primaryAddress = address(clusterPorts.get(0));
    String backupAddress = address(clusterPorts.get(1));
    String granted = rm.path("primary").asText();
    // After a restart the rm may grant either router (both are in sync); the first start always grants the first.
    boolean primaryKnown = primaryAddress.equals(granted) || (restarted() && backupAddress.equals(granted));
    boolean primaryIn = false;
    boolean backupIn = false;
    for (JsonNode member : rm.path("isr")) {
      primaryIn |= primaryAddress.equals(member.asText());
      backupIn |= backupAddress.equals(member.asText());
    }
    if (primaryKnown) {
      primary = backupAddress.equals(granted) ? nodes.get(1) : nodes.get(0);
    }
    return primaryKnown && primaryIn && backupIn;
  }

  private boolean restarted() {
    return startupSeconds > 0;
  }

  private static String address(int clusterPort) {
    return "pekko://peerlink@127.0.0.1:" + clusterPort;
  }

  private void waitFor(String what, long deadline, java.util.function.BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      for (NodeProcess node : nodes) {
        if (!node.alive()) {
          throw new BenchException(node.name() + " " + node.exitDescription() + " while waiting until " + what + "; see " + node.log());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new BenchException("timed out waiting until " + what + "; node logs in " + dir);
      }
      Sleep.millis(250);
    }
  }

  String kind() {
    return kind;
  }

  /** host:port of the router nodes (ws://host:port with --plain-clients), the primary first: what clients are given. */
  List<String> servers() {
    String scheme = plainClients ? ServerAddress.PLAIN_SCHEME : "";
    return routerPorts.stream().map(p -> scheme + "127.0.0.1:" + p).toList();
  }

  /** The write path of the primary (the first router) and, if there is one, the backup, from their {@code /status}. */
  WritePath writePath() {
    return WritePath.read(
        HttpProbe.status(opsPorts.get(0)), opsPorts.size() > 1 ? HttpProbe.status(opsPorts.get(1)) : null);
  }

  /** The node processes, for watching their JIT compilers. */
  List<Long> pids() {
    return nodes.stream().map(NodeProcess::pid).toList();
  }

  /** The node processes by name (primary, backup, rm; router for a single node), in start order. */
  java.util.Map<String, Long> namedPids() {
    java.util.Map<String, Long> named = new java.util.LinkedHashMap<>();
    nodes.forEach(node -> named.put(node.name(), node.pid()));
    return named;
  }

  /** The router nodes (not the rm), in start order. */
  List<NodeProcess> routers() {
    return nodes.subList(0, routerPorts.size());
  }

  /** The router the rm granted the primary role when the deployment last became ready. */
  NodeProcess primary() {
    return primary;
  }

  double startupSeconds() {
    return startupSeconds;
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::requestStop);
    long deadline = System.currentTimeMillis() + 10_000;
    for (NodeProcess node : nodes) {
      node.awaitStopped(deadline - System.currentTimeMillis());
    }
  }
}
