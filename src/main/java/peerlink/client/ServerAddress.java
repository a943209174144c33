package peerlink.client;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A router node's address as users write it, checked before anything connects to it: {@code host:port} or
 * {@code wss://host:port} (WebSocket over TLS, the default), or {@code ws://host:port} (plain text, only
 * where the client explicitly allows it: {@link ClientTls#allowPlain}).
 *
 * @param secure whether the connection runs over TLS
 * @param hostPort {@code host:port} as written (a bracketed IPv6 host keeps its brackets)
 */
public record ServerAddress(boolean secure, String host, int port, String hostPort) {
  public static final String SECURE_SCHEME = "wss://";
  public static final String PLAIN_SCHEME = "ws://";

  /**
   * Returns {@code server} unchanged if it is a valid address, else throws {@link IllegalArgumentException}
   * with a sentence that says what is wrong.
   */
  public static String requireValid(String server) {
    parse(server);
    return server;
  }

  /** @throws IllegalArgumentException with a sentence that says what is wrong */
  public static ServerAddress parse(String server) {
    boolean secure = true;
    String hostPort = server;
    if (server != null && server.startsWith(SECURE_SCHEME)) {
      hostPort = server.substring(SECURE_SCHEME.length());
    } else if (server != null && server.startsWith(PLAIN_SCHEME)) {
      secure = false;
      hostPort = server.substring(PLAIN_SCHEME.length());
    }
    String problem = problem(hostPort);
    if (problem != null) {
      throw new IllegalArgumentException(
          "'" + server + "' is not a router node's address (" + problem + "), e.g. localhost:8008 or wss://localhost:8008");
    }
    URI uri = URI.create("ws://" + hostPort);
    return new ServerAddress(secure, uri.getHost(), uri.getPort(), hostPort);
  }

  /** The WebSocket URI of {@code path} on this node. */
  public URI uri(String path) {
    return URI.create((secure ? SECURE_SCHEME : PLAIN_SCHEME) + hostPort + "/" + path);
  }

  /** The host without IPv6 brackets, as a TLS engine compares it with the certificate's names. */
  public String bareHost() {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String problem(String hostPort) {
    if (hostPort == null || hostPort.isBlank()) {
      return "it is empty";
    }
    URI uri;
    try {
      uri = new URI("ws://" + hostPort);
    } catch (URISyntaxException e) {
      return "it cannot be part of a URL";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || !hostPort.equals(uri.getRawAuthority())) {
      return "no host, or more than [scheme://]host:port";
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
