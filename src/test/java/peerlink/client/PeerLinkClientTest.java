package peerlink.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;
import peerlink.testing.FreePorts;
import peerlink.testing.InProcessNode;
import peerlink.testing.Poll;

/**
 * The client library as a program outside the project uses it, against a real router node in this JVM:
 * every future ends (answer, refusal, deadline or close), failures are PeerLinkExceptions with the
 * ErrorCode, and a program can wait for the login after a reconnect.
 */
class PeerLinkClientTest {
  private static final long WAIT_SECONDS = 30;

  @TempDir Path data;
  private InProcessNode node;
  private ClientRuntime runtime;

  @BeforeEach
  void start() {
    node = InProcessNode.start(data);
    runtime = new ClientRuntime();
  }

  @AfterEach
  void stop() {
    runtime.close();
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aRefusedRequestFailsWithAPeerLinkExceptionCarryingTheErrorCodeUnwrapped() throws Exception {
    PeerLinkClient alice = registered("alice");
    AtomicReference<Throwable> seen = new AtomicReference<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    alice.send("nobody", "hi").whenComplete((ok, failure) -> {
      seen.set(failure);
      done.complete(null);
    });
    done.get(WAIT_SECONDS, TimeUnit.SECONDS);

    PeerLinkException refused = assertInstanceOf(PeerLinkException.class, seen.get(), "not wrapped in a CompletionException");
    assertEquals(ErrorCode.UNKNOWN_RECIPIENT, refused.code());
    PeerLinkException awaited = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(alice.members("nope")));
    assertEquals(ErrorCode.UNKNOWN_GROUP, awaited.code());
  }

  @Test
  void aSendIdTheRouterWouldRefuseFailsAtOnceWithBadFrameInsteadOfWaitingForItsDeadline() throws Exception {
    PeerLinkClient alice = registered("alice");
    PeerLinkException tooLong = failure(alice.send("x".repeat(65), "alice", "hi"));
    assertEquals(ErrorCode.BAD_FRAME, tooLong.code());
    assertEquals("The send id is 65 characters long; the router takes at most 64.", tooLong.getMessage());
    PeerLinkException notUnicode = failure(alice.send("bad\ud800", "alice", "hi"));
    assertEquals(ErrorCode.BAD_FRAME, notUnicode.code());
    assertEquals("SENT", PeerLinkClient.await(alice.send("x".repeat(64), "alice", "hi")).state(), "64 characters are fine");
  }

  @Test
  void messagesSentWithoutReceiptsBringTheSenderNoDeliveredPushes() throws Exception {
    registered("bob"); // acknowledges what it gets, as every client does
    List<String> receipts = new CopyOnWriteArrayList<>();
    PeerLinkClient alice = PeerLinkClient.start(runtime, ClientOptions.inMemory("alice", servers(), PLAIN), new ClientListener() {
      @Override
      public void onDelivered(ServerFrame.Delivered delivered) {
        receipts.add(delivered.msgId());
      }
    });
    PeerLinkClient.await(alice.register());

    String quiet = PeerLinkClient.await(alice.withoutReceipts().send("bob", "no receipt, please")).msgId();
    String loud = PeerLinkClient.await(alice.send("bob", "with a receipt")).msgId();
    Poll.until(Duration.ofSeconds(WAIT_SECONDS), () -> receipts.contains(loud), "the receipt of " + loud);
    assertEquals("DELIVERED", PeerLinkClient.await(alice.status(quiet)).state(), "bob has the quiet one too");
    assertEquals(List.of(loud), receipts, "pushes come in order, so none for " + quiet + " is on its way");
  }

  @Test
  void aRequestNobodyCanAnswerFailsWithTimedOutAtItsDeadline() throws Exception {
    KeyStore keys = KeyStore.inMemory();
    keys.create();
    String nowhere = "127.0.0.1:" + FreePorts.next(); // nothing listens there
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.of("alice", List.of(nowhere), keys, ResumeStore.inMemory()), new ClientListener() {});

    long start = System.nanoTime();
    PeerLinkException e = failure(client.withDeadline(Duration.ofMillis(500)).send("bob", "hi"));
    assertEquals(ErrorCode.TIMED_OUT, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("may or may not have taken effect"), e.getMessage());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "failed near its deadline");
    assertEquals(ErrorCode.TIMED_OUT, failure(client.withDeadline(Duration.ofMillis(200)).loggedIn()).code());
  }

  @Test
  void closeIsPromptAndFailsWhatIsUnansweredWithClosed() throws Exception {
    KeyStore keys = KeyStore.inMemory();
    keys.create();
    String nowhere = "127.0.0.1:" + FreePorts.next();
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.of("alice", List.of(nowhere), keys, ResumeStore.inMemory()), new ClientListener() {});
    CompletionStage<ServerFrame.Ok> send = client.send("bob", "hi");

    long start = System.nanoTime();
    client.close().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close took " + (System.nanoTime() - start) / 1_000_000 + " ms");
    assertEquals(ErrorCode.CLOSED, failure(send).code());
    assertEquals(ErrorCode.CLOSED, failure(client.send("bob", "after close")).code(), "a request after close is answered too");
  }

  @Test
  void loggedInCompletesAgainAfterTheClientReconnects() throws Exception {
    int port = node.port();
    CompletableFuture<String> disconnected = new CompletableFuture<>();
    PeerLinkClient alice = PeerLinkClient.start(runtime, ClientOptions.inMemory("alice", servers(), PLAIN), new ClientListener() {
      @Override
      public void onDisconnected(String server, String reason) {
        disconnected.complete(reason);
      }
    });
    PeerLinkClient.await(alice.register());
    assertEquals("alice", PeerLinkClient.await(alice.loggedIn()).peer(), "logged in now: completes at once");

    node.close();
    node = null;
    disconnected.get(WAIT_SECONDS, TimeUnit.SECONDS);
    CompletableFuture<ServerFrame.Ok> relogin = alice.withDeadline(Duration.ofSeconds(WAIT_SECONDS)).loggedIn().toCompletableFuture();
    CompletionStage<ServerFrame.Ok> whileAway = alice.send("alice", "sent while the node was down");
    assertTrue(!relogin.isDone(), "not logged in while the node is down");
    node = InProcessNode.start(data, ConfigFactory.empty(), port);

    assertEquals("alice", PeerLinkClient.await(relogin).peer());
    assertNotNull(PeerLinkClient.await(whileAway).msgId(), "the send made while away is answered after the new login");
  }

  @Test
  void requestsOfAPeerWithoutAKeyFailWithNotRegistered() throws Exception {
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.inMemory("nokey", servers(), PLAIN), new ClientListener() {});
    assertEquals(ErrorCode.NOT_REGISTERED, failure(client.groups()).code());
    assertEquals(ErrorCode.NOT_REGISTERED, failure(client.loggedIn()).code());
    PeerLinkClient.await(client.register());
    PeerLinkClient.await(client.groups());
  }

  @Test
  void everyRegisterCallIsAnsweredAlsoWhenOneIsAlreadyUnderWay() throws Exception {
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.inMemory("twice", servers(), PLAIN), new ClientListener() {});
    CompletionStage<ServerFrame.Ok> first = client.register();
    CompletionStage<ServerFrame.Ok> second = client.register();
    assertEquals("twice", PeerLinkClient.await(second).peer());
    assertEquals("twice", PeerLinkClient.await(first).peer());
  }

  @Test
  void afterARefusedRegisterRequestsFailAtOnceWithTheReasonAndTheKeyMadeForItIsGone() throws Exception {
    registered("bob");
    KeyStore keys = KeyStore.inMemory();
    PeerLinkClient impostor = PeerLinkClient.start(runtime, ClientOptions.of("bob", servers(), keys, ResumeStore.inMemory(), PLAIN), new ClientListener() {});
    assertEquals(ErrorCode.ID_TAKEN, failure(impostor.register()).code());
    assertEquals(ErrorCode.ID_TAKEN, failure(impostor.send("alice", "hi")).code());
    assertEquals(ErrorCode.ID_TAKEN, failure(impostor.loggedIn()).code());
    assertTrue(keys.load().isEmpty(), "the key made for the refused registration is discarded");
  }

  @Test
  void aReplacedClientAnswersEveryLaterRequestWithSessionReplaced() throws Exception {
    KeyStore keys = KeyStore.inMemory();
    PeerLinkClient first = PeerLinkClient.start(runtime, ClientOptions.of("carol", servers(), keys, ResumeStore.inMemory(), PLAIN), new ClientListener() {});
    PeerLinkClient.await(first.register());
    PeerLinkClient second = PeerLinkClient.start(runtime, ClientOptions.of("carol", servers(), keys, ResumeStore.inMemory(), PLAIN), new ClientListener() {});
    PeerLinkClient.await(second.loggedIn());

    PeerLinkException replaced = failure(first.withDeadline(Duration.ofSeconds(WAIT_SECONDS)).send("carol", "still there?"));
    assertEquals(ErrorCode.SESSION_REPLACED, replaced.code(), replaced.getMessage());
  }

  @Test
  void closingTheRuntimeFailsWhatIsPending() throws Exception {
    KeyStore keys = KeyStore.inMemory();
    keys.create();
    String nowhere = "127.0.0.1:" + FreePorts.next();
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.of("alice", List.of(nowhere), keys, ResumeStore.inMemory()), new ClientListener() {});
    CompletionStage<ServerFrame.Ok> send = client.send("bob", "hi");
    runtime.close();
    runtime = new ClientRuntime();
    assertEquals(ErrorCode.CLOSED, failure(send).code());
  }

  /** The in-process node serves plain ws:// (node-test.conf); ClientTlsTest covers wss://. */
  private static final ClientTls PLAIN = ClientTls.systemTrust().withPlainAllowed();

  @Test
  void aProgramPagesThroughGroupsAndMembersWithTheNextCursorOrGetsThemAllAtOnce() {
    PeerLinkClient alice = registered("alice");
    PeerLinkClient bob = registered("bob");
    for (String group : List.of("red", "green", "blue")) {
      PeerLinkClient.await(alice.createGroup(group));
    }
    PeerLinkClient.await(bob.joinGroup("red"));

    ServerFrame.GroupList first = PeerLinkClient.await(bob.groups(null, 2));
    ServerFrame.GroupList second = PeerLinkClient.await(bob.groups(first.next(), 2));
    ServerFrame.MemberList members = PeerLinkClient.await(bob.members("red", null, 1));

    assertEquals(List.of("blue", "green"), first.groups().stream().map(ServerFrame.GroupInfo::name).toList());
    assertEquals(List.of("red"), second.groups().stream().map(ServerFrame.GroupInfo::name).toList());
    assertEquals(null, second.next());
    assertEquals(new ServerFrame.MemberList(members.id(), "red", List.of("alice"), "alice", "alice"), members, "version 3: the owner is named");
    assertEquals(List.of("blue", "green", "red"), PeerLinkClient.await(bob.allGroups()).stream().map(ServerFrame.GroupInfo::name).toList());
    assertEquals(List.of("alice", "bob"), PeerLinkClient.await(bob.allMembers("red")));
    assertEquals(ErrorCode.UNKNOWN_GROUP, assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(bob.allMembers("nope"))).code());
  }

  @Test
  void aProgramRunsAPrivateGroupAsItsOwnerAndBlocksAPeer() {
    PeerLinkClient alice = registered("alice");
    PeerLinkClient bob = registered("bob");
    PeerLinkClient carol = registered("carol");
    PeerLinkClient.await(alice.createPrivateGroup("den"));

    assertEquals(List.of(), PeerLinkClient.await(carol.allGroups()), "a private group is hidden from outsiders");
    assertEquals(ErrorCode.NOT_INVITED, assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(bob.joinGroup("den"))).code());
    PeerLinkClient.await(alice.invite("den", "bob"));
    assertEquals(List.of(new ServerFrame.GroupInfo("den", 1, false, true, true)), PeerLinkClient.await(bob.allGroups()));
    PeerLinkClient.await(bob.joinGroup("den"));
    assertEquals(new ServerFrame.MemberList(null, "den", List.of("alice", "bob"), null, "alice"), PeerLinkClient.await(bob.wholeMemberList("den")));

    PeerLinkClient.await(alice.ban("den", "carol"));
    PeerLinkClient.await(alice.unban("den", "carol"));
    PeerLinkClient.await(alice.giveGroup("den", "bob"));
    assertEquals(ErrorCode.NOT_OWNER, assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(alice.remove("den", "bob"))).code());
    PeerLinkClient.await(bob.remove("den", "alice"));
    assertEquals(List.of("bob"), PeerLinkClient.await(bob.allMembers("den")));
    PeerLinkClient.await(bob.deleteGroup("den"));
    assertEquals(List.of(), PeerLinkClient.await(bob.allGroups()));

    PeerLinkClient.await(carol.block("alice"));
    PeerLinkException blocked = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(alice.send("carol", "hi")));
    assertEquals(ErrorCode.BLOCKED, blocked.code());
    assertEquals("carol does not accept messages from you.", blocked.getMessage());
    PeerLinkClient.await(carol.unblock("alice"));
    assertEquals("SENT", PeerLinkClient.await(alice.send("carol", "hi again")).state());
  }

  @Test
  void aGroupSendTellsWhichMembersItWasRejectedForAndADirectSendToAFullInboxFailsWithInboxFull() {
    node.close();
    node = InProcessNode.start(data, ConfigFactory.parseString("peerlink.limits.max-inbox-messages = 1"));
    PeerLinkClient bob = registered("bob");
    PeerLinkClient carol = registered("carol");
    PeerLinkClient dave = registered("dave");
    PeerLinkClient.await(carol.createGroup("team"));
    PeerLinkClient.await(bob.joinGroup("team"));
    PeerLinkClient.await(dave.joinGroup("team"));
    PeerLinkClient.await(bob.close()); // bob reads nothing from now on
    PeerLinkClient.await(carol.send("bob", "fills bob's inbox"));

    ServerFrame.Ok groupSend = PeerLinkClient.await(carol.send("team", "hi"));
    PeerLinkException direct = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(carol.send("bob", "hi bob")));

    assertEquals("SENT", groupSend.state());
    assertEquals(1, groupSend.recipients(), "dave");
    assertEquals(
        List.of(new ServerFrame.Rejection("bob", "INBOX_FULL", "bob's inbox is full (at most 1 message or 16 MiB may wait to be read); try again later.")),
        groupSend.rejected());
    assertEquals(ErrorCode.INBOX_FULL, direct.code());
    assertEquals("bob's inbox is full (at most 1 message or 16 MiB may wait to be read); try again later.", direct.getMessage());
  }

  private List<String> servers() {
    return List.of("ws://127.0.0.1:" + node.port());
  }

  private PeerLinkClient registered(String peer) {
    PeerLinkClient client = PeerLinkClient.start(runtime, ClientOptions.inMemory(peer, servers(), PLAIN), new ClientListener() {});
    PeerLinkClient.await(client.register());
    return client;
  }

  /** The failure the future ends with, within 30 s. */
  private static PeerLinkException failure(CompletionStage<?> stage) throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    stage.whenComplete((value, e) -> failure.complete(e));
    Throwable e = failure.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(e, "the request succeeded");
    return assertInstanceOf(PeerLinkException.class, e);
  }
}
