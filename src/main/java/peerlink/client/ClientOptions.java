package peerlink.client;

import java.time.Duration;
import java.util.List;

/**
 * How a client connects: its peer ID, the router nodes to try (in order, round robin on failure), where
 * its key and resume point live, and its timing.
 *
 * @param servers host:port of router nodes
 * @param ackDelay how long a received push may wait before the cumulative ack goes out (acks are batched)
 * @param retryDelay wait before resending a request the router answered UNAVAILABLE
 */
public record ClientOptions(
    String peer,
    List<String> servers,
    KeyStore keys,
    ResumeStore resume,
    Duration minBackoff,
    Duration maxBackoff,
    Duration ackDelay,
    Duration retryDelay) {

  public ClientOptions {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no router node to connect to");
    }
    servers.forEach(ServerAddress::requireValid);
  }

  public static ClientOptions of(String peer, List<String> servers, KeyStore keys, ResumeStore resume) {
    return new ClientOptions(
        peer, List.copyOf(servers), keys, resume, Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofMillis(20), Duration.ofMillis(500));
  }

  /** A client whose key and resume point live only in memory. */
  public static ClientOptions inMemory(String peer, List<String> servers) {
    return of(peer, servers, KeyStore.inMemory(), ResumeStore.inMemory());
  }
}
