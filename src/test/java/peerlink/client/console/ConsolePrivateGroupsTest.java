package peerlink.client.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientRuntime;
import peerlink.client.ClientTls;
import peerlink.client.PeerLinkClient;
import peerlink.client.PeerLinkException;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;
import peerlink.testing.InProcessNode;

/**
 * What a console user does with private groups, owners and blocks (issue 22, item 5), against a real router
 * node in this JVM: the owner's commands and their answers, MEMBERS naming the owner, GROUPS marking private
 * groups and invitations, and a send to a peer that blocked you shown as REJECTED.
 */
class ConsolePrivateGroupsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ClientTls PLAIN = ClientTls.systemTrust().withPlainAllowed();

  @TempDir static Path data;
  private static InProcessNode node;
  private static ClientRuntime runtime;

  @TempDir Path home;

  @BeforeAll
  static void startNode() {
    node = InProcessNode.start(data);
    runtime = new ClientRuntime();
  }

  @AfterAll
  static void stopNode() {
    runtime.close();
    node.close();
  }

  @Test
  void anOwnerCreatesAPrivateGroupInvitesBansAndSeesItselfNamedAsOwner() throws Exception {
    PeerLinkClient bob = peer("bob");
    peer("carol");

    List<JsonNode> events = ConsoleRun.script("alice", servers(), home, List.of(
        "REGISTER", "CREATE_GROUP club private", "INVITE club bob", "BAN club carol", "INVITE club carol", "MEMBERS club", "GROUPS",
        "GIVE_GROUP club bob", "BLOCK carol", "UNBLOCK carol"), WAIT);

    assertTrue(ok(events, "CREATE_GROUP").get("detail").asText().startsWith("created private group club"), events.toString());
    assertTrue(ok(events, "INVITE").get("detail").asText().contains("JOIN_GROUP club"), events.toString());
    assertTrue(ok(events, "BAN").get("detail").asText().equals("banned carol from club"), events.toString());
    assertEquals("BANNED", error(events, "INVITE").get("code").asText());
    JsonNode members = ok(events, "MEMBERS");
    assertEquals("alice", members.get("owner").asText());
    assertEquals("[\"alice\"]", members.get("members").toString());
    JsonNode club = ok(events, "GROUPS").get("groups").get(0);
    assertEquals("club", club.get("name").asText());
    assertTrue(club.get("private").asBoolean() && club.get("member").asBoolean(), club.toString());
    assertEquals("NOT_A_MEMBER", error(events, "GIVE_GROUP").get("code").asText(), "bob is only invited");
    assertEquals("blocked carol: their messages to you are refused", ok(events, "BLOCK").get("detail").asText());
    assertEquals("unblocked carol", ok(events, "UNBLOCK").get("detail").asText());

    ServerFrame.GroupInfo invited = PeerLinkClient.await(bob.groups()).groups().get(0);
    assertEquals(new ServerFrame.GroupInfo("club", 1, false, true, true), invited);
    PeerLinkClient.await(bob.joinGroup("club"));
  }

  @Test
  void aPersonSeesOwnersPrivateGroupsAndInvitationsInReadableLines() throws Exception {
    human("paul", List.of("REGISTER")); // an invitation names a registered peer
    PeerLinkClient owner = peer("olga");
    PeerLinkClient.await(owner.createPrivateGroup("den"));
    PeerLinkClient.await(owner.createGroup("hall"));
    PeerLinkClient.await(owner.invite("den", "paul"));

    List<String> lines = human("paul", List.of("GROUPS", "JOIN_GROUP den", "MEMBERS den", "HELP"));

    assertTrue(lines.contains("  den (1 member, private, you are invited: JOIN_GROUP den)"), lines.toString());
    assertTrue(lines.contains("  hall (1 member)"), lines.toString());
    assertTrue(lines.contains("OK JOIN_GROUP: joined group den"), lines.toString());
    assertTrue(lines.contains("den (owner olga): olga, paul"), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("INVITE <group> <peer>")), "HELP lists the owner's commands: " + lines);
  }

  @Test
  void aSendToAPeerThatBlockedYouIsShownAsRejectedWithTheReason() throws Exception {
    PeerLinkClient erin = peer("erin");
    try (ConsoleRun frank = ConsoleRun.start("frank", servers(), true, home)) {
      frank.type("REGISTER");
      frank.await("REGISTER ok", e -> ConsoleTest.is(e, "event", "ok") && ConsoleTest.is(e, "command", "REGISTER"));
      PeerLinkClient.await(erin.block("frank"));

      frank.type("SEND_MSG erin hello");
      JsonNode refused = frank.await("the refused send", e -> ConsoleTest.is(e, "event", "error") && ConsoleTest.is(e, "command", "SEND_MSG"));

      assertEquals("BLOCKED", refused.get("code").asText());
      assertEquals("REJECTED", refused.get("state").asText());
      assertEquals("erin", refused.get("recipient").asText());
      assertEquals("erin does not accept messages from you.", refused.get("message").asText());
      assertEquals(0, frank.endInput(WAIT));
    }
    PeerLinkException self = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(erin.block("erin")));
    assertEquals(ErrorCode.NOT_PERMITTED, self.code());
  }

  // ---- helpers ----

  private static PeerLinkClient peer(String id) {
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.inMemory(id, servers(), PLAIN), new ClientListener() {});
    PeerLinkClient.await(client.register());
    return client;
  }

  private List<String> human(String peer, List<String> script) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream((String.join("\n", script) + "\n").getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, Console.runLines(peer, servers(), PLAIN, false, home, in, new PrintStream(out, true, StandardCharsets.UTF_8)));
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static JsonNode ok(List<JsonNode> events, String command) {
    return only(events, "ok", command);
  }

  private static JsonNode error(List<JsonNode> events, String command) {
    return only(events, "error", command);
  }

  private static JsonNode only(List<JsonNode> events, String event, String command) {
    List<JsonNode> found = events.stream().filter(e -> ConsoleTest.is(e, "event", event) && ConsoleTest.is(e, "command", command)).toList();
    assertEquals(1, found.size(), event + " " + command + " in " + events);
    return found.get(0);
  }

  private static List<String> servers() {
    return List.of("ws://127.0.0.1:" + node.port());
  }
}
