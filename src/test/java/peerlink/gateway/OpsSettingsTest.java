package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** The operations port is never open beyond this machine without a token. */
class OpsSettingsTest {
  @Test
  void aHostThatIsNotLoopbackWithoutATokenIsRefusedWithWhatToDo() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> settings("0.0.0.0", ""));

    assertEquals("peerlink.ops.host is 0.0.0.0, which is not a loopback address, and peerlink.ops.token is empty: anyone who reaches it would "
        + "read the cluster's status; set peerlink.ops.token (or PEERLINK_OPS_TOKEN), or keep peerlink.ops.host at 127.0.0.1", refused.getMessage());
  }

  @Test
  void aHostThatIsNotLoopbackWithATokenIsAccepted() {
    assertEquals(new OpsSettings("0.0.0.0", 10008, "t"), settings("0.0.0.0", "t"));
  }

  @Test
  void loopbackNeedsNoToken() {
    assertEquals("127.0.0.1:10008", settings("127.0.0.1", "").address());
    assertEquals("localhost:10008", settings("localhost", "").address());
    assertEquals("[::1]:10008", settings("::1", "").address());
  }

  private static OpsSettings settings(String host, String token) {
    return OpsSettings.from(ConfigFactory.parseString("peerlink.ops { host = \"" + host + "\", port = 10008, token = \"" + token + "\" }"));
  }
}
