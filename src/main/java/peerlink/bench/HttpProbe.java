package peerlink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks a router node's operations port (plain HTTP, {@code --ops-port}) whether it is up ({@code /health})
 * and what the rm sees ({@code /status}); the clients' port does not serve {@code /status}.
 */
final class HttpProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HttpProbe() {}

  static boolean healthy(int opsPort) {
    try {
      HttpResponse<Void> response = HTTP.send(request(opsPort, "health"), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** The {@code /status} JSON, or null when the node does not answer with 200. */
  static JsonNode status(int opsPort) {
    try {
      HttpResponse<String> response = HTTP.send(request(opsPort, "status"), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + path)).timeout(Duration.ofSeconds(5)).GET().build();
  }
}
