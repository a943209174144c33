package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.Signatures;
import peerlink.testing.InProcessNode;
import peerlink.testing.Poll;
import peerlink.testing.RawSocket;
import peerlink.testing.SilentWebSocket;

/**
 * The bounds of a node's client edge, from a client's side: connections per node and per address, the
 * login deadline from TCP accept, the close of a connection that answers no ping, few frames read before
 * login, and a client that floods without reading is slowed and then cut off. Each answer says which bound.
 */
class ConnectionBoundsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  @TempDir Path data;

  @Test
  void connectionsOverTheLimitPerAddressGet503WithTheLimitNamedAndCloseFreesASlot() throws Exception {
    try (InProcessNode node = InProcessNode.start(data, ConfigFactory.parseString("peerlink.gateway.max-connections-per-address = 2"))) {
      RawSocket first = connectOnceFree(node.port());
      RawSocket second = RawSocket.connect(node.port());
      assertEquals("welcome", first.next().get("type").asText());
      assertEquals("welcome", second.next().get("type").asText());

      HttpResponse<String> refused = get(node.port(), "/ws");
      assertEquals(503, refused.statusCode());
      assertTrue(refused.body().contains("already holds 2 connections to this node (peerlink.gateway.max-connections-per-address)"), refused.body());

      first.close();
      Poll.until(WAIT, () -> get(node.port(), "/health").statusCode() == 200, "a slot to free up once a connection closed");
      second.close();
    }
  }

  @Test
  void connectionsOverTheNodesLimitGet503WithTheLimitNamed() throws Exception {
    try (InProcessNode node = InProcessNode.start(data, ConfigFactory.parseString(
        "peerlink.gateway { max-connections = 1, max-connections-per-address = 0 }"));
        RawSocket only = connectOnceFree(node.port())) {
      assertEquals("welcome", only.next().get("type").asText());
      HttpResponse<String> refused = get(node.port(), "/health");
      assertEquals(503, refused.statusCode());
      assertTrue(refused.body().contains("holds its maximum of 1 connections (peerlink.gateway.max-connections)"), refused.body());
    }
  }

  @Test
  void aConnectionThatDoesNotLogInInTimeIsClosedFromTcpAcceptOnOrAfterTheUpgrade() throws Exception {
    try (InProcessNode node = InProcessNode.start(data, ConfigFactory.parseString("peerlink.gateway.login-timeout = 2s"))) {
      long start = System.nanoTime();
      try (Socket silent = new Socket("127.0.0.1", node.port())) {
        silent.setSoTimeout((int) WAIT.toMillis());
        InputStream in = silent.getInputStream();
        assertEquals(-1, in.read(), "a TCP connection that never sends a byte is closed");
      }
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "closed near the 2 s deadline");

      try (Socket halfUpgrade = new Socket("127.0.0.1", node.port())) {
        halfUpgrade.setSoTimeout((int) WAIT.toMillis());
        halfUpgrade.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n".getBytes()); // never finished
        assertEquals(-1, halfUpgrade.getInputStream().read(), "a connection stuck half-way through the upgrade is closed");
      }

      KeyPair key = Signatures.newKeyPair();
      RawSocket upgraded = RawSocket.connect(node.port());
      RawSocket loggedIn = RawSocket.connect(node.port());
      assertEquals("ok", authenticate(loggedIn, "register", "stays", key).get("type").asText());
      Poll.until(WAIT, upgraded::isClosed, "the upgraded connection that never logged in to be closed");
      assertEquals("1008 not logged in within 2 s of connecting", upgraded.closeStatus());

      Thread.sleep(2500); // past the deadline: a logged-in connection is not affected
      loggedIn.send("{\"type\":\"groups\",\"id\":\"g1\"}");
      assertEquals("group_list", loggedIn.next().get("type").asText());
      assertFalse(loggedIn.isClosed());
      loggedIn.close();
    }
  }

  @Test
  void aConnectionThatAnswersNoPingIsClosedAndOneThatDoesStays() throws Exception {
    try (InProcessNode node = InProcessNode.start(data, ConfigFactory.parseString("peerlink.gateway { keep-alive-idle = 1s, dead-after = 2s }"));
        RawSocket alive = RawSocket.connect(node.port());
        SilentWebSocket dead = SilentWebSocket.connect(node.port())) {
      assertEquals("ok", authenticate(alive, "register", "alive", Signatures.newKeyPair()).get("type").asText());
      KeyPair key = Signatures.newKeyPair();
      String nonce = JSON.readTree(dead.readText()).get("nonce").asText();
      dead.sendText("{\"type\":\"register\",\"id\":\"a1\",\"peer\":\"dead\",\"publicKey\":\"" + Signatures.encode(key.getPublic())
          + "\",\"signature\":\"" + Signatures.sign(key.getPrivate(), nonce, "dead") + "\"}");
      assertEquals("ok", JSON.readTree(dead.readText()).get("type").asText());

      // From here the dead peer answers nothing; what the node sends it is read only to see the end.
      int pings = 0;
      SilentWebSocket.Frame close = null;
      for (SilentWebSocket.Frame frame = dead.read(); frame != null; frame = dead.read()) {
        if (frame.opcode() == 9) {
          pings++;
        } else if (frame.opcode() == 8) {
          close = frame;
        }
      }
      assertTrue(pings >= 1, "the node pinged before giving up: " + pings);
      assertTrue(close != null, "the node sent a close frame before closing the connection");
      assertEquals(1001, close.closeStatus());
      assertEquals("no answer to pings", close.closeReason());
      alive.send("{\"type\":\"groups\",\"id\":\"g1\"}");
      assertEquals("group_list", alive.next().get("type").asText(), "a client that answers the pings stays");
    }
  }

  @Test
  void beforeLoginAMessageIsReadOnlyAsFarAsALoginNeeds() throws Exception {
    try (InProcessNode node = InProcessNode.start(data); RawSocket socket = RawSocket.connect(node.port())) {
      assertEquals("welcome", socket.next().get("type").asText());
      StringBuilder message = new StringBuilder();
      for (int i = 1; i <= 50; i++) {
        message.append("{\"type\":\"groups\",\"id\":\"g").append(i).append("\"}\n");
      }
      socket.send(message.toString());
      for (int i = 1; i <= 4; i++) {
        assertEquals("NOT_AUTHENTICATED", socket.next().get("code").asText());
      }
      JsonNode cut = socket.next();
      assertEquals("FRAME_TOO_LARGE", cut.get("code").asText());
      assertEquals("A message holds at most 4 frames before login; the rest of it was not read.", cut.get("message").asText());
      assertTrue(socket.quietFor(500), "nothing for the 45 frames not read");
    }
  }

  @Test
  void aClientThatFloodsRequestsAndReadsNothingIsSlowedThenCutOffAndOthersCarryOn() throws Exception {
    // Without the error pace (ErrorPaceOnTheWireTest tests it): paced, this flood is held at 20 errors a second and
    // would take minutes to fill the kernel's socket buffers; this tests the bound on output that waits unread.
    try (InProcessNode node = InProcessNode.start(data, ConfigFactory.parseString(
            "peerlink.gateway { max-unsent = 64KiB, stalled-timeout = 2s }, peerlink.session.errors { burst = 1000000000, refill = 1h }"));
        RawSocket bystander = RawSocket.connect(node.port());
        SilentWebSocket flood = SilentWebSocket.connect(node.port())) {
      assertEquals("ok", authenticate(bystander, "register", "bystander", Signatures.newKeyPair()).get("type").asText());
      KeyPair key = Signatures.newKeyPair();
      String nonce = JSON.readTree(flood.readText()).get("nonce").asText();
      flood.sendText("{\"type\":\"register\",\"id\":\"a1\",\"peer\":\"flood\",\"publicKey\":\"" + Signatures.encode(key.getPublic())
          + "\",\"signature\":\"" + Signatures.sign(key.getPrivate(), nonce, "flood") + "\"}");
      // Each message: 300 frames that each get an error back; the flood never reads one.
      StringBuilder bad = new StringBuilder();
      for (int i = 0; i < 300; i++) {
        bad.append("{\"type\":\"nonsense\",\"id\":\"x").append(i).append("\"}\n");
      }
      String message = bad.toString();
      java.util.concurrent.CompletableFuture<String> cutOff = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int sent = 0;
        try {
          while (System.nanoTime() < deadline) {
            flood.sendText(message); // blocks once the node stops reading and the socket buffers are full
            sent++;
          }
          return "still open after " + sent + " messages";
        } catch (java.io.IOException e) {
          // The node stops reading it at once; what it still wrote sits in the kernel's socket buffers
          // (a few MiB on loopback, about 1,000 of these messages). Unchecked, it wrote over 10,000.
          return sent < 3_000 ? "cut off" : "cut off, but only after " + sent + " messages of 9 KB were read";
        }
      });
      for (int i = 0; i < 5 && !cutOff.isDone(); i++) {
        bystander.send("{\"type\":\"groups\",\"id\":\"b" + i + "\"}");
        assertEquals("group_list", bystander.next().get("type").asText(), "the bystander is answered during the flood");
        Thread.sleep(500);
      }
      assertEquals("cut off", cutOff.get(90, java.util.concurrent.TimeUnit.SECONDS), "the node cuts off a client that floods and reads nothing");
      bystander.send("{\"type\":\"groups\",\"id\":\"after\"}");
      assertEquals("group_list", bystander.next().get("type").asText());
    }
  }

  /** Connects once the node has counted the start-up probe's connection as closed (it closes as it answers). */
  private static RawSocket connectOnceFree(int port) {
    RawSocket[] socket = new RawSocket[1];
    Poll.until(WAIT, () -> {
      try {
        socket[0] = RawSocket.connect(port);
        return true;
      } catch (RuntimeException refused) {
        return false;
      }
    }, "a connection slot on port " + port);
    return socket[0];
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
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
