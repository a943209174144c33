package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo prints its addresses only once its nodes answer ready; against real processes and a real HTTP port. */
class DemoReadinessTest {
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private HttpServer server;
  private Process process;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void waitsWhileANodeAnswersNotReadyAndReturnsOnceItIsReady() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    int port = opsPort(() -> asked.incrementAndGet() <= 3 ? 503 : 200);
    process = running();

    String problem = DemoReadiness.await(List.of(node("primary", port)), Duration.ofSeconds(30), out);

    assertNull(problem);
    assertEquals(4, asked.get());
  }

  @Test
  void saysWhichNodeExitedAndWhereItsLogIs() throws Exception {
    int port = opsPort(() -> 503);
    process = new ProcessBuilder("sh", "-c", "exit 3").start();
    process.waitFor();

    String problem = DemoReadiness.await(List.of(node("backup", port)), Duration.ofSeconds(30), out);

    assertEquals("the backup exited (code 3) before it was ready; see its log, " + Path.of("/tmp/demo/backup.log"), problem);
  }

  @Test
  void givesUpAfterTheTimeoutNamingWhatEachNodeStillWaitsFor() throws Exception {
    int nothingListens = freePort();
    int port = opsPort(() -> 503);
    process = running();

    String problem = DemoReadiness.await(
        List.of(node("primary", nothingListens), node("backup", port)), Duration.ofSeconds(1), out);

    assertEquals(
        "not ready after 1 s: primary: not listening yet; backup: not ready: the router singleton is not running yet; see the node logs", problem);
  }

  private DemoReadiness.Node node(String name, int port) {
    return new DemoReadiness.Node(name, process, port, Path.of("/tmp/demo/" + name + ".log"));
  }

  private static Process running() throws IOException {
    return new ProcessBuilder("sleep", "60").start();
  }

  /** An operations port whose {@code /ready} answers each request with the status {@code status} gives. */
  private int opsPort(java.util.function.IntSupplier status) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/ready", exchange -> {
      int code = status.getAsInt();
      byte[] body = (code == 200 ? "ready\n" : "not ready: the router singleton is not running yet\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
