package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.Signatures;
import peerlink.testing.Http;
import peerlink.testing.InProcessNode;
import peerlink.testing.Poll;
import peerlink.testing.RawSocket;

/**
 * A client that stops reading is disconnected once more than {@code peerlink.gateway.max-unsent} has waited
 * for it for {@code stalled-timeout}; the node, the sender and the messages survive it, and the client gets
 * them all when it returns, in a burst far over max-unsent that it reads and is not cut off for.
 */
class SlowReaderTest {
  private static final int MESSAGES = 600;
  private static final String BODY = "y".repeat(50_000);
  @TempDir Path data;

  @Test
  void aClientThatStopsReadingIsDisconnectedAndGetsEverythingAfterItsNextLogin() {
    try (InProcessNode node = InProcessNode.start(data, ConfigFactory.parseString(
        // 30 MB wait for the reader: above the default inbox quota (16 MiB), which is not what this tests.
        "peerlink.gateway { max-unsent = 64KiB, stalled-timeout = 2s }, peerlink.limits.max-inbox-size = 64MiB"));
        RawSocket fast = RawSocket.connect(node.port())) {
      KeyPair slowKey = Signatures.newKeyPair();
      RawSocket slow = RawSocket.connect(node.port());
      assertEquals("ok", authenticate(slow, "register", "slow", slowKey).get("type").asText());
      assertEquals("ok", authenticate(fast, "register", "fast", Signatures.newKeyPair()).get("type").asText());
      assertEquals(2, Http.status(node.opsPort()).get("clients").asInt());
      slow.stopReading();

      // 30 MB for a reader that takes nothing: more than the kernel's socket buffers and max-unsent.
      for (int i = 1; i <= MESSAGES; i++) {
        fast.send("{\"type\":\"send\",\"id\":\"s" + i + "\",\"to\":\"slow\",\"body\":\"" + BODY + "\"}");
      }
      for (int i = 1; i <= MESSAGES; i++) {
        assertEquals("SENT", fast.next().get("state").asText(), "send " + i);
      }

      Poll.until(Duration.ofSeconds(30), () -> Http.status(node.opsPort()).get("clients").asInt() == 1, "the node to drop the client that stopped reading");
      slow.resumeReading();
      Poll.until(Duration.ofSeconds(30), slow::isClosed, "the stuck client to see its connection closed once it reads again");
      int before = 0;
      while (slow.skipOne()) {
        before++;
      }
      assertTrue(before < MESSAGES, "the stuck client was cut off before it got all " + MESSAGES + " (it got " + before + ")");

      try (RawSocket back = RawSocket.connect(node.port())) {
        assertEquals("ok", authenticate(back, "login", "slow", slowKey).get("type").asText());
        Set<Long> seqs = new HashSet<>();
        while (seqs.size() < MESSAGES) {
          JsonNode push = back.next();
          assertEquals("message", push.get("type").asText(), push.toString());
          assertEquals(BODY, push.get("body").asText());
          seqs.add(push.get("seq").asLong());
        }
      }
      fast.send("{\"type\":\"send\",\"id\":\"after\",\"to\":\"fast\",\"body\":\"the sender's connection carried on\"}");
      assertEquals("SENT", fast.next().get("state").asText());
    }
  }

  private static JsonNode authenticate(RawSocket socket, String type, String peer, KeyPair key) {
    String nonce = socket.next().get("nonce").asText();
    String signature = Signatures.sign(key.getPrivate(), nonce, peer);
    String publicKey = type.equals("register") ? ",\"publicKey\":\"" + Signatures.encode(key.getPublic()) + "\"" : ",\"lastSeq\":0";
    socket.send("{\"type\":\"" + type + "\",\"id\":\"a1\",\"version\":1,\"peer\":\"" + peer + "\"" + publicKey + ",\"signature\":\"" + signature + "\"}");
    return socket.next();
  }
}
