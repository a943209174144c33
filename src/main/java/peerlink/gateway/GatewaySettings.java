package peerlink.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node's WebSocket edge, read from {@code peerlink.gateway}.
 *
 * @param backlog connections the OS may queue before they are accepted
 * @param keepAliveIdle a connection idle this long gets a WebSocket ping
 * @param maxUnsentBytes bytes waiting for one client above which it counts as behind (and is not read)
 * @param stalledTimeout a client behind that takes nothing from its socket this long is disconnected
 * @param ioThreads threads serving all sockets of the node
 * @param maxConnections connections the node holds at once; more are refused with a sentence
 * @param maxConnectionsPerAddress connections from one source address at once (0: no limit)
 * @param loginTimeout a connection not logged in this long after its TCP accept is closed
 * @param deadAfter a connection from which nothing (not even a pong) arrives this long is closed
 * @param loopbackWebPort a port on 127.0.0.1 where the node also serves the web client and WebSocket in plain
 *     text, for browsers on this machine; 0: none
 */
public record GatewaySettings(
    int backlog,
    Duration keepAliveIdle,
    int maxUnsentBytes,
    Duration stalledTimeout,
    int ioThreads,
    int maxConnections,
    int maxConnectionsPerAddress,
    Duration loginTimeout,
    Duration deadAfter,
    int loopbackWebPort) {
  private static final String PREFIX = "peerlink.gateway.";

  /** @throws IllegalArgumentException naming the setting that is out of range */
  public static GatewaySettings from(Config config) {
    int threads = config.getInt(PREFIX + "io-threads");
    require(threads >= 0, "io-threads", "must be 0 (one per core) or more, not " + threads);
    int backlog = config.getInt(PREFIX + "backlog");
    require(backlog > 0, "backlog", "must be more than 0, not " + backlog);
    Duration keepAlive = positive(config, "keep-alive-idle");
    Duration stalled = positive(config, "stalled-timeout");
    long unsent = config.getMemorySize(PREFIX + "max-unsent").toBytes();
    require(unsent >= 1024 && unsent <= Integer.MAX_VALUE, "max-unsent", "must be between 1KiB and 2GiB, not " + unsent + " bytes");
    int connections = config.getInt(PREFIX + "max-connections");
    require(connections > 0, "max-connections", "must be more than 0, not " + connections);
    int perAddress = config.getInt(PREFIX + "max-connections-per-address");
    require(perAddress >= 0, "max-connections-per-address", "must be 0 (no limit) or more, not " + perAddress);
    Duration login = positive(config, "login-timeout");
    Duration dead = positive(config, "dead-after");
    require(dead.compareTo(keepAlive.multipliedBy(2)) >= 0, "dead-after",
        "must be at least twice peerlink.gateway.keep-alive-idle (" + keepAlive + "), so that a live client has had two pings to answer, not " + dead);
    int webPort = config.getInt(PREFIX + "loopback-web-port");
    require(webPort >= 0 && webPort <= 65535, "loopback-web-port", "must be 0 (none) or a port from 1 to 65535, not " + webPort);
    return new GatewaySettings(
        backlog, keepAlive, (int) unsent, stalled, threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), connections, perAddress, login, dead,
        webPort);
  }

  private static Duration positive(Config config, String key) {
    Duration value = config.getDuration(PREFIX + key);
    require(!value.isNegative() && !value.isZero(), key, "must be longer than 0, not " + value);
    return value;
  }

  private static void require(boolean valid, String key, String why) {
    if (!valid) {
      throw new IllegalArgumentException(PREFIX + key + " " + why);
    }
  }
}
