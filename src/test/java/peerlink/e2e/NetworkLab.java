package peerlink.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A private network for the nodes of one test, so that the link between two nodes can be cut and healed.
 *
 * <p>Why it exists: on 127.0.0.1 every node reaches every other one over the same loopback device, and this
 * machine has neither iptables nor tc's qdiscs and filters, so one pair's packets cannot be dropped there. Here
 * each node runs in a network namespace of its own ({@code ip netns exec}), with its own address on that
 * namespace's {@code lo}; one veth pair per pair of nodes, with /32 routes, is the only way between two
 * nodes; and one veth pair from the test's (root) namespace to each router node carries the test's clients and
 * its polls of the operations port.
 *
 * <p>How a link is cut: each end of that pair's veth is given a permanent neighbour entry for the other
 * node's address with a MAC address nobody has, so every frame still goes out and the other side's kernel
 * throws it away (it is addressed to another host). Nothing is refused or reset, no route disappears, no
 * error reaches the sender: the other node just falls silent, as behind a broken switch. (Setting a veth
 * down instead removes its routes, and the node's own connects then fail at once with "network unreachable",
 * which is not a partition.) Healing deletes the entries; ARP finds the real address again.
 *
 * <p>Everything made here has this lab's tag in its name and is deleted by {@link #close} and by a JVM
 * shutdown hook (a failed or interrupted test too).
 */
final class NetworkLab implements AutoCloseable {
  /** A MAC address no interface has (locally administered): frames sent to it are dropped by the receiver. */
  private static final String NOBODY = "02:00:00:de:ad:01";

  private final String tag;
  private final int subnet;
  private final List<String> nodes;
  private final List<String> routers;
  private final Set<String> cut = new TreeSet<>();
  private final Thread cleanup = new Thread(this::deleteAll, "network-lab-cleanup");
  private boolean closed;

  /**
   * Why a lab cannot be made here (not root, no {@code ip}, no network namespaces), or empty when it can.
   * Tried for real: a namespace is made and deleted.
   */
  static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("network namespaces need root (running as " + System.getProperty("user.name") + ")");
    }
    String probe = "plprobe" + Long.toHexString(ProcessHandle.current().pid());
    try {
      Result add = run(List.of("ip", "netns", "add", probe));
      if (add.code != 0) {
        return Optional.of("'ip netns add' failed: " + add.output.strip());
      }
      Result up = run(List.of("ip", "-n", probe, "link", "set", "lo", "up"));
      run(List.of("ip", "netns", "del", probe));
      return up.code == 0 ? Optional.empty() : Optional.of("'ip -n NS link set lo up' failed: " + up.output.strip());
    } catch (IOException e) {
      return Optional.of("cannot run 'ip': " + e.getMessage());
    }
  }

  /**
   * Makes the namespaces and links for {@code nodes} (each pair linked); {@code routers} among them also get a
   * link to the test's namespace.
   */
  static NetworkLab create(List<String> nodes, List<String> routers) throws IOException {
    NetworkLab lab = new NetworkLab(nodes, routers);
    try {
      lab.build();
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private NetworkLab(List<String> nodes, List<String> routers) throws IOException {
    this.nodes = List.copyOf(nodes);
    this.routers = List.copyOf(routers);
    SecureRandom random = new SecureRandom();
    this.tag = Integer.toHexString(0x1000 + random.nextInt(0xf000));
    String inUse = check(List.of("ip", "-o", "addr")) + check(List.of("ip", "route"));
    int s;
    do {
      s = 1 + random.nextInt(250);
    } while (inUse.contains("10.77." + s + "."));
    this.subnet = s;
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /** The node's address (the one it binds, advertises and is dialled at). */
  String address(String node) {
    return "10.77." + subnet + "." + (index(node) + 1);
  }

  /** The command that runs {@code command} inside the node's namespace. */
  List<String> inNamespace(String node, List<String> command) {
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
    out.addAll(command);
    return out;
  }

  /** Drops every packet between {@code a} and {@code b}, both ways. */
  synchronized void cut(String a, String b) throws IOException {
    blackhole(a, b);
    blackhole(b, a);
    cut.add(pair(a, b));
  }

  /** Restores the link between {@code a} and {@code b}. */
  synchronized void heal(String a, String b) throws IOException {
    restore(a, b);
    restore(b, a);
    cut.remove(pair(a, b));
  }

  /** Cuts every link of {@code node} to the other nodes (its clients still reach it). */
  synchronized void isolate(String node) throws IOException {
    for (String other : nodes) {
      if (!other.equals(node)) {
        cut(node, other);
      }
    }
  }

  /** Restores every link between nodes. */
  synchronized void healAll() throws IOException {
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        heal(nodes.get(i), nodes.get(j));
      }
    }
  }

  /** The links cut now, as "a-b". */
  synchronized Set<String> cutLinks() {
    return new TreeSet<>(cut);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    deleteAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  @Override
  public String toString() {
    Map<String, String> addresses = new LinkedHashMap<>();
    nodes.forEach(n -> addresses.put(n, address(n) + " in netns " + namespace(n)));
    return "network lab " + tag + " " + addresses;
  }

  private void build() throws IOException {
    for (String node : nodes) {
      check(List.of("ip", "netns", "add", namespace(node)));
      check(List.of("ip", "-n", namespace(node), "link", "set", "lo", "up"));
      check(List.of("ip", "-n", namespace(node), "addr", "add", address(node) + "/32", "dev", "lo"));
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        String a = nodes.get(i);
        String b = nodes.get(j);
        check(List.of("ip", "link", "add", veth(a, b), "netns", namespace(a), "type", "veth", "peer", "name", veth(b, a), "netns", namespace(b)));
        for (String[] end : new String[][] {{a, b}, {b, a}}) {
          check(List.of("ip", "-n", namespace(end[0]), "link", "set", veth(end[0], end[1]), "up"));
          check(List.of("ip", "-n", namespace(end[0]), "route", "add", address(end[1]) + "/32", "dev", veth(end[0], end[1]), "src", address(end[0])));
        }
      }
    }
    for (String router : routers) {
      // The test's side: an address of its own per router link, so that the answers find their way back.
      String outside = rootVeth(router);
      String testAddress = "10.77." + subnet + "." + (101 + index(router));
      check(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", "tests", "netns", namespace(router)));
      check(List.of("ip", "addr", "add", testAddress + "/32", "dev", outside));
      check(List.of("ip", "link", "set", outside, "up"));
      check(List.of("ip", "-n", namespace(router), "link", "set", "tests", "up"));
      check(List.of("ip", "route", "add", address(router) + "/32", "dev", outside, "src", testAddress));
      check(List.of("ip", "-n", namespace(router), "route", "add", testAddress + "/32", "dev", "tests", "src", address(router)));
    }
    System.out.println("made " + this);
  }

  private void blackhole(String from, String to) throws IOException {
    check(List.of("ip", "-n", namespace(from), "neigh", "replace", address(to), "lladdr", NOBODY, "dev", veth(from, to), "nud", "permanent"));
  }

  private void restore(String from, String to) throws IOException {
    // Absent already (never cut) is fine: the result is the same.
    run(List.of("ip", "-n", namespace(from), "neigh", "del", address(to), "dev", veth(from, to)));
  }

  /** Deletes the namespaces (which deletes the veths inside them and their peers) and the test-side veths. */
  private void deleteAll() {
    for (String router : routers) {
      try {
        run(List.of("ip", "link", "del", rootVeth(router)));
      } catch (IOException e) {
        System.err.println("could not delete " + rootVeth(router) + ": " + e);
      }
    }
    for (String node : nodes) {
      try {
        Result result = run(List.of("ip", "netns", "del", namespace(node)));
        if (result.code != 0 && !result.output.contains("No such file")) {
          System.err.println("could not delete netns " + namespace(node) + ": " + result.output.strip());
        }
      } catch (IOException e) {
        System.err.println("could not delete netns " + namespace(node) + ": " + e);
      }
    }
  }

  private int index(String node) {
    int i = nodes.indexOf(node);
    if (i < 0) {
      throw new IllegalArgumentException("no node " + node + " in " + nodes);
    }
    return i;
  }

  private String namespace(String node) {
    return "pl" + tag + "-" + node;
  }

  /** The end in {@code from}'s namespace of the link to {@code to} (names are per namespace, so short). */
  private static String veth(String from, String to) {
    return "to-" + to;
  }

  private String rootVeth(String router) {
    return "pl" + tag + "c" + router; // at most 15 characters: pl + 4 + c + 2 or 3
  }

  private static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not end within 30 s");
      }
      return new Result(process.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static String check(List<String> command) throws IOException {
    Result result = run(command);
    if (result.code != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + result.code + "): " + result.output.strip());
    }
    return result.output;
  }
}
