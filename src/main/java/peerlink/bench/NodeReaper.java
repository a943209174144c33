package peerlink.bench;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Stops every node the benchmark started when the JVM exits early (Ctrl-C, an error): none is left behind. */
final class NodeReaper {
  private static final Set<NodeProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile boolean installed;

  private NodeReaper() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    Runtime.getRuntime().addShutdownHook(new Thread(NodeReaper::stopAll, "bench-node-reaper"));
  }

  static void track(NodeProcess node) {
    LIVE.add(node);
  }

  static void forget(NodeProcess node) {
    LIVE.remove(node);
  }

  /** SIGTERM to all, a short grace, then SIGKILL to whatever is left. */
  static void stopAll() {
    List<NodeProcess> nodes = List.copyOf(LIVE);
    nodes.forEach(NodeProcess::requestStop);
    long deadline = System.currentTimeMillis() + 5_000;
    for (NodeProcess node : nodes) {
      node.awaitStopped(deadline - System.currentTimeMillis());
    }
  }
}
