package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.Signatures;
import peerlink.testing.InProcessNode;
import peerlink.testing.RawSocket;

/**
 * Invariant 6 from the outside: while one client sends frames that once broke the registry's writes (a lone
 * surrogate in the body, which the journal cannot store), another client's pipelined sends are all SENT.
 */
class BystanderTest {
  private static final int SENDS = 300;
  private static final int POISONED = 30;

  @TempDir
  Path data;

  @Test
  void aBystandersPipelinedSendsAreAllSentWhileAnotherClientSendsPoisonedFrames() throws Exception {
    try (InProcessNode node = InProcessNode.start(data);
         RawSocket carol = registered(node, "carol");
         RawSocket bob = registered(node, "bob");
         RawSocket mallory = registered(node, "mallory")) {
      CompletableFuture<Void> poison = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < POISONED; i++) {
          mallory.send("{\"type\":\"send\",\"id\":\"p" + i + "\",\"to\":\"carol\",\"body\":\"poison \\ud800 " + i + "\"}");
        }
      });
      for (int i = 0; i < SENDS; i++) {
        bob.send("{\"type\":\"send\",\"id\":\"b" + i + "\",\"to\":\"carol\",\"body\":\"hello " + i + "\"}");
      }
      poison.join();

      for (int i = 0; i < SENDS; i++) {
        JsonNode reply = bob.next();
        assertEquals("b" + i, reply.path("id").asText(), reply.toString());
        assertEquals("SENT", reply.path("state").asText(), reply.toString());
      }
      for (int i = 0; i < POISONED; i++) {
        JsonNode reply = mallory.next();
        assertEquals("BAD_FRAME", reply.path("code").asText(), reply.toString());
      }
    }
  }

  private static RawSocket registered(InProcessNode node, String peer) {
    RawSocket socket = RawSocket.connect(node.port());
    String nonce = socket.next().get("nonce").asText();
    KeyPair keys = Signatures.newKeyPair();
    socket.send(
        "{\"type\":\"register\",\"id\":\"r1\",\"version\":1,\"peer\":\"" + peer + "\",\"publicKey\":\""
            + Signatures.encode(keys.getPublic()) + "\",\"signature\":\"" + Signatures.sign(keys.getPrivate(), nonce, peer) + "\"}");
    assertEquals("ok", socket.next().get("type").asText());
    return socket;
  }
}
