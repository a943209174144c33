package peerlink.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Waits until the demo's router nodes answer {@code /ready} on their operations ports, so that the
 * addresses the demo prints work the moment they are printed (a JVM start, the first start's TLS keys and
 * the cluster's formation take several seconds). Gives up, saying why, when a node's process exits or the
 * time runs out.
 */
final class DemoReadiness {
  /** A router node the demo started: its process, its operations port on 127.0.0.1, and its log. */
  record Node(String name, Process process, int opsPort, Path log) {}

  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private DemoReadiness() {}

  /**
   * Polls every node until all are ready; prints a line on {@code out} every 10 s with what each still waits for.
   *
   * @return null when all are ready, else a sentence saying which node is not and why
   */
  static String await(List<Node> nodes, Duration timeout, PrintStream out) throws InterruptedException {
    return new DemoReadiness().poll(nodes, timeout, out);
  }

  private String poll(List<Node> nodes, Duration timeout, PrintStream out) throws InterruptedException {
    Map<Node, String> waiting = new LinkedHashMap<>();
    nodes.forEach(node -> waiting.put(node, "not started yet"));
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    long nextProgress = started + PROGRESS_EVERY.toNanos();
    while (true) {
      for (Node node : List.copyOf(waiting.keySet())) {
        if (!node.process().isAlive()) {
          return "the " + node.name() + " exited (code " + node.process().exitValue() + ") before it was ready; see its log, " + node.log();
        }
        String problem = problem(node);
        if (problem == null) {
          waiting.remove(node);
        } else {
          waiting.put(node, problem);
        }
      }
      if (waiting.isEmpty()) {
        return null;
      }
      long now = System.nanoTime();
      if (now >= deadline) {
        return "not ready after " + timeout.toSeconds() + " s: " + describe(waiting) + "; see the node logs";
      }
      if (now >= nextProgress) {
        out.printf("Still waiting (%d s): %s%n", Duration.ofNanos(now - started).toSeconds(), describe(waiting));
        nextProgress = now + PROGRESS_EVERY.toNanos();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Null when the node answers ready, else what it answered (or that it does not listen yet). */
  private String problem(Node node) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.opsPort() + "/ready")).timeout(Duration.ofSeconds(3)).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? null : response.body().strip();
    } catch (ConnectException e) {
      return "not listening yet";
    } catch (IOException e) {
      return "no answer from its operations port (" + e.getMessage() + ")";
    }
  }

  private static String describe(Map<Node, String> waiting) {
    return waiting.entrySet().stream().map(e -> e.getKey().name() + ": " + e.getValue()).collect(Collectors.joining("; "));
  }
}
