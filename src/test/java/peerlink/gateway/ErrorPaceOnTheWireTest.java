package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.Signatures;
import peerlink.testing.InProcessNode;
import peerlink.testing.Poll;
import peerlink.testing.RawSocket;

/**
 * A connection that keeps sending what is refused is read at the pace of peerlink.session.errors (a burst of
 * 100, then 20 a second): nothing of it is refused or lost, every frame is answered, only later; another
 * client on the same node is not slowed.
 */
class ErrorPaceOnTheWireTest {
  private static final int BAD = 300;

  @TempDir Path data;

  @Test
  void aClientThatKeepsBeingRefusedIsReadMoreSlowlyAndEveryFrameIsStillAnswered() throws Exception {
    try (InProcessNode node = InProcessNode.start(data);
         RawSocket bad = RawSocket.connect(node.port());
         RawSocket good = RawSocket.connect(node.port())) {
      assertEquals("ok", register(bad, "bad").get("type").asText());
      assertEquals("ok", register(good, "good").get("type").asText());

      long start = System.nanoTime();
      for (int i = 1; i <= BAD; i++) {
        bad.send("{\"type\":\"no_such_type\",\"id\":\"b" + i + "\"}");
      }
      Thread.sleep(2_000);
      int soon = 0;
      while (bad.skipOne()) {
        soon++;
      }
      // 100 in the burst, then what the node had already read from the socket (several messages a read), then 20 a
      // second. Unpaced, all 300 are answered within a few hundred milliseconds.
      assertTrue(soon >= 100 && soon < BAD - 40, "answered in the first 2 s: " + soon + " of " + BAD);

      for (int i = 1; i <= 5; i++) {
        long t0 = System.nanoTime();
        good.send("{\"type\":\"send\",\"id\":\"g" + i + "\",\"to\":\"good\",\"body\":\"meanwhile\"}");
        JsonNode answer = good.next();
        while (!answer.path("type").asText().equals("ok")) {
          answer = good.next();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 2_000, "another client's round trip took " + millis + " ms");
      }

      int[] total = {soon};
      Poll.until(Duration.ofSeconds(30), () -> {
        while (bad.skipOne()) {
          total[0]++;
        }
        return total[0] >= BAD;
      }, "every bad frame to be answered in the end");
      System.out.printf("%d errors answered: %d in the first 2 s, all in %.1f s%n", BAD, soon, (System.nanoTime() - start) / 1e9);
    }
  }

  private static JsonNode register(RawSocket socket, String peer) {
    KeyPair key = Signatures.newKeyPair();
    String nonce = socket.next().get("nonce").asText();
    socket.send("{\"type\":\"register\",\"id\":\"r\",\"version\":1,\"peer\":\"" + peer + "\",\"publicKey\":\""
        + Signatures.encode(key.getPublic()) + "\",\"signature\":\"" + Signatures.sign(key.getPrivate(), nonce, peer) + "\"}");
    return socket.next();
  }
}
