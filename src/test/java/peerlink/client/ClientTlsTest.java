package peerlink.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.ServerFrame;
import peerlink.security.TlsFiles;
import peerlink.testing.InProcessNode;
import peerlink.testing.Poll;
import peerlink.testing.TestCerts;

/**
 * The client library over wss:// against a real router node serving TLS: it verifies the node's certificate
 * against the deployment CA, and every way that check can fail reaches the program as a sentence that
 * names the problem (wrong CA, expired, wrong name, a plain port), never as a silent plain-text fallback.
 */
class ClientTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path data;
  @TempDir Path tls;
  @TempDir Path otherTls;
  private final List<InProcessNode> nodes = new CopyOnWriteArrayList<>();
  private ClientRuntime runtime;
  private TestCerts certs;

  @BeforeEach
  void start() throws Exception {
    runtime = new ClientRuntime();
    certs = TestCerts.in(tls, "Test deployment CA");
  }

  @AfterEach
  void stop() {
    runtime.close();
    nodes.forEach(InProcessNode::close);
  }

  @Test
  void aClientTrustingTheDeploymentCaTalksToTheNodeOverTls() throws Exception {
    InProcessNode node = tlsNode(certs.node("node-a", List.of("127.0.0.1", "localhost")));
    List<String> received = new CopyOnWriteArrayList<>();
    PeerLinkClient bob = PeerLinkClient.start(runtime, options("bob", "localhost:" + node.port()), new ClientListener() {
      @Override
      public void onMessage(ServerFrame.Message message) {
        received.add(message.body());
      }
    });
    PeerLinkClient.await(bob.register());
    PeerLinkClient alice = PeerLinkClient.start(runtime, options("alice", "wss://127.0.0.1:" + node.port()), new ClientListener() {});
    PeerLinkClient.await(alice.register());

    PeerLinkClient.await(alice.send("bob", "over TLS"));
    Poll.until(WAIT, () -> received.contains("over TLS"), "bob receives alice's message");
  }

  @Test
  void aNodeWhoseCertificateAnotherCaSignedIsRefusedWithTheCaNamed() throws Exception {
    TestCerts other = TestCerts.in(otherTls, "Someone else's CA");
    InProcessNode node = tlsNode(other.node("impostor", List.of("127.0.0.1")));
    String reason = firstFailure("127.0.0.1:" + node.port(), ClientTls.trusting(certs.caFile()));
    assertTrue(reason.contains("is not signed by the CA in " + certs.caFile()), reason);
    assertTrue(reason.contains("--ca"), "says what to do: " + reason);
  }

  @Test
  void anExpiredCertificateIsRefusedAndSaidToHaveExpired() throws Exception {
    TlsFiles expired = certs.node("old", List.of("127.0.0.1"), Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1)));
    InProcessNode node = tlsNode(expired);
    String reason = firstFailure("127.0.0.1:" + node.port(), ClientTls.trusting(certs.caFile()));
    assertTrue(reason.contains("has expired"), reason);
  }

  @Test
  void aCertificateForAnotherHostIsRefusedWithTheNameDialled() throws Exception {
    InProcessNode node = tlsNode(certs.node("elsewhere", List.of("10.9.9.9", "router.example")));
    String reason = firstFailure("127.0.0.1:" + node.port(), ClientTls.trusting(certs.caFile()));
    assertTrue(reason.contains("is not made out to '127.0.0.1'"), reason);
  }

  @Test
  void tlsToAPlainPortSaysThePortDoesNotSpeakTls() throws Exception {
    InProcessNode plain = InProcessNode.start(data); // node-test.conf: plain ws://
    nodes.add(plain);
    String reason = firstFailure("127.0.0.1:" + plain.port(), ClientTls.trusting(certs.caFile()));
    assertTrue(reason.contains("did not answer in TLS"), reason);
  }

  @Test
  void plainTextToATlsPortIsRefusedByTheNodeWithTheWayToConnect() throws Exception {
    InProcessNode node = tlsNode(certs.node("node-b", List.of("127.0.0.1")));
    String reason = firstFailure("ws://127.0.0.1:" + node.port(), ClientTls.trusting(certs.caFile()).withPlainAllowed());
    assertTrue(reason.contains("a node that serves TLS refuses plain text"), reason);

    HttpResponse<String> curl = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, curl.statusCode());
    assertTrue(curl.body().contains("speaks TLS only: connect with wss://"), curl.body());
  }

  @Test
  void plainTextAddressesAndUnreadableCaFilesAreRefusedBeforeAnythingConnects() throws Exception {
    IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
        () -> ClientOptions.inMemory("alice", List.of("ws://localhost:8008"), ClientTls.trusting(certs.caFile())));
    assertTrue(plain.getMessage().contains("is plain text") && plain.getMessage().contains("--allow-plain"), plain.getMessage());

    Path missing = tls.resolve("nope.crt");
    IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class,
        () -> PeerLinkClient.start(runtime, ClientOptions.inMemory("alice", List.of("localhost:8008"), ClientTls.trusting(missing)), new ClientListener() {}));
    assertTrue(noCa.getMessage().contains("cannot read the CA file " + missing), noCa.getMessage());

    Path garbage = Files.writeString(tls.resolve("garbage.crt"), "not a certificate");
    IllegalArgumentException notPem = assertThrows(IllegalArgumentException.class,
        () -> PeerLinkClient.start(runtime, ClientOptions.inMemory("alice", List.of("localhost:8008"), ClientTls.trusting(garbage)), new ClientListener() {}));
    assertTrue(notPem.getMessage().contains(garbage + " is not a PEM certificate file"), notPem.getMessage());
  }

  @Test
  void aNodeServesItsReplacedCertificateToNewConnectionsWithoutARestart() throws Exception {
    TlsFiles served = certs.node("node-r", List.of("127.0.0.1"));
    InProcessNode node = tlsNode(served);
    TestCerts next = TestCerts.in(otherTls, "The next CA");
    String server = "127.0.0.1:" + node.port();
    PeerLinkClient before = PeerLinkClient.start(runtime, ClientOptions.inMemory("dan", List.of(server), ClientTls.trusting(certs.caFile())), new ClientListener() {});
    PeerLinkClient.await(before.register());

    // Rotation as README says: write the new pair beside the old, then rename over it.
    TlsFiles fresh = next.node("node-r", List.of("127.0.0.1"));
    Files.move(fresh.key(), served.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.move(fresh.cert(), served.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);

    Poll.until(Duration.ofSeconds(60), () -> {
      PeerLinkClient after = PeerLinkClient.start(runtime, ClientOptions.inMemory("erin-" + System.nanoTime(), List.of(server), ClientTls.trusting(next.caFile())), new ClientListener() {});
      try {
        PeerLinkClient.await(after.withDeadline(Duration.ofSeconds(5)).register());
        return true;
      } catch (PeerLinkException e) {
        return false;
      } finally {
        after.close();
      }
    }, "a client trusting the new CA connects once the node has reread its files");
    assertEquals("dan", PeerLinkClient.await(before.loggedIn()).peer(), "the connection made before the rotation carries on");
  }

  private InProcessNode tlsNode(TlsFiles files) {
    InProcessNode node = InProcessNode.start(data.resolve("node-" + nodes.size()), TestCerts.serving(files));
    nodes.add(node);
    return node;
  }

  private ClientOptions options(String peer, String server) {
    return ClientOptions.inMemory(peer, List.of(server), ClientTls.trusting(certs.caFile()));
  }

  /** The reason the client gives for its first failed connection to {@code server}. */
  private String firstFailure(String server, ClientTls trust) {
    List<String> reasons = new CopyOnWriteArrayList<>();
    List<String> connected = new CopyOnWriteArrayList<>();
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.inMemory("carol", List.of(server), trust), new ClientListener() {
      @Override
      public void onDisconnected(String node, String reason) {
        reasons.add(reason);
      }

      @Override
      public void onNeedsRegistration(String node) {
        connected.add(node);
      }
    });
    try {
      Poll.until(WAIT, () -> !reasons.isEmpty(), "a failed connection to " + server);
      assertTrue(connected.isEmpty(), "never got as far as the protocol: " + connected);
      return reasons.get(0);
    } finally {
      client.close();
    }
  }
}
