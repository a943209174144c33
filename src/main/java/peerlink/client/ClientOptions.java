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
 * @param tls how the nodes' certificates are checked, and whether {@code ws://} addresses are allowed
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
    boolean receipts,
    ClientTls tls) {

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
    if (tls == null) {
      throw new IllegalArgumentException("no TLS settings: use ClientTls.systemTrust() or ClientTls.trusting(caFile)");
    }
    servers.forEach(server -> tls.requireAllowed(ServerAddress.parse(server)));
    requirePositive("minBackoff", minBackoff);
    requirePositive("maxBackoff", maxBackoff);
    requirePositive("ackDelay", ackDelay);
    requirePositive("retryDelay", retryDelay);
    requirePositive("requestTimeout", requestTimeout);
  }

  /** Nodes checked against the JVM's trust store; see {@link #of(String, List, KeyStore, ResumeStore, ClientTls)}. */
  public static ClientOptions of(String peer, List<String> servers, KeyStore keys, ResumeStore resume) {
    return of(peer, servers, keys, resume, ClientTls.systemTrust());
  }

  public static ClientOptions of(String peer, List<String> servers, KeyStore keys, ResumeStore resume, ClientTls tls) {
    return new ClientOptions(
        peer, List.copyOf(servers), keys, resume, Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofMillis(20), Duration.ofMillis(500),
        DEFAULT_REQUEST_TIMEOUT, true, tls);
  }

  /** A client whose key and resume point live only in memory. */
  public static ClientOptions inMemory(String peer, List<String> servers) {
    return of(peer, servers, KeyStore.inMemory(), ResumeStore.inMemory());
  }

  /** The same, checking the nodes as {@code tls} says. */
  public static ClientOptions inMemory(String peer, List<String> servers, ClientTls tls) {
    return of(peer, servers, KeyStore.inMemory(), ResumeStore.inMemory(), tls);
  }

  /** These options with another default deadline for every request. */
  public ClientOptions withRequestTimeout(Duration timeout) {
    return new ClientOptions(peer, servers, keys, resume, minBackoff, maxBackoff, ackDelay, retryDelay, timeout, receipts, tls);
  }

  /** These options with delivery receipts on or off for every message this client sends. */
  public ClientOptions withReceipts(boolean on) {
    return new ClientOptions(peer, servers, keys, resume, minBackoff, maxBackoff, ackDelay, retryDelay, requestTimeout, on, tls);
  }

  /** These options with another way of checking the nodes (a CA file, or plain text allowed). */
  public ClientOptions withTls(ClientTls how) {
    return new ClientOptions(peer, servers, keys, resume, minBackoff, maxBackoff, ackDelay, retryDelay, requestTimeout, receipts, how);
  }

  static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
    }
  }
}
