package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientRuntime;
import peerlink.client.PeerDirectory;
import peerlink.client.PeerLinkClient;
import peerlink.protocol.ServerFrame;

/**
 * Issue 23, tests: a store written by an older build is read by this one. The fixture is a single router
 * node's data directory as the build named in it left it after a SIGTERM, made by
 * {@code src/test/upgrade/make-store.sh} (which says what is in it): registered peers with their keys, a
 * group, messages waiting for two away peers (bodies inside the events and inside the checkpoint, as that build
 * kept them), and delivered messages whose records and client ids the router keeps. This build must serve
 * all of it as that build would have: states, duplicate detection, and every waiting message once, in order.
 */
class UpgradeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path work;

  /**
   * The builds the fixtures were written by: {@code 59c4082}, the last before message bodies moved beside the
   * journal (everything in events and checkpoints); {@code 5dd6573}, the last that kept each send id's and each
   * delivered record's position under a key of its own (key spaces 18 and 20), forgotten one per send.
   */
  @ParameterizedTest(name = "a store written by {0}")
  @ValueSource(strings = {"59c4082", "5dd6573"})
  void aStoreWrittenByAnOlderBuildIsServedWhole(String oldBuild) throws Exception {
    unpack("upgrade/store-" + oldBuild + ".tar.gz", work);
    JsonNode expected = JSON.readTree(work.resolve("expected.json").toFile());
    Path home = work.resolve("home");
    try (ServerProcess router = new ServerProcess(work, "router").start();
        ClientRuntime runtime = new ClientRuntime()) {
      String server = router.address();
      Map<String, Inbox> online = Map.of("alice", new Inbox(), "bob", new Inbox());
      Map<String, PeerLinkClient> senders = Map.of(
          "alice", start(runtime, server, home, "alice", online.get("alice")),
          "bob", start(runtime, server, home, "bob", online.get("bob")));
      for (PeerLinkClient sender : senders.values()) {
        PeerLinkClient.await(sender.loggedIn());
      }

      // Every state as the old build left it: the queued messages SENT (the team's delivered to bob), the rest DELIVERED.
      for (JsonNode state : expected.get("states")) {
        ServerFrame.MessageStatus status = PeerLinkClient.await(senders.get(state.get("from").asText()).status(state.get("msgId").asText()));
        assertEquals(state.get("state").asText(), status.state(), state + " is " + status);
        assertEquals(texts(state.get("delivered")), status.delivered(), state + " is " + status);
      }
      // A resent client id is still known: the old build's kept send ids came across.
      JsonNode resent = keptSend(expected);
      ServerFrame.Ok again = PeerLinkClient.await(senders.get("alice").send(resent.get("clientId").asText(), "bob", "resent after the upgrade"));
      assertEquals(resent.get("msgId").asText(), again.msgId(), "a resent id gets its first message id: " + again);
      assertEquals(Boolean.TRUE, again.duplicate(), "and is a duplicate: " + again);

      // The away peers come back and get what waited for them, bodies and all, once and in order.
      for (String away : List.of("carol", "dave")) {
        Inbox inbox = new Inbox();
        PeerLinkClient client = start(runtime, server, home, away, inbox);
        List<JsonNode> waiting = new ArrayList<>();
        expected.get("queued").get(away).forEach(waiting::add);
        Await.until(WAIT, () -> inbox.messages.size() >= waiting.size(), () -> away + "'s " + waiting.size() + " messages, got " + inbox.summary());
        assertEquals(waiting.stream().map(UpgradeIT::summary).toList(), inbox.summary(), away + " gets every waiting message once, in order");
        PeerLinkClient.await(client.close(WAIT));
      }
      for (JsonNode state : expected.get("states")) {
        PeerLinkClient sender = senders.get(state.get("from").asText());
        String msgId = state.get("msgId").asText();
        Await.until(WAIT, () -> PeerLinkClient.await(sender.status(msgId)).state().equals("DELIVERED"), () -> msgId + " DELIVERED");
      }

      // What this build writes into the old store survives a crash next to what the old build wrote.
      String after = PeerLinkClient.await(senders.get("alice").send("dave", "written by the new build")).msgId();
      router.kill();
      router.start();
      Inbox daveAgain = new Inbox();
      PeerLinkClient dave = start(runtime, server, home, "dave", daveAgain);
      Await.until(WAIT, () -> !daveAgain.messages.isEmpty(), () -> "dave's message after the restart");
      assertEquals(List.of(after + " alice null written by the new build"), daveAgain.summary(), "only the new message: the old ones were acknowledged");
      PeerLinkClient.await(dave.close(WAIT));
      assertTrue(Files.readString(router.log()).contains("Registry recovered: 4 peers, 1 groups"), "the node log says what it recovered");
    }
  }

  private static JsonNode keptSend(JsonNode expected) {
    for (JsonNode state : expected.get("states")) {
      if (state.has("clientId")) {
        return state;
      }
    }
    throw new AssertionError("the fixture has no send with a client id");
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  private static String summary(JsonNode message) {
    return message.get("msgId").asText() + " " + message.get("from").asText() + " " + message.path("group").asText(null) + " " + message.get("body").asText();
  }

  private static PeerLinkClient start(ClientRuntime runtime, String server, Path home, String peer, ClientListener listener) {
    PeerDirectory directory = new PeerDirectory(home, peer);
    return PeerLinkClient.start(runtime, ClientOptions.of(peer, List.of(server), directory.keys(), directory.resume(), Launcher.clientTls()), listener);
  }

  /** Unpacks a {@code .tar.gz} from the test classpath with the system's tar, as an operator restores a backup. */
  private static void unpack(String resource, Path into) throws Exception {
    Path archive = into.resolve("fixture.tar.gz");
    try (InputStream in = UpgradeIT.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("no " + resource + " on the test classpath (src/test/upgrade/make-store.sh makes it)");
      }
      Files.copy(in, archive);
    }
    Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
    assertEquals(0, tar.waitFor(), "tar -xzf " + archive);
  }

  /** What a client received, in order; the library acknowledges each after this returns. */
  private static final class Inbox implements ClientListener {
    final List<ServerFrame.Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(ServerFrame.Message message) {
      messages.add(message);
    }

    List<String> summary() {
      return messages.stream().map(m -> m.msgId() + " " + m.from() + " " + m.group() + " " + m.body()).toList();
    }
  }
}
