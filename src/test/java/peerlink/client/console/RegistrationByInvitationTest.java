package peerlink.client.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
import peerlink.protocol.Invitations;
import peerlink.testing.InProcessNode;

/**
 * A deployment that registers by invitation only (issue 22), through the real protocol on a node started with
 * {@code peerlink.registration.policy = invite} and a secret: what a console user and a library client see
 * with an operator's token, with one already used, and without one.
 */
class RegistrationByInvitationTest {
  private static final byte[] SECRET = "a deployment secret of at least 32 bytes".getBytes(StandardCharsets.US_ASCII);
  private static final String USED = "The invitation has already been used to register a peer; ask its operator for a new one.";
  private static final String REQUIRED =
      "This router registers new peers only with an invitation: ask its operator for one (bin/peerlink invite) and register with it "
          + "(in the console: REGISTER <invitation>).";

  @TempDir static Path data;
  private static InProcessNode node;
  private static ClientRuntime runtime;

  @TempDir Path home;

  @BeforeAll
  static void startNode() {
    node = InProcessNode.start(data, ConfigFactory.parseString(
        "peerlink.registration { policy = invite, invite-secret = \"" + Base64.getEncoder().encodeToString(SECRET) + "\" }"));
    runtime = new ClientRuntime();
  }

  @AfterAll
  static void stopNode() {
    runtime.close();
    node.close();
  }

  @Test
  void aPersonRegistersWithAnInvitationWhichThenRegistersNobodyElse() throws Exception {
    String invitation = Invitations.issue(SECRET, Instant.now().plus(Duration.ofDays(7)));

    List<String> alice = human("alice", List.of("REGISTER " + invitation));
    PeerLinkClient bob = PeerLinkClient.start(runtime, ClientOptions.inMemory("bob", servers(), PLAIN), new ClientListener() {});
    PeerLinkException refused = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(bob.register(invitation)));
    PeerLinkClient.await(bob.close());

    assertTrue(alice.contains("OK REGISTER: registered as alice"), alice.toString());
    assertEquals(ErrorCode.INVITATION_INVALID, refused.code(), refused.getMessage());
    assertEquals(USED, refused.getMessage());
  }

  @Test
  void aPersonWithoutAnInvitationIsToldToAskTheOperatorForOne() throws Exception {
    List<String> carol = human("carol", List.of("REGISTER"));

    assertTrue(carol.contains("ERROR INVITATION_REQUIRED (REGISTER): " + REQUIRED), carol.toString());
  }

  @Test
  void aLibraryClientWithoutAnInvitationGetsInvitationRequired() {
    PeerLinkClient dave = PeerLinkClient.start(runtime, ClientOptions.inMemory("dave", servers(), PLAIN), new ClientListener() {});
    PeerLinkException refused = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(dave.register()));
    PeerLinkClient.await(dave.close());

    assertEquals(ErrorCode.INVITATION_REQUIRED, refused.code(), refused.getMessage());
    assertEquals(REQUIRED, refused.getMessage());
  }

  // ---- helpers ----

  /** The console in human mode over a whole script; its lines once it has ended. */
  private List<String> human(String peer, List<String> script) throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream((String.join("\n", script) + "\n").getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Console.runLines(peer, servers(), PLAIN, false, home, in, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** The in-process node serves plain ws:// (node-test.conf). */
  private static final ClientTls PLAIN = ClientTls.systemTrust().withPlainAllowed();

  private static List<String> servers() {
    return List.of("ws://127.0.0.1:" + node.port());
  }
}
