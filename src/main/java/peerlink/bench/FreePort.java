package peerlink.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * TCP ports the OS reports free on this machine. The OS may offer a port again once the probe socket is
 * closed, before the node that was given it binds; two nodes given the same port fail with a bind
 * error. So no port is handed out twice in one JVM.
 */
public final class FreePort {
  private static final Set<Integer> handedOut = new HashSet<>();

  private FreePort() {}

  public static synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = probe();
      if (handedOut.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("the OS kept offering ports this JVM already handed out");
  }

  private static int probe() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
