package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import peerlink.testing.FreePorts;

/** The operations port on a real socket: the token when one is set, and what each endpoint answers. */
class OpsServerTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void withATokenEveryRequestNeedsItAsABearerToken() throws Exception {
    try (Running server = started("s3cret-token", Readiness.READY)) {
      int port = server.port();
      for (String path : new String[] {"/status", "/health", "/ready"}) {
        HttpResponse<String> without = get(port, path, null);
        assertEquals(401, without.statusCode(), path);
        assertEquals("This operations port needs the header 'Authorization: Bearer <token>' with the token of peerlink.ops.token.\n", without.body());
        assertEquals(401, get(port, path, "Bearer s3cret-tokeX").statusCode(), path + " with a wrong token");
        assertEquals(401, get(port, path, "Basic s3cret-token").statusCode(), path + " with another scheme");
        assertEquals(200, get(port, path, "Bearer s3cret-token").statusCode(), path + " with the token");
      }
      assertEquals("{\"node\":\"test\"}", get(port, "/status", "Bearer s3cret-token").body());
    }
  }

  @Test
  void withoutATokenOnLoopbackNoHeaderIsNeeded() throws Exception {
    try (Running server = started("", Readiness.READY)) {
      assertEquals(200, get(server.port(), "/status", null).statusCode());
      assertEquals("ready\n", get(server.port(), "/ready", null).body());
    }
  }

  @Test
  void aNodeThatCannotServeIsNotReadyWithItsReasonButStillAlive() throws Exception {
    try (Running server = started("", Readiness.notReady("this node is not an Up member of the cluster (it is Joining)"))) {
      HttpResponse<String> ready = get(server.port(), "/ready", null);
      assertEquals(503, ready.statusCode());
      assertEquals("not ready: this node is not an Up member of the cluster (it is Joining)\n", ready.body());
      assertEquals(200, get(server.port(), "/health", null).statusCode());
    }
  }

  /** An operations server on a free port whose status report and readiness are fixed. */
  private record Running(OpsServer server, int port) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
    }
  }

  private static Running started(String token, Readiness readiness) {
    int port = FreePorts.next();
    OpsServer server = new OpsServer(new OpsSettings("127.0.0.1", port, token),
        () -> CompletableFuture.completedFuture("{\"node\":\"test\"}"), () -> CompletableFuture.completedFuture(readiness));
    server.bind().toCompletableFuture().join();
    return new Running(server, port);
  }

  private static HttpResponse<String> get(int port, String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
