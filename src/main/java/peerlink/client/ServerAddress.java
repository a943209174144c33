package peerlink.client;

import java.net.URI;
import java.net.URISyntaxException;

/** A router node's address as users write it, {@code host:port}, checked before anything connects to it. */
public final class ServerAddress {
  private ServerAddress() {}

  /**
   * Returns {@code server} unchanged if it is {@code host:port} with a port from 1 to 65535 (a bracketed IPv6
   * host too), else throws {@link IllegalArgumentException} with a sentence that says what is wrong.
   */
  public static String requireValid(String server) {
    String problem = problem(server);
    if (problem != null) {
      throw new IllegalArgumentException("'" + server + "' is not a router node's host:port (" + problem + "), e.g. localhost:8008");
    }
    return server;
  }

  private static String problem(String server) {
    if (server == null || server.isBlank()) {
      return "it is empty";
    }
    URI uri;
    try {
      uri = new URI("ws://" + server);
    } catch (URISyntaxException e) {
      return "it cannot be part of a URL";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || !server.equals(uri.getRawAuthority())) {
      return "no host, or more than host:port";
    }
    if (uri.getPort() == -1) {
      return "no port";
    }
    if (uri.getPort() < 1 || uri.getPort() > 65535) {
      return "the port must be from 1 to 65535";
    }
    return null;
  }
}
