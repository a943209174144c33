package peerlink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code bin/peerlink client --json} process: the test types commands on its stdin and reads the JSON
 * events it prints, exactly as a script would.
 */
final class ConsoleProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(45);

  private final String peer;
  private final Process process;
  private final PrintWriter stdin;
  private final List<JsonNode> events = new ArrayList<>();
  private final List<JsonNode> unseen = new ArrayList<>();

  private ConsoleProcess(String peer, Process process) {
    this.peer = peer;
    this.process = process;
    this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readEvents, "console-" + peer);
    reader.setDaemon(true);
    reader.start();
  }

  static ConsoleProcess start(String peer, Path home, List<String> servers) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(Launcher.bin().toString(), "client", "--id", peer, "--server", String.join(",", servers), "--json")
            .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve(peer + ".stderr").toFile()));
    Launcher.environment(builder);
    builder.environment().put("PEERLINK_HOME", home.toString());
    return new ConsoleProcess(peer, builder.start());
  }

  private void readEvents() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        JsonNode event = JSON.readTree(line);
        synchronized (this) {
          events.add(event);
          unseen.add(event);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Types one command line. */
  ConsoleProcess type(String line) {
    stdin.println(line);
    return this;
  }

  /** Waits for the first not-yet-awaited event that matches, and consumes it. */
  synchronized JsonNode await(String what, Predicate<JsonNode> match) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (JsonNode event : unseen) {
        if (match.test(event)) {
          unseen.remove(event);
          return event;
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(peer + " never showed " + what + "; it showed " + events);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  JsonNode awaitOk(String command) throws InterruptedException {
    return await("ok " + command, e -> is(e, "event", "ok") && is(e, "command", command));
  }

  JsonNode awaitError(String command, String code) throws InterruptedException {
    return await("error " + code + " for " + command, e -> is(e, "event", "error") && is(e, "command", command) && is(e, "code", code));
  }

  JsonNode awaitMessage(String body) throws InterruptedException {
    return await("message '" + body + "'", e -> is(e, "event", "message") && is(e, "body", body));
  }

  JsonNode awaitStatus(String msgId, String state, String recipient) throws InterruptedException {
    return await(
        state + " of " + msgId + (recipient == null ? "" : " for " + recipient),
        e -> is(e, "event", "status") && is(e, "msgId", msgId) && is(e, "state", state) && (recipient == null || is(e, "recipient", recipient)));
  }

  /** Sends and waits for SENT; returns the router's message id. */
  String send(String receiver, String body) throws InterruptedException {
    type("SEND_MSG " + receiver + " " + body);
    String msgId =
        await("SENT of '" + body + "'", e -> is(e, "event", "ok") && is(e, "command", "SEND_MSG") && is(e, "to", receiver))
            .get("msgId")
            .asText();
    awaitStatus(msgId, "SENT", null);
    return msgId;
  }

  /** Every event with this name seen so far, consumed or not, in order. */
  synchronized List<JsonNode> all(String event) {
    return events.stream().filter(e -> is(e, "event", event)).toList();
  }

  /** Closes stdin (end of input) and returns the exit code once the console has finished. */
  int endInput() throws InterruptedException {
    stdin.close();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError(peer + " did not exit after end of input");
    }
    return process.exitValue();
  }

  /** SIGKILL. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  static boolean is(JsonNode event, String field, String value) {
    return event.has(field) && event.get(field).asText().equals(value);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
