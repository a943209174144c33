package peerlink.gateway;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many connections the node holds, in all and per source address, so that one host cannot take the
 * node's file descriptors and memory from everyone else. The map holds only addresses with a connection
 * open now, so it is bounded by the node's own limit.
 */
final class ConnectionLimits {
  private final int maxConnections;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  /** {@code maxPerAddress} 0 means no limit per address. */
  ConnectionLimits(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Counts a new connection from {@code address}, or refuses it.
   *
   * @return null when taken (then {@link #release} it once), else why it was refused, as a sentence
   */
  String tryAcquire(InetAddress address) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return "This node holds its maximum of " + maxConnections + " connections (peerlink.gateway.max-connections); try another node or later.";
    }
    if (maxPerAddress > 0) {
      boolean[] refused = {false};
      perAddress.compute(address, (key, count) -> {
        int now = count == null ? 0 : count;
        if (now >= maxPerAddress) {
          refused[0] = true;
          return count;
        }
        return now + 1;
      });
      if (refused[0]) {
        open.decrementAndGet();
        return "Your address " + address.getHostAddress() + " already holds " + maxPerAddress
            + " connections to this node (peerlink.gateway.max-connections-per-address); close some first.";
      }
    }
    return null;
  }

  void release(InetAddress address) {
    open.decrementAndGet();
    if (maxPerAddress > 0) {
      perAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  int open() {
    return open.get();
  }

  int addresses() {
    return perAddress.size();
  }
}
