package peerlink.client.console;

import com.fasterxml.jackson.databind.JsonNode;
import peerlink.client.ClientTls;
import peerlink.client.ServerAddress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A console in --json mode on its own thread, fed through a pipe as a person would type (one line, then
 * wait for its answer) and read event by event: the console's {@code run} with its standard input and
 * output replaced, nothing else.
 */
final class ConsoleRun implements AutoCloseable {
  private final PrintWriter stdin;
  private final CompletableFuture<Integer> exit;
  private final Lines lines;
  private final List<JsonNode> unseen = new ArrayList<>();

  private ConsoleRun(PrintWriter stdin, CompletableFuture<Integer> exit, Lines lines) {
    this.stdin = stdin;
    this.exit = exit;
    this.lines = lines;
  }

  /**
   * In-process nodes of unit tests serve plain ws:// (src/test/resources/application.conf); the console's TLS
   * is tested against real bin/peerlink nodes (e2e) and GatewayTlsTest.
   */
  private static final ClientTls PLAIN = ClientTls.systemTrust().withPlainAllowed();

  private static List<String> plain(List<String> servers) {
    return servers.stream().map(server -> server.contains("://") ? server : ServerAddress.PLAIN_SCHEME + server).toList();
  }

  static ConsoleRun start(String peer, List<String> servers, boolean json, Path home) throws IOException {
    PipedOutputStream typing = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(typing, 64 * 1024);
    Lines lines = new Lines();
    PrintStream out = new PrintStream(lines, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return Console.runLines(peer, plain(servers), PLAIN, json, home, in, out);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, runnable -> new Thread(runnable, "console-" + peer).start());
    return new ConsoleRun(new PrintWriter(typing, true, StandardCharsets.UTF_8), exit, lines);
  }

  /** Runs a console over a whole script (standard input is the lines, then its end) and returns its events. */
  static List<JsonNode> script(String peer, List<String> servers, Path home, List<String> script, Duration deadline) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream((String.join("\n", script) + "\n").getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return Console.runLines(peer, plain(servers), PLAIN, true, home, in, new PrintStream(out, true, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, runnable -> new Thread(runnable, "console-" + peer).start());
    try {
      exit.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the console did not end within " + deadline.toSeconds() + " s of its input's end; it printed " + out.toString(StandardCharsets.UTF_8));
    }
    return out.toString(StandardCharsets.UTF_8).lines().map(ConsoleTest::parse).toList();
  }

  void type(String line) {
    stdin.println(line);
  }

  /** The first event not awaited before that matches, within 30 s. */
  JsonNode await(String what, Predicate<JsonNode> match) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      unseen.addAll(lines.take());
      for (JsonNode event : unseen) {
        if (match.test(event)) {
          unseen.remove(event);
          return event;
        }
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("the console never showed " + what + "; it showed " + lines.all());
      }
      lines.awaitMore(50);
    }
  }

  /** Closes standard input and returns the exit code once the console has finished. */
  int endInput(Duration deadline) throws Exception {
    stdin.close();
    try {
      return exit.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the console did not end within " + deadline.toSeconds() + " s of its input's end; it showed " + lines.all());
    }
  }

  @Override
  public void close() {
    stdin.close();
  }

  /** What the console prints, split into JSON events. */
  private static final class Lines extends OutputStream {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<JsonNode> fresh = new ArrayList<>();
    private final List<JsonNode> all = new ArrayList<>();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        JsonNode event = ConsoleTest.parse(partial.toString(StandardCharsets.UTF_8));
        fresh.add(event);
        all.add(event);
        partial.reset();
        notifyAll();
      } else {
        partial.write(b);
      }
    }

    synchronized List<JsonNode> take() {
      List<JsonNode> taken = List.copyOf(fresh);
      fresh.clear();
      return taken;
    }

    synchronized List<JsonNode> all() {
      return List.copyOf(all);
    }

    synchronized void awaitMore(long millis) throws InterruptedException {
      if (fresh.isEmpty()) {
        wait(millis);
      }
    }
  }
}
