package peerlink.client;

import java.time.Duration;
import java.util.List;

/**
 * How a client connects: its peer ID, the router nodes to try (in order, round robin on failure), where
 * its key and resume point live, and its timing.
 *
 * @param servers host:port of router nodes
 * @param minBackoff first wait before reconnecting after a lost connection; it doubles up to {@code maxBackoff}
 * @param ackDelay how long a received push may wait before the cumulative ack goes out (acks are batched)
 * @param retryDelay wait before resending a request the router answered UNAVAILABLE
 * @param requestTimeout how long a request may go unanswered (across reconnects and resends) before its
 *     future fails with {@code TIMED_OUT}; {@link PeerLinkClient#withDeadline} sets it per request
 * @param receipts whether this client's messages ask for {@code delivered} pushes (one per recipient that
 *     acknowledges); {@link PeerLinkClient#withoutReceipts} switches them off per message
 */
public record ClientOptions(
    String peer,
    List<String> servers,
    KeyStore keys,
    ResumeStore resume,
    Duration minBackoff,
    Duration maxBackoff,
    Duration ackDelay,
    Duration retryDelay,
    Duration requestTimeout,
    boolean receipts) {

  /**
   * 60 s: longer than a failover (1 to 8 s), the router's own request timeout (30 s, after which the client
   * resends once more) and the longest reconnect backoff (3 s), so a deployment that recovers by itself
   * answers in time; short enough that a program learns within a minute that nothing will answer.
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  public ClientOptions {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no router node to connect to");
    }
    servers.forEach(ServerAddress::requireValid);
    requirePositive("minBackoff", minBackoff);
    requirePositive("maxBackoff", maxBackoff);
    requirePositive("ackDelay", ackDelay);
    requirePositive("retryDelay", retryDelay);
    requirePositive("requestTimeout", requestTimeout);
  }

  public static ClientOptions of(String peer, List<String> servers, KeyStore keys, ResumeStore resume) {
    return new ClientOptions(
        peer, List.copyOf(servers), keys, resume, Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofMillis(20), Duration.ofMillis(500),
        DEFAULT_REQUEST_TIMEOUT, true);
  }

  /** A client whose key and resume point live only in memory. */
  public static ClientOptions inMemory(String peer, List<String> servers) {
    return of(peer, servers, KeyStore.inMemory(), ResumeStore.inMemory());
  }

  /** These options with another default deadline for every request. */
  public ClientOptions withRequestTimeout(Duration timeout) {
    return new ClientOptions(peer, servers, keys, resume, minBackoff, maxBackoff, ackDelay, retryDelay, timeout, receipts);
  }

  /** These options with delivery receipts on or off for every message this client sends. */
  public ClientOptions withReceipts(boolean on) {
    return new ClientOptions(peer, servers, keys, resume, minBackoff, maxBackoff, ackDelay, retryDelay, requestTimeout, on);
  }

  static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
    }
  }
}
