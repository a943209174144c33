package peerlink.client.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientTls;
import peerlink.client.ClientRuntime;
import peerlink.client.PeerDirectory;
import peerlink.client.PeerLinkClient;
import peerlink.testing.InProcessNode;

/**
 * The console peer against a real router node (in this JVM, on a free port): every command line gets an
 * answer, also when the console cannot act as its peer (an ID registered with another key, a key file that
 * is not the registered one, no key at all).
 */
class ConsoleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path data;
  private static InProcessNode node;
  private static ClientRuntime runtime;

  @TempDir Path home;

  @BeforeAll
  static void startNode() throws Exception {
    node = InProcessNode.start(data);
    runtime = new ClientRuntime();
  }

  @AfterAll
  static void stopNode() {
    runtime.close();
    node.close();
  }

  @Test
  void afterARefusedRegisterEveryTypedCommandIsAnsweredWithWhatToDo() throws Exception {
    registerElsewhere("bob");
    try (ConsoleRun console = ConsoleRun.start("bob", servers(), true, home)) {
      console.type("REGISTER");
      JsonNode refused = console.await("the REGISTER error", e -> is(e, "event", "error") && is(e, "command", "REGISTER"));
      assertEquals("ID_TAKEN", refused.get("code").asText());

      for (String line : List.of("SEND_MSG alice hi", "GROUPS", "JOIN_GROUP team", "STATUS m1")) {
        String word = line.split(" ")[0];
        console.type(line);
        JsonNode error = console.await("an answer to " + line, e -> is(e, "event", "error") && is(e, "command", word));
        assertEquals("ID_TAKEN", error.get("code").asText(), error.toString());
        assertTrue(error.get("message").asText().contains("another key"), error.toString());
      }
      assertEquals(0, console.endInput(WAIT));
      String advice = refused.get("message").asText();
      assertTrue(advice.contains("another key") && advice.contains("--id") && advice.contains("identity.json"), advice);
    }
  }

  @Test
  void pipedInputAfterARefusedRegisterAnswersEveryLineBeforeTheConsoleEnds() throws Exception {
    registerElsewhere("carol");
    List<String> lines = List.of("REGISTER", "SEND_MSG alice hi", "GROUPS", "MEMBERS team", "CREATE_GROUP team2", "LEAVE_GROUP team", "STATUS m1");
    List<JsonNode> events = ConsoleRun.script("carol", servers(), home, lines, WAIT);

    List<String> answered = events.stream().filter(e -> is(e, "event", "error") || is(e, "event", "ok")).map(e -> e.get("command").asText()).toList();
    assertEquals(lines.stream().map(l -> l.split(" ")[0]).toList(), answered, "one answer per line, in order: " + events);
    events.stream().filter(e -> is(e, "event", "error")).forEach(e -> assertTrue(e.get("message").asText().contains("--id"), "says what to do: " + e));
  }

  @Test
  void aKeyFileThatIsNotTheRegisteredKeyGetsEveryCommandAnsweredWithWhatToDo() throws Exception {
    registerElsewhere("dave");
    new PeerDirectory(home, "dave").keys().create(); // a key of our own, not the one dave registered with
    try (ConsoleRun console = ConsoleRun.start("dave", servers(), true, home)) {
      console.await("the refused login", e -> is(e, "event", "notice") && is(e, "code", "AUTH_FAILED"));
      console.type("SEND_MSG alice hi");
      JsonNode error = console.await("an answer to SEND_MSG", e -> is(e, "event", "error") && is(e, "command", "SEND_MSG"));
      assertEquals("AUTH_FAILED", error.get("code").asText(), error.toString());
      assertTrue(error.get("message").asText().contains("identity.json"), error.toString());
      assertEquals(0, console.endInput(WAIT));
    }
  }

  @Test
  void aRefusedRegisterLeavesNoKeyFileBehind() throws Exception {
    registerElsewhere("erin");
    try (ConsoleRun console = ConsoleRun.start("erin", servers(), true, home)) {
      console.type("REGISTER");
      console.await("the REGISTER error", e -> is(e, "event", "error") && is(e, "command", "REGISTER"));
      assertEquals(0, console.endInput(WAIT));
    }
    // A key left there would make the next console log in with it and fail with a less helpful AUTH_FAILED.
    assertTrue(new PeerDirectory(home, "erin").keys().load().isEmpty(), "the key made for the refused REGISTER is gone");
  }

  @Test
  void commandsBeforeRegisterAreAnsweredAndRegisterThenWorks() throws Exception {
    try (ConsoleRun console = ConsoleRun.start("frank", servers(), true, home)) {
      console.type("GROUPS");
      assertEquals("NOT_REGISTERED", console.await("GROUPS refused", e -> is(e, "event", "error") && is(e, "command", "GROUPS")).get("code").asText());
      console.type("REGISTER");
      console.await("REGISTER ok", e -> is(e, "event", "ok") && is(e, "command", "REGISTER"));
      console.type("GROUPS");
      console.await("GROUPS ok", e -> is(e, "event", "ok") && is(e, "command", "GROUPS"));
      assertEquals(0, console.endInput(WAIT));
    }
  }

  private static List<String> servers() {
    return List.of("127.0.0.1:" + node.port());
  }

  /** Someone else (another key) registers {@code peer} first. */
  private static void registerElsewhere(String peer) throws Exception {
    PeerLinkClient other = PeerLinkClient.start(runtime, ClientOptions.inMemory(peer, List.of("ws://" + servers().get(0)), ClientTls.systemTrust().withPlainAllowed()), new ClientListener() {});
    other.register().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    other.close().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  static boolean is(JsonNode event, String field, String value) {
    return event.has(field) && event.get(field).asText().equals(value);
  }

  static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
