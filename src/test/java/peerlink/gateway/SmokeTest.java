package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.Signatures;
import peerlink.testing.InProcessNode;
import peerlink.testing.RawSocket;

class SmokeTest {
  @TempDir Path data;

  @Test
  void registerAndSendToSelf() {
    try (InProcessNode node = InProcessNode.start(data); RawSocket ws = RawSocket.connect(node.port())) {
      JsonNode welcome = ws.next();
      System.out.println(welcome);
      KeyPair keys = Signatures.newKeyPair();
      String sig = Signatures.sign(keys.getPrivate(), welcome.get("nonce").asText(), "alice");
      ws.send("{\"type\":\"register\",\"id\":\"r1\",\"version\":1,\"peer\":\"alice\",\"publicKey\":\"" + Signatures.encode(keys.getPublic()) + "\",\"signature\":\"" + sig + "\"}");
      System.out.println(ws.next());
      ws.send("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"alice\",\"body\":\"hi me\"}");
      System.out.println(ws.next());
      JsonNode msg = ws.next();
      System.out.println(msg);
      ws.send("{\"type\":\"ack\",\"upTo\":" + msg.get("seq").asLong() + "}");
      System.out.println(ws.next());
      ws.send("{not json");
      System.out.println(ws.next());
      assertEquals("message", msg.get("type").asText());
    }
  }
}
