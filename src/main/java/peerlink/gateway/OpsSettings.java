package peerlink.gateway;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The operations port, read from {@code peerlink.ops}: where {@code /status}, {@code /health} and
 * {@code /ready} are served in plain HTTP, apart from the clients' port.
 *
 * @param host address the operations port binds to
 * @param port its port (the node resolves 0 to the WebSocket port + 2000 before this is read)
 * @param token when not empty, every request needs {@code Authorization: Bearer <token>}
 */
public record OpsSettings(String host, int port, String token) {
  private static final String PREFIX = "peerlink.ops.";

  /**
   * @throws IllegalArgumentException naming the setting: among others, a host that is not a loopback
   *     address while no token is set (the cluster's status would be open to anyone who reaches it)
   */
  public static OpsSettings from(Config config) {
    String host = config.getString(PREFIX + "host");
    int port = config.getInt(PREFIX + "port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(PREFIX + "port must be between 1 and 65535, not " + port + " (give --ops-port, or a WebSocket port of "
          + "63535 or less for the default of WebSocket port + 2000)");
    }
    String token = config.getString(PREFIX + "token");
    if (token.isEmpty() && !loopback(host)) {
      throw new IllegalArgumentException(PREFIX + "host is " + host + ", which is not a loopback address, and " + PREFIX + "token is empty: "
          + "anyone who reaches it would read the cluster's status; set " + PREFIX + "token (or PEERLINK_OPS_TOKEN), or keep " + PREFIX
          + "host at 127.0.0.1");
    }
    return new OpsSettings(host, port, token);
  }

  /** host:port, as {@code bin/peerlink status --ops} takes it. */
  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(PREFIX + "host " + host + " is not an address of this machine: " + e.getMessage());
    }
  }
}
