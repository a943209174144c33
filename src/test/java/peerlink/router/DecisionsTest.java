package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * The router's rules, without actors running: each test feeds commands to {@link Decisions#decide} and reads
 * the events it would persist and the replies sessions would get. The actor system exists only to mint
 * session refs.
 */
class DecisionsTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final long NOW = 1_700_000_000_000L;
  private static final String NONCE = "nonce-of-this-connection";

  private final RouterState state = new RouterState();
  private final Map<String, KeyPair> keys = new HashMap<>();
  private final Map<String, ActorRef<ToSession>> sessions = new HashMap<>();
  private Limits limits = Limits.DEFAULT;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  // ---- peers ----

  @Test
  void registeringANewPeerRecordsItsKeyAndAttachesTheSession() {
    KeyPair key = Signatures.newKeyPair();
    Decisions.Decided decided = decide(registerCommand("r1", "alice", key, 0));

    assertEquals(List.of(new RouterEvent.PeerRegistered("alice", Signatures.encode(key.getPublic()), NOW)), decided.events());
    assertEquals(1, decided.replies().size());
    RouterCommand.Delivery reply = decided.replies().get(0);
    assertSame(session("alice"), reply.to());
    assertEquals(
        new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r1", "alice", 0), List.of()), reply.message());
  }

  @Test
  void registeringAgainWithTheSameKeyIsALoginThatReturnsTheBacklog() {
    registered("alice");
    registered("bob");
    apply(decide(send("bob", "c1", "alice", "first"), send("bob", "c2", "alice", "second")));

    Decisions.Decided again = decide(registerCommand("r2", "alice", keys.get("alice"), 0));

    assertEquals(List.of(), again.events(), "no second PeerRegistered");
    ToSession.Attached attached = assertInstanceOf(ToSession.Attached.class, onlyReply(again, "alice"));
    assertEquals(ServerFrame.Ok.authenticated("r2", "alice", 2), attached.reply());
    assertEquals(List.of("first", "second"), bodies(attached.backlog()));
    assertEquals(List.of(1L, 2L), seqs(attached.backlog()));
  }

  @Test
  void aLoginWithAResumePointAcknowledgesWhatTheClientHasAndResendsOnlyTheRest() {
    registered("alice");
    registered("bob");
    apply(decide(send("bob", "c1", "alice", "first"), send("bob", "c2", "alice", "second")));

    Decisions.Decided login = decide(loginCommand("l1", "alice", keys.get("alice"), 1));

    assertEquals(List.of(new RouterEvent.InboxAcked("alice", 1)), login.events());
    ToSession.Attached attached = assertInstanceOf(ToSession.Attached.class, onlyReply(login, "alice"));
    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 2), attached.reply());
    assertEquals(List.of("second"), bodies(attached.backlog()));
  }

  @Test
  void registeringATakenIdWithAnotherKeyIsRefusedWithIdTaken() {
    registered("alice");

    Decisions.Decided decided = decide(registerCommand("r2", "alice", Signatures.newKeyPair(), 0));

    assertEquals(List.of(), decided.events());
    assertError(decided, "alice", "r2", ErrorCode.ID_TAKEN);
  }

  @Test
  void registeringThePeerIdOfAGroupIsRefusedWithNameTaken() {
    registered("alice");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "friends"))));

    Decisions.Decided decided = decide(registerCommand("r1", "friends", Signatures.newKeyPair(), 0));

    assertEquals(List.of(), decided.events());
    assertError(decided, "friends", "r1", ErrorCode.NAME_TAKEN);
  }

  @Test
  void aSignatureOfAnotherConnectionsNonceCannotBeReplayedToLogIn() {
    registered("alice");
    String stolen = Signatures.sign(keys.get("alice").getPrivate(), "nonce-of-another-connection", "alice");

    Decisions.Decided decided =
        decide(new RouterCommand.Authenticate("l1", "alice", NONCE, stolen, null, 0, session("mallory")));

    assertEquals(List.of(), decided.events());
    assertError(decided, "mallory", "l1", ErrorCode.AUTH_FAILED);
  }

  @Test
  void loggingInWithAnotherPeersKeyIsRefusedWithAuthFailed() {
    registered("alice");
    registered("mallory");
    String signedByMallory = Signatures.sign(keys.get("mallory").getPrivate(), NONCE, "alice");

    Decisions.Decided decided =
        decide(new RouterCommand.Authenticate("l1", "alice", NONCE, signedByMallory, null, 0, session("mallory")));

    assertError(decided, "mallory", "l1", ErrorCode.AUTH_FAILED);
  }

  @Test
  void loggingInAsAnUnknownPeerFailsLikeAWrongKeySoIdsAreNotRevealed() {
    Decisions.Decided decided = decide(loginCommand("l1", "ghost", Signatures.newKeyPair(), 0));

    assertEquals(List.of(), decided.events());
    ServerFrame.Error error = assertError(decided, "ghost", "l1", ErrorCode.AUTH_FAILED);
    assertEquals(ErrorCode.AUTH_FAILED.sentence(), error.message());
  }

  @Test
  void aLoginTheSessionVerifiedWithTheRegisteredKeyAttachesWithoutVerifyingAgain() {
    registered("alice");
    registered("bob");
    apply(decide(send("bob", "c1", "alice", "first")));

    // The session verified the signature; the registry only compares the key, so it never looks at it.
    Decisions.Decided login = decide(verifiedLoginCommand("l1", "alice", keys.get("alice"), "not checked here", 0));

    ToSession.Attached attached = assertInstanceOf(ToSession.Attached.class, onlyReply(login, "alice"));
    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 1), attached.reply());
    assertEquals(List.of("first"), bodies(attached.backlog()));
  }

  @Test
  void aLoginToABacklogLongerThanAPageGetsTheFirstPageAndFetchesBringTheRestInOrder() {
    registered("alice");
    registered("bob");
    String heavy = "€".repeat(30_000); // 90,000 bytes of UTF-8: heavier than a page in bytes, not in characters
    limits = Limits.forMessageSize(100_000);
    for (int i = 1; i <= 20; i++) {
      apply(decide(send("bob", "c" + i, "alice", i + heavy)));
    }

    ToSession.Attached attached = assertInstanceOf(ToSession.Attached.class, onlyReply(decide(loginCommand("l1", "alice", keys.get("alice"), 0)), "alice"));
    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 20), attached.reply());
    List<ServerFrame.Push> received = new java.util.ArrayList<>(attached.backlog());
    assertPageFits(attached.backlog());
    assertTrue(received.size() < 20, "the first page is not the whole backlog: " + received.size());
    while (true) {
      ToSession.Page page = assertInstanceOf(ToSession.Page.class,
          onlyReply(decide(new RouterCommand.FetchPushes("alice", received.get(received.size() - 1).seq(), session("alice"))), "alice"));
      assertEquals(20, page.lastSeq());
      assertPageFits(page.pushes());
      if (page.pushes().isEmpty()) {
        break;
      }
      received.addAll(page.pushes());
    }
    assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), seqs(received));
    assertEquals(List.of(), decide(new RouterCommand.FetchPushes("alice", 0, session("alice"))).events(), "a page is a read");
  }

  @Test
  void aResumeGetsTheFirstPageAfterTheSessionsLastPush() {
    registered("alice");
    registered("bob");
    for (int i = 1; i <= 1200; i++) {
      apply(decide(send("bob", "c" + i, "alice", "x")));
    }

    ToSession.Resumed resumed = assertInstanceOf(ToSession.Resumed.class, onlyReply(decide(resume("alice", 100)), "alice"));

    assertEquals(1200, resumed.lastSeq());
    assertEquals(101, resumed.backlog().get(0).seq(), "after the session's last push");
    assertTrue(resumed.backlog().size() > 500 && resumed.backlog().size() <= peerlink.protocol.PageLimits.MAX_PUSHES, "one page: " + resumed.backlog().size());
    assertPageFits(resumed.backlog());
  }

  @Test
  void aResumeWithTheProofOfItsLoginGetsTheBacklog() {
    registered("alice");
    registered("bob");
    apply(decide(send("bob", "c1", "alice", "first"), send("bob", "c2", "alice", "second")));

    ToSession.Resumed resumed = assertInstanceOf(ToSession.Resumed.class, onlyReply(decide(resume("alice", 0)), "alice"));

    assertEquals(List.of("first", "second"), bodies(resumed.backlog()));
  }

  /** A router node's session that names a peer it cannot prove a login of reads nothing of its inbox. */
  @ParameterizedTest
  @MethodSource("unprovenResumes")
  void aResumeWithoutAValidProofOfLoginIsRefusedAndGetsNoBacklog(String proof) {
    registered("alice");
    registered("bob");
    apply(decide(send("bob", "c1", "alice", "secret")));
    String signature = switch (proof) {
      case "wrong signature" -> Signatures.sign(Signatures.newKeyPair().getPrivate(), NONCE, "alice");
      case "another peer's signature" -> Signatures.sign(keys.get("bob").getPrivate(), NONCE, "bob");
      case "alice's signature of another nonce" -> Signatures.sign(keys.get("alice").getPrivate(), "another-nonce", "alice");
      case "garbage" -> "not base64!";
      default -> null;
    };

    Decisions.Decided decided = decide(new RouterCommand.Resume("alice", 0, NONCE, signature, session("alice")));

    assertEquals(new ToSession.ResumeRefused("alice"), onlyReply(decided, "alice"));
    assertEquals(List.of(), decided.events());
  }

  static Stream<String> unprovenResumes() {
    return Stream.of("wrong signature", "another peer's signature", "alice's signature of another nonce", "garbage", "none");
  }

  @Test
  void aResumeWithoutANonceIsRefused() {
    registered("alice");

    Decisions.Decided decided = decide(new RouterCommand.Resume(
        "alice", 0, null, Signatures.sign(keys.get("alice").getPrivate(), NONCE, "alice"), session("alice")));

    assertEquals(new ToSession.ResumeRefused("alice"), onlyReply(decided, "alice"));
  }

  /**
   * A rough cost of the check, printed: each resuming session's proof is verified on the registry's thread
   * at a failover (docs/replication.md, section 12).
   */
  @Test
  void resumesDecidedPerSecondWithTheirProofsVerified() {
    int peers = 1000;
    List<RouterCommand.Decidable> resumes = new java.util.ArrayList<>();
    for (int i = 0; i < peers; i++) {
      registered("p" + i);
      resumes.add(resume("p" + i, 0));
    }
    for (int round = 0; round < 5; round++) {
      decide(resumes.toArray(RouterCommand.Decidable[]::new)); // warm up the JIT
    }
    long started = System.nanoTime();
    Decisions.Decided decided = decide(resumes.toArray(RouterCommand.Decidable[]::new));
    long nanos = System.nanoTime() - started;

    assertTrue(decided.replies().stream().allMatch(r -> r.message() instanceof ToSession.Resumed));
    // The verification alone, for comparison: it is most of a resume's cost.
    String aliceKey = state.peer("p0").publicKey();
    String signature = Signatures.sign(keys.get("p0").getPrivate(), NONCE, "p0");
    long verifyStarted = System.nanoTime();
    for (int i = 0; i < peers; i++) {
      assertTrue(Signatures.verify(aliceKey, NONCE, "p0", signature));
    }
    long verifyNanos = System.nanoTime() - verifyStarted;
    System.out.printf("Decided %d resumes with their proofs verified in %.1f ms (%.3f ms each); %d verifications alone %.1f ms (%.3f ms each)%n",
        peers, nanos / 1e6, nanos / 1e6 / peers, peers, verifyNanos / 1e6, verifyNanos / 1e6 / peers);
  }

  /** A resume with the proof of the peer's login on this test's connection nonce. */
  private RouterCommand.Resume resume(String peer, long after) {
    return new RouterCommand.Resume(peer, after, NONCE, Signatures.sign(keys.get(peer).getPrivate(), NONCE, peer), session(peer));
  }

  private static void assertPageFits(List<ServerFrame.Push> page) {
    int weight = page.stream().mapToInt(peerlink.protocol.PageLimits::weight).sum();
    assertTrue(page.size() <= 1 || peerlink.protocol.PageLimits.fits(weight), "a page of " + page.size() + " weighs " + weight);
  }

  @Test
  void aLoginTheSessionVerifiedWithAnotherKeyThanTheRegisteredOneIsRefusedWithAuthFailed() {
    registered("alice");
    KeyPair mallory = Signatures.newKeyPair();

    Decisions.Decided decided =
        decide(verifiedLoginCommand("l1", "alice", mallory, Signatures.sign(mallory.getPrivate(), NONCE, "alice"), 0));

    assertEquals(List.of(), decided.events());
    assertError(decided, "alice", "l1", ErrorCode.AUTH_FAILED);
    ServerFrame.Error error = (ServerFrame.Error) ((ToSession.Reply) onlyReply(decided, "alice")).frame();
    assertEquals(ErrorCode.AUTH_FAILED.sentence(), error.message(), "the same answer as a signature that does not verify");
  }

  @Test
  void aLoginTheSessionVerifiedAsAnUnknownPeerFailsLikeAWrongKey() {
    KeyPair key = Signatures.newKeyPair();

    Decisions.Decided decided =
        decide(verifiedLoginCommand("l1", "ghost", key, Signatures.sign(key.getPrivate(), NONCE, "ghost"), 0));

    assertEquals(List.of(), decided.events());
    ServerFrame.Error error = assertError(decided, "ghost", "l1", ErrorCode.AUTH_FAILED);
    assertEquals(ErrorCode.AUTH_FAILED.sentence(), error.message());
  }

  @Test
  void aLoginWithoutAVerifiedKeyIsStillVerifiedWithTheRegisteredKey() {
    registered("alice");

    Decisions.Decided good = decide(loginCommand("l1", "alice", keys.get("alice"), 0));
    Decisions.Decided garbage =
        decide(new RouterCommand.Authenticate("l2", "alice", NONCE, "not a signature", null, 0, session("alice")));

    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 0), ((ToSession.Attached) onlyReply(good, "alice")).reply());
    assertError(garbage, "alice", "l2", ErrorCode.AUTH_FAILED);
  }

  // ---- several registrations in one batch ----

  @Test
  void registrationsOfDistinctIdsInOneBatchAreAllCreated() {
    KeyPair alice = Signatures.newKeyPair();
    KeyPair bob = Signatures.newKeyPair();
    KeyPair carol = Signatures.newKeyPair();

    Decisions.Decided decided =
        decide(registerCommand("r1", "alice", alice, 0), registerCommand("r2", "bob", bob, 0), registerCommand("r3", "carol", carol, 0));

    assertEquals(
        List.of(
            new RouterEvent.PeerRegistered("alice", Signatures.encode(alice.getPublic()), NOW),
            new RouterEvent.PeerRegistered("bob", Signatures.encode(bob.getPublic()), NOW),
            new RouterEvent.PeerRegistered("carol", Signatures.encode(carol.getPublic()), NOW)),
        decided.events());
    assertEquals(
        List.of(
            new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r1", "alice", 0), List.of()),
            new ToSession.Attached("bob", ServerFrame.Ok.authenticated("r2", "bob", 0), List.of()),
            new ToSession.Attached("carol", ServerFrame.Ok.authenticated("r3", "carol", 0), List.of())),
        messages(decided));
  }

  @Test
  void theSameIdRegisteredTwiceInOneBatchWithTheSameKeyIsCreatedOnceThenLoggedIn() {
    KeyPair key = Signatures.newKeyPair();
    String publicKey = Signatures.encode(key.getPublic());

    // A client that gave up waiting and registered again on a new connection, with a resume point.
    Decisions.Decided decided =
        decide(
            new RouterCommand.RegisterPeer("r1", "alice", publicKey, 0, session("alice")),
            new RouterCommand.RegisterPeer("r2", "alice", publicKey, 5, session("alice2")));

    assertEquals(List.of(new RouterEvent.PeerRegistered("alice", publicKey, NOW)), decided.events(), "one peer, no acknowledgement");
    assertEquals(2, decided.replies().size());
    assertSame(session("alice"), decided.replies().get(0).to());
    assertEquals(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r1", "alice", 0), List.of()), decided.replies().get(0).message());
    assertSame(session("alice2"), decided.replies().get(1).to());
    assertEquals(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r2", "alice", 0), List.of()), decided.replies().get(1).message());
  }

  @Test
  void theSameIdRegisteredInOneBatchWithAnotherKeyIsRefusedWithIdTaken() {
    KeyPair alice = Signatures.newKeyPair();
    KeyPair mallory = Signatures.newKeyPair();

    Decisions.Decided decided =
        decide(
            new RouterCommand.RegisterPeer("r1", "alice", Signatures.encode(alice.getPublic()), 0, session("alice")),
            new RouterCommand.RegisterPeer("r2", "alice", Signatures.encode(mallory.getPublic()), 0, session("mallory")),
            registerCommand("r3", "bob", Signatures.newKeyPair(), 0));

    assertEquals(2, decided.events().size(), "alice and bob: " + decided.events());
    assertEquals(new RouterEvent.PeerRegistered("alice", Signatures.encode(alice.getPublic()), NOW), decided.events().get(0));
    assertSame(session("mallory"), decided.replies().get(1).to());
    assertErrorFrame(decided.replies().get(1).message(), "r2", ErrorCode.ID_TAKEN);
    assertInstanceOf(ToSession.Attached.class, decided.replies().get(2).message());
  }

  // ---- direct messages ----

  @Test
  void aDirectSendIsAcceptedAsMessageM1AndAnsweredSent() {
    registered("alice");
    registered("bob");

    Decisions.Decided decided = decide(send("alice", "c1", "bob", "hello bob"));

    assertEquals(
        List.of(new RouterEvent.MessageAccepted("m1", "c1", "alice", "bob", null, List.of("bob"), "hello bob", NOW)),
        decided.events());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false)), onlyReply(decided, "alice"));
  }

  @Test
  void aSendWithoutReceiptsIsAcceptedWithTheFlagInItsEvent() {
    registered("alice");
    registered("bob");

    Decisions.Decided decided = decide(execute("alice", new ClientFrame.Send("c1", "bob", "tick", false)));

    assertEquals(
        List.of(new RouterEvent.MessageAccepted("m1", "c1", "alice", "bob", null, List.of("bob"), "tick", NOW, false)),
        decided.events());
  }

  @Test
  void resendingTheSameClientIdInALaterBatchReturnsTheSameMessageAsADuplicate() {
    registered("alice");
    registered("bob");
    apply(decide(send("alice", "c1", "bob", "hello bob")));

    Decisions.Decided retry = decide(send("alice", "c1", "bob", "hello bob"));

    assertEquals(List.of(), retry.events(), "a retried send creates no second message");
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, true)), onlyReply(retry, "alice"));
  }

  @Test
  void aResentIdReportsTheMessagesCurrentStateDeliveredOnceAcknowledged() {
    registered("alice");
    registered("bob");
    apply(decide(send("alice", "c1", "bob", "hello bob")));
    apply(decide(new RouterCommand.Acknowledge("bob", 1, session("bob"))));

    Decisions.Decided retry = decide(send("alice", "c1", "bob", "hello bob"));

    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "DELIVERED", 1, true)), onlyReply(retry, "alice"));
  }

  @Test
  void theSameClientIdTwiceInOneBatchCreatesOneMessage() {
    registered("alice");
    registered("bob");

    Decisions.Decided decided =
        decide(send("alice", "c1", "bob", "hello bob"), send("alice", "c1", "bob", "hello bob"));

    assertEquals(1, decided.events().size(), "one MessageAccepted: " + decided.events());
    assertEquals(
        List.of(
            new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false)),
            new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, true))),
        messages(decided));
  }

  @Test
  void twoSendersMayUseTheSameClientIdWithoutBeingTakenForDuplicates() {
    registered("alice");
    registered("bob");
    registered("carol");

    Decisions.Decided decided =
        decide(send("alice", "c1", "carol", "from alice"), send("bob", "c1", "carol", "from bob"));

    assertEquals(2, decided.events().size());
    assertEquals(
        List.of(
            new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false)),
            new ToSession.Reply(ServerFrame.Ok.sent("c1", "m2", "SENT", 1, false))),
        messages(decided));
  }

  @Test
  void messageIdsKeepCountingAcrossBatches() {
    registered("alice");
    registered("bob");
    apply(decide(send("alice", "c1", "bob", "one"), send("alice", "c2", "bob", "two")));

    Decisions.Decided decided = decide(send("alice", "c3", "bob", "three"));

    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c3", "m3", "SENT", 1, false)), onlyReply(decided, "alice"));
  }

  @Test
  void aBodyLargerThanTheLimitInUtf8BytesIsRefusedWithMessageTooLarge() {
    limits = Limits.forMessageSize(10);
    registered("alice");
    registered("bob");

    Decisions.Decided decided =
        decide(
            send("alice", "fits", "bob", "0123456789"), // 10 bytes
            send("alice", "ascii", "bob", "01234567890"), // 11 bytes
            send("alice", "accents", "bob", "éééééé")); // 6 characters, 12 bytes

    assertEquals(1, decided.events().size(), "only the 10-byte body is accepted");
    List<ToSession> replies = messages(decided);
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("fits", "m1", "SENT", 1, false)), replies.get(0));
    assertErrorFrame(replies.get(1), "ascii", ErrorCode.MESSAGE_TOO_LARGE);
    assertErrorFrame(replies.get(2), "accents", ErrorCode.MESSAGE_TOO_LARGE);
  }

  @Test
  void aSendToANameNobodyHasIsRefusedWithUnknownRecipient() {
    registered("alice");

    Decisions.Decided decided = decide(send("alice", "c1", "nobody", "hello?"));

    assertEquals(List.of(), decided.events());
    assertError(decided, "alice", "c1", ErrorCode.UNKNOWN_RECIPIENT);
  }

  @Test
  void aRefusedSendDoesNotSpoilTheOthersInItsBatch() {
    registered("alice");
    registered("bob");

    Decisions.Decided decided =
        decide(send("alice", "c1", "nobody", "lost"), send("alice", "c2", "bob", "found"));

    assertEquals(1, decided.events().size());
    List<ToSession> replies = messages(decided);
    assertErrorFrame(replies.get(0), "c1", ErrorCode.UNKNOWN_RECIPIENT);
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c2", "m1", "SENT", 1, false)), replies.get(1));
  }

  // ---- groups ----

  @Test
  void aSendToAGroupByANonMemberIsRefusedWithNotAMember() {
    registered("alice");
    registered("eve");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));

    Decisions.Decided decided = decide(send("eve", "c1", "team", "let me in"));

    assertEquals(List.of(), decided.events());
    assertError(decided, "eve", "c1", ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void aSendToAGroupGoesToEveryMemberExceptTheSender() {
    registered("alice");
    registered("bob");
    registered("carol");
    registered("dave");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    apply(decide(execute("carol", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j2", "team"))));

    Decisions.Decided decided = decide(send("alice", "c1", "team", "hi team"));

    assertEquals(
        List.of(new RouterEvent.MessageAccepted("m1", "c1", "alice", "team", "team", List.of("bob", "carol"), "hi team", NOW)),
        decided.events());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 2, false)), onlyReply(decided, "alice"));
  }

  @Test
  void creatingAGroupMakesTheCreatorItsFirstMember() {
    registered("alice");

    Decisions.Decided decided = decide(execute("alice", new ClientFrame.CreateGroup("g1", "team")));

    assertEquals(List.of(new RouterEvent.GroupCreated("team", "alice", NOW)), decided.events());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.plain("g1")), onlyReply(decided, "alice"));
    apply(decided);
    assertEquals(
        new ToSession.Reply(new ServerFrame.MemberList("m1", "team", List.of("alice"), null, "alice")),
        onlyReply(decide(execute("alice", new ClientFrame.ListMembers("m1", "team"))), "alice"));
  }

  @Test
  void creatingAnExistingGroupIsRefusedWithGroupExists() {
    registered("alice");
    registered("bob");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));

    Decisions.Decided decided = decide(execute("bob", new ClientFrame.CreateGroup("g2", "team")));

    assertEquals(List.of(), decided.events());
    assertError(decided, "bob", "g2", ErrorCode.GROUP_EXISTS);
  }

  @Test
  void creatingAGroupNamedLikeAPeerIsRefusedWithNameTaken() {
    registered("alice");
    registered("bob");

    Decisions.Decided decided = decide(execute("alice", new ClientFrame.CreateGroup("g1", "bob")));

    assertEquals(List.of(), decided.events());
    assertError(decided, "alice", "g1", ErrorCode.NAME_TAKEN);
  }

  @Test
  void joiningAGroupThatDoesNotExistIsRefusedWithUnknownGroup() {
    registered("alice");

    Decisions.Decided decided = decide(execute("alice", new ClientFrame.JoinGroup("j1", "nowhere")));

    assertEquals(List.of(), decided.events());
    assertError(decided, "alice", "j1", ErrorCode.UNKNOWN_GROUP);
  }

  @Test
  void joiningTwiceSucceedsWithoutASecondEvent() {
    registered("alice");
    registered("bob");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));

    Decisions.Decided first = decide(execute("bob", new ClientFrame.JoinGroup("j1", "team")));
    assertEquals(List.of(new RouterEvent.GroupJoined("team", "bob")), first.events());
    apply(first);
    Decisions.Decided second = decide(execute("bob", new ClientFrame.JoinGroup("j2", "team")));

    assertEquals(List.of(), second.events());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.plain("j2")), onlyReply(second, "bob"));
  }

  @Test
  void leavingAGroupOneIsNotInIsRefusedWithNotAMember() {
    registered("alice");
    registered("bob");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));

    Decisions.Decided decided = decide(execute("bob", new ClientFrame.LeaveGroup("l1", "team")));

    assertEquals(List.of(), decided.events());
    assertError(decided, "bob", "l1", ErrorCode.NOT_A_MEMBER);
  }

  @Test
  void aMemberWhoLeftNoLongerReceivesGroupMessages() {
    registered("alice");
    registered("bob");
    registered("carol");
    apply(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    apply(decide(execute("bob", new ClientFrame.JoinGroup("j1", "team"))));
    apply(decide(execute("carol", new ClientFrame.JoinGroup("j2", "team"))));

    Decisions.Decided left = decide(execute("bob", new ClientFrame.LeaveGroup("l1", "team")));
    assertEquals(List.of(new RouterEvent.GroupLeft("team", "bob")), left.events());
    apply(left);

    Decisions.Decided decided = decide(send("alice", "c1", "team", "bob is gone"));
    assertEquals(List.of("carol"), ((RouterEvent.MessageAccepted) decided.events().get(0)).recipients());
  }

  // ---- acknowledgements and status ----

  @Test
  void acknowledgingBeyondTheLastPushIsRefusedWithBadAck() {
    registered("alice");
    registered("bob");
    apply(decide(send("alice", "c1", "bob", "one")));

    Decisions.Decided decided = decide(new RouterCommand.Acknowledge("bob", 2, session("bob")));

    assertEquals(List.of(), decided.events());
    assertError(decided, "bob", null, ErrorCode.BAD_ACK);
  }

  @Test
  void acknowledgingWhatWasAlreadyAcknowledgedWritesNothing() {
    registered("alice");
    registered("bob");
    apply(decide(send("alice", "c1", "bob", "one")));
    Decisions.Decided first = decide(new RouterCommand.Acknowledge("bob", 1, session("bob")));
    assertEquals(List.of(new RouterEvent.InboxAcked("bob", 1)), first.events());
    apply(first);

    Decisions.Decided again = decide(new RouterCommand.Acknowledge("bob", 1, session("bob")));

    assertEquals(List.of(), again.events());
    assertEquals(List.of(), again.replies(), "a valid ack gets no reply");
  }

  @Test
  void theStatusOfOnesOwnMessageListsItsRecipientsAndWhoHasIt() {
    registered("alice");
    registered("bob");
    apply(decide(send("alice", "c1", "bob", "one")));

    Decisions.Decided before = decide(execute("alice", new ClientFrame.QueryStatus("s1", "m1")));
    assertEquals(
        new ToSession.Reply(new ServerFrame.MessageStatus("s1", "m1", "SENT", List.of("bob"), List.of())),
        onlyReply(before, "alice"));

    apply(decide(new RouterCommand.Acknowledge("bob", 1, session("bob"))));
    Decisions.Decided after = decide(execute("alice", new ClientFrame.QueryStatus("s2", "m1")));
    assertEquals(
        new ToSession.Reply(new ServerFrame.MessageStatus("s2", "m1", "DELIVERED", List.of("bob"), List.of("bob"))),
        onlyReply(after, "alice"));
  }

  @Test
  void theStatusOfAnotherPeersMessageIsUnknownMessage() {
    registered("alice");
    registered("bob");
    registered("eve");
    apply(decide(send("alice", "c1", "bob", "private")));

    Decisions.Decided decided = decide(execute("eve", new ClientFrame.QueryStatus("s1", "m1")));

    assertError(decided, "eve", "s1", ErrorCode.UNKNOWN_MESSAGE);
  }

  // ---- names ----

  static Stream<String> invalidNames() {
    return Stream.of("", "x".repeat(65), "bad\u0001name", "two words");
  }

  @ParameterizedTest
  @MethodSource("invalidNames")
  void anInvalidPeerIdIsRefusedWithInvalidName(String name) {
    Decisions.Decided decided = decide(registerCommand("r1", name, Signatures.newKeyPair(), 0));

    assertEquals(List.of(), decided.events());
    assertError(decided, name, "r1", ErrorCode.INVALID_NAME);
  }

  @ParameterizedTest
  @MethodSource("invalidNames")
  void anInvalidGroupNameIsRefusedWithInvalidName(String name) {
    registered("alice");

    Decisions.Decided decided = decide(execute("alice", new ClientFrame.CreateGroup("g1", name)));

    assertEquals(List.of(), decided.events());
    assertError(decided, "alice", "g1", ErrorCode.INVALID_NAME);
  }

  @ParameterizedTest
  @MethodSource("invalidNames")
  void anInvalidReceiverIsRefusedWithInvalidName(String name) {
    registered("alice");

    Decisions.Decided decided = decide(send("alice", "c1", name, "hello"));

    assertEquals(List.of(), decided.events());
    assertError(decided, "alice", "c1", ErrorCode.INVALID_NAME);
  }

  @Test
  void aNameOfExactly64CharactersIsValid() {
    String name = "x".repeat(64);

    Decisions.Decided decided = decide(registerCommand("r1", name, Signatures.newKeyPair(), 0));

    assertEquals(1, decided.events().size());
    assertInstanceOf(RouterEvent.PeerRegistered.class, decided.events().get(0));
  }

  // ---- helpers ----

  private Decisions.Decided decide(RouterCommand.Decidable... batch) {
    return Decisions.decide(state, Arrays.asList(batch), limits, NOW);
  }

  private void apply(Decisions.Decided decided) {
    decided.events().forEach(state::apply);
    state.drainNewPushes();
  }

  /** Registers {@code peer} with a new key and applies the event, as the registry would. */
  private void registered(String peer) {
    Decisions.Decided decided = decide(registerCommand("reg-" + peer, peer, Signatures.newKeyPair(), 0));
    assertEquals(1, decided.events().size(), "registering " + peer + ": " + decided.replies());
    apply(decided);
  }

  private RouterCommand.RegisterPeer registerCommand(String requestId, String peer, KeyPair key, long lastSeq) {
    keys.putIfAbsent(peer, key);
    return new RouterCommand.RegisterPeer(requestId, peer, Signatures.encode(key.getPublic()), lastSeq, session(peer));
  }

  /** A login the registry verifies, as from a client that did not send its public key. */
  private RouterCommand.Authenticate loginCommand(String requestId, String peer, KeyPair key, long lastSeq) {
    return new RouterCommand.Authenticate(
        requestId, peer, NONCE, Signatures.sign(key.getPrivate(), NONCE, peer), null, lastSeq, session(peer));
  }

  /** A login whose signature the session says it verified with {@code key}. */
  private RouterCommand.Authenticate verifiedLoginCommand(String requestId, String peer, KeyPair key, String signature, long lastSeq) {
    return new RouterCommand.Authenticate(
        requestId, peer, NONCE, signature, Signatures.encode(key.getPublic()), lastSeq, session(peer));
  }

  private RouterCommand.Execute send(String from, String clientId, String to, String body) {
    return execute(from, new ClientFrame.Send(clientId, to, body));
  }

  private RouterCommand.Execute execute(String peer, ClientFrame.Request request) {
    return new RouterCommand.Execute(peer, request, session(peer));
  }

  private ActorRef<ToSession> session(String peer) {
    return sessions.computeIfAbsent(peer, p -> testKit.<ToSession>createTestProbe().ref());
  }

  /** The single reply of a batch, checked to go to {@code peer}'s session. */
  private ToSession onlyReply(Decisions.Decided decided, String peer) {
    assertEquals(1, decided.replies().size(), "replies: " + decided.replies());
    RouterCommand.Delivery reply = decided.replies().get(0);
    assertSame(session(peer), reply.to(), "the reply goes to the session that asked");
    return reply.message();
  }

  private static List<ToSession> messages(Decisions.Decided decided) {
    return decided.replies().stream().map(RouterCommand.Delivery::message).toList();
  }

  private ServerFrame.Error assertError(Decisions.Decided decided, String peer, String id, ErrorCode code) {
    return assertErrorFrame(onlyReply(decided, peer), id, code);
  }

  private static ServerFrame.Error assertErrorFrame(ToSession message, String id, ErrorCode code) {
    ToSession.Reply reply = assertInstanceOf(ToSession.Reply.class, message);
    ServerFrame.Error error = assertInstanceOf(ServerFrame.Error.class, reply.frame());
    assertEquals(code.name(), error.code(), error.message());
    if (id == null) {
      assertNull(error.id());
    } else {
      assertEquals(id, error.id());
    }
    assertTrue(error.message() != null && !error.message().isBlank(), "every error has a human sentence");
    return error;
  }

  private static List<String> bodies(List<ServerFrame.Push> pushes) {
    return pushes.stream().map(p -> ((ServerFrame.Message) p).body()).toList();
  }

  private static List<Long> seqs(List<ServerFrame.Push> pushes) {
    return pushes.stream().map(ServerFrame.Push::seq).toList();
  }
}
