package peerlink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP probes of a node's operations port (peerlink.ops): /status and /health. */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {}

  /** The node's {@code /status} report, from its operations port. */
  public static JsonNode status(int opsPort) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/status")).timeout(Duration.ofSeconds(10)).build();
      return new ObjectMapper().readTree(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body());
    } catch (Exception e) {
      throw new AssertionError("no /status from operations port " + opsPort, e);
    }
  }

  /** True when {@code /health} on the node's operations port answers 200 (the node is alive). */
  public static boolean answers(int opsPort) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/health")).timeout(Duration.ofSeconds(2)).build();
      return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** True when something accepts TCP connections on the port. */
  public static boolean listening(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
