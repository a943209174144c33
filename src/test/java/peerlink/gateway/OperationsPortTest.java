package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.testing.InProcessNode;
import peerlink.testing.Poll;

/**
 * What an operator and a load balancer see of a real router node: the status report only on the
 * operations port, and {@code /ready} refused with the reason until the registry has recovered.
 */
class OperationsPortTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path data;

  @Test
  void theStatusReportIsOnTheOperationsPortAndTheClientPortSaysWhereItIs() throws Exception {
    try (InProcessNode node = InProcessNode.start(data)) {
      HttpResponse<String> onClientPort = get(node.port(), "/status");
      assertEquals(404, onClientPort.statusCode());
      assertEquals("Not found: /status is not served on the client port; it is on this node's operations port, http://127.0.0.1:"
          + node.opsPort() + "/status (peerlink.ops, --ops-port), or ask with bin/peerlink status.\n", onClientPort.body());

      HttpResponse<String> onOpsPort = get(node.opsPort(), "/status");
      assertEquals(200, onOpsPort.statusCode());
      assertEquals("application/json", onOpsPort.headers().firstValue("content-type").orElse(""));
      assertTrue(onOpsPort.body().startsWith("{") && onOpsPort.body().contains("\"clients\":0"), onOpsPort.body());

      assertEquals("ok\n", get(node.opsPort(), "/health").body());
      HttpResponse<String> unknown = get(node.opsPort(), "/ws");
      assertEquals(404, unknown.statusCode());
      assertEquals("Not found: /ws. The operations port serves /status, /health and /ready.\n", unknown.body());
    }
  }

  @Test
  void aNodeWhoseRegistryHasNotRecoveredIsAliveButNotReadyAndSaysWhyThenBecomesReady() throws Exception {
    // A new store with no rm and no other node waits this long before starting a deployment alone: until
    // then the registry's recovery fails (no primary granted), as on a node whose rm never answers.
    // Long enough that a slow start of the node on a busy machine does not use it up before the first probe.
    try (InProcessNode node = InProcessNode.start(data, ConfigFactory.parseString("peerlink.replication.fresh-store-alone-after = 20s"))) {
      assertEquals(200, get(node.opsPort(), "/health").statusCode(), "alive from the start");
      AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
      try {
        Poll.until(Duration.ofSeconds(20), () -> {
          last.set(get(node.opsPort(), "/ready"));
          return last.get().body().contains("the registry failed to recover");
        }, "/ready to say that the registry failed to recover");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; its last answer: " + (last.get() == null ? "none" : last.get().body()), e);
      }
      assertEquals(503, last.get().statusCode());
      assertTrue(last.get().body().startsWith("not ready: the registry failed to recover (it retries): not the primary: this store is new (empty)"),
          last.get().body());
      HttpResponse<String> onClientPort = get(node.port(), "/ready");
      assertEquals(503, onClientPort.statusCode(), "the client port's /ready, which load balancers probe, is refused too");
      assertEquals("not ready (why: see http://127.0.0.1:" + node.opsPort() + "/ready)\n", onClientPort.body(),
          "the client port does not tell the world about the cluster");

      Poll.until(Duration.ofSeconds(60), () -> get(node.opsPort(), "/ready").statusCode() == 200, "/ready once the node started alone");
      assertEquals("ready\n", get(node.opsPort(), "/ready").body());
      onClientPort = get(node.port(), "/ready");
      assertEquals(200, onClientPort.statusCode());
      assertEquals("ready\n", onClientPort.body());
    }
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build();
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " on port " + port + " failed", e);
    }
  }
}
