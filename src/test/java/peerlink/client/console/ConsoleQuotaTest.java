package peerlink.client.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientTls;
import peerlink.client.ClientRuntime;
import peerlink.client.ClientTls;
import peerlink.client.PeerLinkClient;
import peerlink.testing.InProcessNode;

/**
 * What a console user sees of the quotas (issue 22): a group message REJECTED for a member whose inbox is
 * full, a direct message refused as REJECTED, and GROUPS and MEMBERS listing every page. The node's inboxes
 * hold one message, and a peer may create enough groups for two pages.
 */
class ConsoleQuotaTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String BOB_FULL = "bob's inbox is full (at most 1 message or 16 MiB may wait to be read); try again later.";

  @TempDir static Path data;
  private static InProcessNode node;
  private static ClientRuntime runtime;

  @TempDir Path home;

  @BeforeAll
  static void startNode() {
    node = InProcessNode.start(data, ConfigFactory.parseString("peerlink.limits { max-inbox-messages = 1, max-groups-per-peer = 2000 }"));
    runtime = new ClientRuntime();
  }

  @AfterAll
  static void stopNode() {
    runtime.close();
    node.close();
  }

  /** bob is in group team with carol (who reads), bob reads nothing; the script's first send fills bob's inbox. */
  private static final List<String> SCRIPT = List.of("REGISTER", "JOIN_GROUP team", "SEND_MSG bob one", "SEND_MSG team hi all", "SEND_MSG bob two");

  @Test
  void aPersonSeesWhichMemberAGroupMessageWasRejectedForAndWhyAndADirectMessageRejected() throws Exception {
    groupWithSilentBob("team", "bob", "carol");

    List<String> lines = human("alice", SCRIPT);

    // Message ids count across the tests of this node: m1 here is "[m" + a number + "]".
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\[m\\d+\\] SENT to bob")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\[m\\d+\\] SENT to team")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\[m\\d+\\] REJECTED for bob: " + Pattern.quote(BOB_FULL))), lines.toString());
    assertTrue(lines.contains("REJECTED for bob: " + BOB_FULL), lines.toString());
  }

  @Test
  void aScriptGetsARejectedStatusEventPerMemberAndTheRefusedSendAsAnError() throws Exception {
    groupWithSilentBob("crew", "bob2", "carol2");
    List<String> script = SCRIPT.stream().map(l -> l.replace("team", "crew").replace("bob", "bob2")).toList();

    List<JsonNode> events = ConsoleRun.script("alice2", servers(), home, script, WAIT);

    String bobFull = BOB_FULL.replace("bob", "bob2");
    JsonNode rejected = only(events, e -> ConsoleTest.is(e, "event", "status") && ConsoleTest.is(e, "state", "REJECTED"));
    assertEquals("bob2", rejected.get("recipient").asText());
    assertEquals("INBOX_FULL", rejected.get("code").asText());
    assertEquals(bobFull, rejected.get("message").asText());
    JsonNode refused = only(events, e -> ConsoleTest.is(e, "event", "error"));
    assertEquals("SEND_MSG", refused.get("command").asText());
    assertEquals("INBOX_FULL", refused.get("code").asText());
    assertEquals("REJECTED", refused.get("state").asText());
    assertEquals(bobFull, refused.get("message").asText());
  }

  @Test
  void groupsAndMembersListEveryPage() throws Exception {
    PeerLinkClient maker = PeerLinkClient.start(runtime, ClientOptions.inMemory("maker", servers(), PLAIN), new ClientListener() {});
    PeerLinkClient.await(maker.register());
    List<CompletableFuture<?>> created = new ArrayList<>();
    for (int i = 0; i < 1001; i++) { // one more than a page holds
      created.add(maker.createGroup(String.format("g%04d", i)).toCompletableFuture());
    }
    CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    List<JsonNode> events = ConsoleRun.script("lister", servers(), home, List.of("REGISTER", "GROUPS", "MEMBERS g1000"), WAIT);

    JsonNode groups = only(events, e -> ConsoleTest.is(e, "command", "GROUPS"));
    assertTrue(groups.has("groups"), groups.toString());
    List<String> names = new ArrayList<>();
    groups.get("groups").forEach(g -> names.add(g.get("name").asText()));
    assertTrue(names.size() >= 1001 && names.contains("g0000") && names.contains("g1000"), names.size() + " groups listed");
    assertEquals("[\"maker\"]", only(events, e -> ConsoleTest.is(e, "command", "MEMBERS")).get("members").toString());
  }

  // ---- helpers ----

  /** {@code group} with members {@code reader} (who stays connected and reads) and {@code silent} (who is gone). */
  private static void groupWithSilentBob(String group, String silent, String reader) {
    PeerLinkClient carol = PeerLinkClient.start(runtime, ClientOptions.inMemory(reader, servers(), PLAIN), new ClientListener() {});
    PeerLinkClient.await(carol.register());
    PeerLinkClient.await(carol.createGroup(group));
    PeerLinkClient bob = PeerLinkClient.start(runtime, ClientOptions.inMemory(silent, servers(), PLAIN), new ClientListener() {});
    PeerLinkClient.await(bob.register());
    PeerLinkClient.await(bob.joinGroup(group));
    PeerLinkClient.await(bob.close());
  }

  /** The console in human mode over a whole script; its lines once it has ended. */
  private List<String> human(String peer, List<String> script) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream((String.join("\n", script) + "\n").getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, Console.runLines(peer, servers(), PLAIN, false, home, in, new PrintStream(out, true, StandardCharsets.UTF_8)));
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static JsonNode only(List<JsonNode> events, java.util.function.Predicate<JsonNode> match) {
    List<JsonNode> found = events.stream().filter(match).toList();
    assertEquals(1, found.size(), "events: " + events);
    return found.get(0);
  }

  /** The in-process node serves plain ws:// (node-test.conf). */
  private static final ClientTls PLAIN = ClientTls.systemTrust().withPlainAllowed();

  private static List<String> servers() {
    return List.of("ws://127.0.0.1:" + node.port());
  }
}
