package peerlink.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The node's WebSocket edge, read from {@code peerlink.gateway}.
 *
 * @param backlog connections the OS may queue before they are accepted
 * @param keepAliveIdle a connection idle this long gets a WebSocket ping
 * @param maxUnsentBytes bytes waiting for one client above which it counts as behind
 * @param stalledTimeout a client behind that takes nothing from its socket this long is disconnected
 * @param ioThreads threads serving all sockets of the node
 */
public record GatewaySettings(int backlog, Duration keepAliveIdle, int maxUnsentBytes, Duration stalledTimeout, int ioThreads) {
  private static final String PREFIX = "peerlink.gateway.";

  /** @throws IllegalArgumentException naming the setting that is out of range */
  public static GatewaySettings from(Config config) {
    int threads = config.getInt(PREFIX + "io-threads");
    require(threads >= 0, "io-threads", "must be 0 (one per core) or more, not " + threads);
    int backlog = config.getInt(PREFIX + "backlog");
    require(backlog > 0, "backlog", "must be more than 0, not " + backlog);
    Duration keepAlive = config.getDuration(PREFIX + "keep-alive-idle");
    require(!keepAlive.isNegative() && !keepAlive.isZero(), "keep-alive-idle", "must be longer than 0, not " + keepAlive);
    Duration stalled = config.getDuration(PREFIX + "stalled-timeout");
    require(!stalled.isNegative() && !stalled.isZero(), "stalled-timeout", "must be longer than 0, not " + stalled);
    long unsent = config.getMemorySize(PREFIX + "max-unsent").toBytes();
    require(unsent >= 1024 && unsent <= Integer.MAX_VALUE, "max-unsent", "must be between 1KiB and 2GiB, not " + unsent + " bytes");
    return new GatewaySettings(backlog, keepAlive, (int) unsent, stalled, threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
  }

  private static void require(boolean valid, String key, String why) {
    if (!valid) {
      throw new IllegalArgumentException(PREFIX + key + " " + why);
    }
  }
}
