package peerlink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The smallest fault-tolerant PeerLink: a primary router node ({@code p1}), a backup ({@code p2}) and the
 * replication manager ({@code rm}), each a real {@code bin/peerlink} process on free ports with its own data
 * directory under {@code work}. Every node is given all three seeds explicitly.
 */
final class Cluster3 implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(120);
  static final Duration FAILOVER = Duration.ofSeconds(60);

  NodeProcess p1;
  NodeProcess p2;
  NodeProcess rm;
  private final Path work;
  /** When set, each node runs in its namespace of this lab, at its own address ({@link NetworkLab}). */
  private final NetworkLab lab;
  private Path dir;
  private int attempt;

  Cluster3(Path work) {
    this(work, null);
  }

  Cluster3(Path work, NetworkLab lab) {
    this.work = work;
    this.lab = lab;
    this.dir = work;
    makeNodes();
  }

  private void makeNodes() {
    p1 = NodeProcess.router(dir, "p1", false);
    p2 = NodeProcess.router(dir, "p2", true);
    rm = NodeProcess.rm(dir, "rm");
    if (lab != null) {
      for (NodeProcess node : nodes()) {
        node.placeIn(lab);
      }
    }
    List<String> seeds = List.of(p1.seed(), p2.seed(), rm.seed());
    for (NodeProcess node : nodes()) {
      node.seeds(seeds);
    }
  }

  List<NodeProcess> nodes() {
    return List.of(p1, p2, rm);
  }

  /** Both router nodes' client endpoints, p1 first. */
  List<String> servers() {
    return List.of(p1.server(), p2.server());
  }

  /**
   * Starts the three processes together (p1 forms the cluster, the others only join) and waits until p1 is
   * the primary and p2 is in the in-sync set.
   */
  Cluster3 start() throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    while (true) {
      for (NodeProcess node : nodes()) {
        node.launch();
      }
      try {
        p1.awaitHttp(START);
        p2.awaitHttp(START);
        break;
      } catch (AssertionError failed) {
        // A free port can be taken by another process between picking it and binding it: pick new ones.
        if (attempt >= 2 || nodes().stream().noneMatch(n -> n.latestRunLogContains("Address already in use"))) {
          throw failed;
        }
        System.out.println("a port was taken meanwhile (" + failed.getMessage().lines().findFirst().orElse("") + "); starting the cluster on new ports");
        close();
        attempt++;
        dir = work.resolve("ports-" + (attempt + 1));
        Files.createDirectories(dir);
        makeNodes();
      }
    }
    long epoch = awaitPrimary(p1, 1, START);
    awaitInSync(p2, START);
    Await.until(START, () -> memberUp(rm), () -> "the rm to be an Up member; rm view: " + rmView());
    System.out.printf("cluster up in %.1f s: p1=%s p2=%s rm=%s, epoch %d%n", Await.seconds(System.nanoTime() - t0), p1, p2, rm, epoch);
    return this;
  }

  /** What the rm reports, asked through any router node that answers; null when none does. */
  JsonNode rmView() {
    for (NodeProcess node : List.of(p1, p2)) {
      JsonNode status = node.status();
      if (status != null && status.has("rm")) {
        return status.get("rm");
      }
    }
    return null;
  }

  /** Waits until the rm names {@code node} primary at an epoch of at least {@code minEpoch} and the node's own
   * store has started that epoch; returns the epoch. Asks the node itself, as an operator would. */
  long awaitPrimary(NodeProcess node, long minEpoch, Duration deadline) {
    long[] epoch = {0};
    JsonNode[] last = {null};
    Await.until(
        deadline,
        () -> {
          JsonNode status = node.status();
          last[0] = status;
          if (status == null || !status.has("rm")) {
            return false;
          }
          JsonNode rmStatus = status.get("rm");
          epoch[0] = rmStatus.path("epoch").asLong();
          return node.address().equals(rmStatus.path("primary").asText())
              && epoch[0] >= minEpoch
              && status.path("store").path("epoch").asLong() == epoch[0];
        },
        () -> node.name() + " to be primary at epoch >= " + minEpoch + "; its last /status: " + last[0]);
    return epoch[0];
  }

  /** Waits until the rm names some router node primary at an epoch of at least {@code minEpoch}; returns it. */
  NodeProcess awaitAnyPrimary(long minEpoch, Duration deadline) {
    NodeProcess[] primary = {null};
    Await.until(deadline, () -> {
      JsonNode view = rmView();
      if (view == null || view.path("epoch").asLong() < minEpoch) {
        return false;
      }
      for (NodeProcess node : List.of(p1, p2)) {
        if (node.address().equals(view.path("primary").asText())) {
          primary[0] = node;
        }
      }
      return primary[0] != null;
    }, () -> "a primary at epoch >= " + minEpoch + "; rm view: " + rmView());
    awaitPrimary(primary[0], minEpoch, deadline);
    return primary[0];
  }

  /**
   * Waits until a restarted router node (started without --backup, so it may form a cluster) has joined the
   * running cluster; fails at once, naming the product bug, when its log shows it formed a cluster of its own.
   */
  static void expectRejoin(NodeProcess restarted) {
    Await.until(START, () -> restarted.latestRunLogContains("Welcome from") || restarted.latestRunLogContains("is JOINING itself"),
        () -> restarted.name() + " to join a cluster\n" + restarted.tail(20));
    if (restarted.latestRunLogContains("is JOINING itself")) {
      throw new AssertionError("bug: the restarted " + restarted.name() + " formed a cluster of its own instead of joining the running one "
          + "(no InitJoinAck reached it within pekko.cluster.seed-node-timeout), so it can never rejoin; its log:\n" + restarted.tail(15));
    }
  }

  /** Waits until the rm lists {@code node} in the in-sync set. */
  void awaitInSync(NodeProcess node, Duration deadline) {
    Await.until(deadline, () -> isr().contains(node.address()), () -> node.name() + " in the in-sync set; rm view: " + rmView());
  }

  /** Waits until the rm no longer lists {@code node} in the in-sync set (asked through a live router). */
  void awaitOutOfSync(NodeProcess node, Duration deadline) {
    Await.until(deadline, () -> {
      JsonNode view = rmView();
      return view != null && !strings(view.path("isr")).contains(node.address());
    }, () -> node.name() + " to leave the in-sync set; rm view: " + rmView());
  }

  Set<String> isr() {
    JsonNode view = rmView();
    return view == null ? Set.of() : strings(view.path("isr"));
  }

  boolean memberUp(NodeProcess node) {
    JsonNode view = rmView();
    if (view == null) {
      return false;
    }
    for (JsonNode member : view.path("members")) {
      if (member.path("address").asText().equals(node.address()) && member.path("status").asText().equals("Up")) {
        return true;
      }
    }
    return false;
  }

  /** {epoch, writeId} of a router node's own store, from its /status; null when it does not answer. */
  static long[] storePosition(NodeProcess node) {
    JsonNode status = node.status();
    if (status == null) {
      return null;
    }
    return new long[] {status.path("store").path("epoch").asLong(), status.path("store").path("writeId").asLong()};
  }

  static Set<String> strings(JsonNode array) {
    Set<String> out = new TreeSet<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  /** The end of every node's log, for failure messages. */
  String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (NodeProcess node : nodes()) {
      out.append("\n----- ").append(node.name()).append(" (").append(node.log()).append(") -----\n").append(node.tail(lines));
    }
    return out.toString();
  }

  /** Copies the nodes' logs out of the temporary directory so they outlive a failed test. */
  Path preserveLogs(String label) {
    Path home = Path.of(System.getProperty("peerlink.home", ".")).toAbsolutePath().normalize();
    Path target = Path.of(System.getProperty("peerlink.e2e.logs", home.resolve("target/e2e-logs").toString())).resolve(label);
    try {
      Files.createDirectories(target);
      List<Path> logs = new ArrayList<>();
      try (var files = Files.walk(work, 2)) {
        files.filter(f -> f.getFileName().toString().endsWith(".log")).forEach(logs::add);
      }
      for (Path log : logs) {
        String name = work.relativize(log).toString().replace('/', '-');
        Files.copy(log, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  @Override
  public void close() throws InterruptedException {
    for (NodeProcess node : nodes()) {
      node.close();
    }
  }
}
