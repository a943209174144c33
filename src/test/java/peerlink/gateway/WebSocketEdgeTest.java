package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.Limits;
import peerlink.protocol.Signatures;
import peerlink.testing.InProcessNode;
import peerlink.testing.RawSocket;

/**
 * What the node's socket edge does with WebSocket and HTTP as a client sends them (the JDK's clients, not
 * ours): fragments, binary messages, oversize messages, and the plain HTTP endpoints.
 */
class WebSocketEdgeTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int LIMIT = Limits.DEFAULT.maxFrameBytes();
  @TempDir static Path data;
  private static InProcessNode node;

  @BeforeAll
  static void start() {
    node = InProcessNode.start(data);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aTextMessageInSeveralFramesIsReadAsOne() {
    try (RawSocket alice = registered("frag-alice")) {
      alice.sendFragments("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"frag-", "alice\",\"body\":\"h\u00e9llo w\u00f6rld ", "\u2713\"}");

      assertEquals("SENT", alice.next().get("state").asText());
      JsonNode message = alice.next();
      assertEquals("message", message.get("type").asText());
      assertEquals("h\u00e9llo w\u00f6rld \u2713", message.get("body").asText());
    }
  }

  @Test
  void aMessageOverTheLimitInFramesGetsFrameTooLargeAndTheConnectionCarriesOn() {
    try (RawSocket alice = registered("big-alice")) {
      String part = "x".repeat(LIMIT / 3);
      alice.sendFragments("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"big-alice\",\"body\":\"", part, part, part, part + "\"}");

      JsonNode error = alice.next();
      assertEquals("FRAME_TOO_LARGE", error.get("code").asText(), error.toString());

      alice.send("{\"type\":\"send\",\"id\":\"s2\",\"to\":\"big-alice\",\"body\":\"still here\"}");
      assertEquals("SENT", alice.next().get("state").asText());
      assertEquals("still here", alice.next().get("body").asText());
    }
  }

  @Test
  void aBinaryMessageIsIgnored() throws InterruptedException {
    try (RawSocket alice = registered("bin-alice")) {
      alice.sendBinary(new byte[] {1, 2, 3});
      assertTrue(alice.quietFor(300), "no answer to a binary message");

      alice.send("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"bin-alice\",\"body\":\"after binary\"}");
      assertEquals("SENT", alice.next().get("state").asText());
    }
  }

  @Test
  void aMessageFarOverTheLimitIsRefusedLikeAnyOther() {
    try (RawSocket bob = registered("huge-bob")) {
      bob.send("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"huge-bob\",\"body\":\"" + "x".repeat(10 * LIMIT) + "\"}");

      assertEquals("FRAME_TOO_LARGE", bob.next().get("code").asText());
      bob.send("{\"type\":\"send\",\"id\":\"s2\",\"to\":\"huge-bob\",\"body\":\"still here\"}");
      assertEquals("SENT", bob.next().get("state").asText());
    }
  }

  /** The JDK's client splits big messages into frames; this one sends a single frame, as others may. */
  @Test
  void aSingleFrameOverFourTimesTheLimitClosesOnlyThatConnectionWith1009() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", node.port()); RawSocket other = registered("huge-other")) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(raw.getInputStream());
      assertTrue(readLine(in).startsWith("HTTP/1.1 101"), "upgraded");
      while (!readLine(in).isEmpty()) {} // the rest of the upgrade response

      long length = 4L * LIMIT + 1;
      ByteBuffer header = ByteBuffer.allocate(14).put((byte) 0x81).put((byte) (0x80 | 127)).putLong(length).putInt(0); // text, final, masked with 0
      out.write(header.array());
      out.write(new byte[1024]); // the header alone decides: the rest is never needed
      out.flush();

      int closeStatus = -1;
      while (closeStatus < 0) { // skip the welcome; the close frame carries the status
        int opcode = in.readUnsignedByte() & 0x0f;
        int size = in.readUnsignedByte() & 0x7f;
        size = size == 126 ? in.readUnsignedShort() : size;
        byte[] payload = in.readNBytes(size);
        if (opcode == 0x8) {
          closeStatus = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
      }
      assertEquals(1009, closeStatus, "Message Too Big");

      other.send("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"huge-other\",\"body\":\"unaffected\"}");
      assertEquals("SENT", other.next().get("state").asText());
    }
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void healthAnswersAndStatusAndOtherPathsAreRefusedWithAReason() throws Exception {
    HttpResponse<String> health = get("/health", "GET");
    assertEquals(200, health.statusCode());
    assertEquals("ok\n", health.body());

    HttpResponse<String> status = get("/status", "GET");
    assertEquals(404, status.statusCode());
    assertTrue(status.body().contains("http://127.0.0.1:" + node.opsPort() + "/status"), status.body());

    HttpResponse<String> unknown = get("/nope", "GET");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.body().contains("/ws"), unknown.body());

    HttpResponse<String> post = get("/health", "POST");
    assertEquals(405, post.statusCode());
    assertTrue(post.body().contains("GET"), post.body());
  }

  @Test
  void theWebClientIsServedWithItsContentTypesAndNoOtherFileIsReachable() throws Exception {
    HttpResponse<String> page = get("/", "GET");
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=UTF-8", page.headers().firstValue("content-type").orElse(""));
    assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\"></script>"), page.body());
    assertTrue(page.headers().firstValue("content-security-policy").orElse("").contains("script-src 'self'"));
    assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(""));
    assertEquals("text/javascript; charset=UTF-8", get("/peerlink.js", "GET").headers().firstValue("content-type").orElse(""));
    assertEquals("text/javascript; charset=UTF-8", get("/app.js?v=2", "GET").headers().firstValue("content-type").orElse(""));
    assertEquals("text/css; charset=UTF-8", get("/style.css", "GET").headers().firstValue("content-type").orElse(""));
    assertEquals(405, get("/", "POST").statusCode());
    // Only the listed names: no path is resolved against a folder, in the jar or on disk.
    for (String path : new String[] {"/../pom.xml", "/%2e%2e/pom.xml", "/web/app.js", "/peerlink/gateway/WebFiles.class", "/index.html/", "//app.js", "/app.js%00"}) {
      assertTrue(rawGet(path).startsWith("HTTP/1.1 404"), path + " must not be served");
    }
  }

  /** A GET with the path sent exactly as written (an HTTP client would normalise it). */
  private static String rawGet(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static HttpResponse<String> get(String path, String method) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A socket whose peer is registered: the welcome and the registration's answer are read. */
  private static RawSocket registered(String peer) {
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
