package peerlink.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports the OS reports free, for servers started by tests. */
public final class FreePorts {
  private FreePorts() {}

  public static int next() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
