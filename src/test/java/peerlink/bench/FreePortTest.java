package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ports given to nodes are free, distinct, and, on Linux, outside the range the OS uses for outgoing
 * connections, so that no connection made meanwhile can take one before its node binds it.
 */
class FreePortTest {
  @Test
  void portsAreDistinctAndANodeCanListenOnEach() throws IOException {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      int port = FreePort.next();
      assertTrue(ports.add(port), "handed out twice: " + port);
      try (ServerSocket node = new ServerSocket()) {
        node.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      }
    }
    assertEquals(50, ports.size());
  }

  @Test
  void onLinuxPortsLieBelowTheEphemeralRange() {
    var start = FreePort.ephemeralRangeStart();
    assumeTrue(start.isPresent() && start.get() > FreePort.LOWEST + 1_000, "no ephemeral range to stay below on this OS");
    for (int i = 0; i < 50; i++) {
      int port = FreePort.next();
      assertTrue(port >= FreePort.LOWEST && port < start.get(), port + " is not in [" + FreePort.LOWEST + ", " + start.get() + ")");
    }
  }
}
