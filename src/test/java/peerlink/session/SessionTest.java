package peerlink.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.FrameCodec;
import peerlink.protocol.Invitations;
import peerlink.protocol.OlderReplies;
import peerlink.protocol.Limits;
import peerlink.protocol.Protocol;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;
import peerlink.router.RegistrationPolicy;
import peerlink.router.RouterCommand;
import peerlink.router.ToSession;

/**
 * One session actor between a client (JSON text in, {@link Outgoing} out) and a router probe. Each test
 * reads like the conversation on the wire.
 */
class SessionTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final FrameCodec codec = new FrameCodec(Limits.DEFAULT);
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final long AT = 1_700_000_000_000L;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  // ---- greeting and bad input ----

  @Test
  void theFirstFrameIsAWelcomeWithTheVersionsAndAFreshNonce() {
    Connection first = new Connection(10, Duration.ofSeconds(10));
    Connection second = new Connection(10, Duration.ofSeconds(10));

    assertEquals(Protocol.VERSIONS, first.welcome.versions());
    assertEquals("peerlink/test", first.welcome.server());
    assertTrue(first.welcome.nonce().length() >= 32, first.welcome.nonce());
    assertNotEquals(first.welcome.nonce(), second.welcome.nonce(), "every connection signs its own nonce");
  }

  @Test
  void aRequestBeforeAuthenticationIsRefusedAndTheSessionKeepsWorking() {
    Connection c = new Connection(10, Duration.ofSeconds(10));

    c.client(new ClientFrame.Send("s1", "bob", "hi"));
    c.expectError("s1", ErrorCode.NOT_AUTHENTICATED);
    c.client(new ClientFrame.Ack(1L));
    c.expectError(null, ErrorCode.NOT_AUTHENTICATED);
    c.router.expectNoMessage(QUIET);

    c.authenticate("alice");
  }

  @Test
  void malformedFramesAreRefusedWithTheirIdWhenTheJsonHadOne() {
    Connection c = new Connection(10, Duration.ofSeconds(10));

    c.client("{\"type\":\"send\",\"id\":\"s2\",\"to\":\"bob\"}"); // no body
    c.expectError("s2", ErrorCode.BAD_FRAME);
    c.client("{\"type\":\"send\",\"id\":\"s3\",");
    c.expectError(null, ErrorCode.BAD_FRAME);
    c.client("{\"id\":\"s4\"}");
    c.expectError("s4", ErrorCode.BAD_FRAME);
    c.client("{\"type\":\"dance\",\"id\":\"d1\"}");
    c.expectError("d1", ErrorCode.UNKNOWN_TYPE);
    c.router.expectNoMessage(QUIET);

    c.authenticate("alice");
    c.client("{\"type\":\"ack\",\"upTo\":-1}");
    c.expectError(null, ErrorCode.BAD_FRAME);
  }

  @Test
  void aFrameLargerThanTheLimitIsRefusedWithFrameTooLarge() {
    Connection c = new Connection(Limits.forMessageSize(10), 10, Duration.ofSeconds(10));

    c.client(new ClientFrame.Send("s1", "bob", "x".repeat(5000)));

    c.expectError("s1", ErrorCode.FRAME_TOO_LARGE);
    c.router.expectNoMessage(QUIET);
  }

  @Test
  void anUnsupportedProtocolVersionIsRefusedWithoutAskingTheRouter() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();

    c.client(new ClientFrame.Register("r1", 99, "alice", Signatures.encode(key.getPublic()), c.sign(key, "alice"), null));

    c.expectError("r1", ErrorCode.UNSUPPORTED_VERSION);
    c.router.expectNoMessage(QUIET);
    c.client(new ClientFrame.Register("r2", 1, "alice", Signatures.encode(key.getPublic()), c.sign(key, "alice"), null));
    assertEquals("r2", c.router.expectMessageClass(RouterCommand.RegisterPeer.class).requestId());
  }

  // ---- authentication ----

  @Test
  void registerWithAGoodSignatureForwardsTheVerifiedKeyThenWritesTheOkAndThePushes() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    String publicKey = Signatures.encode(key.getPublic());

    c.client(new ClientFrame.Register("r1", 1, "alice", publicKey, c.sign(key, "alice"), null));

    RouterCommand.RegisterPeer claim = c.router.expectMessageClass(RouterCommand.RegisterPeer.class);
    assertEquals(new RouterCommand.RegisterPeer("r1", "alice", publicKey, 0, claim.session()), claim);

    claim.session().tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("r1", "alice", 0), List.of()));
    claim.session().tell(new ToSession.Pushed(List.of(message(1, "hello"))));

    assertEquals(ServerFrame.Ok.authenticated("r1", "alice", 0), c.frame());
    assertEquals(message(1, "hello"), c.frame());
  }

  @Test
  void aVersionTwoClientGetsTheOkAndItsBacklogInOneMessage() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();

    c.client(new ClientFrame.Login("l1", 2, "alice", null, c.sign(key, "alice"), 0L));
    RouterCommand.Authenticate login = c.router.expectMessageClass(RouterCommand.Authenticate.class);
    login.session().tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 0), List.of(message(1, "a"), message(2, "b"))));
    login.session().tell(new ToSession.Pushed(List.of(message(3, "c"))));

    List<ServerFrame> first = c.message();
    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 0), first.get(0));
    assertEquals(List.of(message(1, "a"), message(2, "b")), first.subList(1, 3));
    List<ServerFrame> rest = first.size() == 4 ? first.subList(3, 4) : c.message(); // batched or next message
    assertEquals(List.of(message(3, "c")), rest);
  }

  @Test
  void aVersionOneClientGetsOneFramePerMessage() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();

    c.client(new ClientFrame.Login("l1", 1, "alice", null, c.sign(key, "alice"), 0L));
    RouterCommand.Authenticate login = c.router.expectMessageClass(RouterCommand.Authenticate.class);
    login.session().tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 0), List.of(message(1, "a"), message(2, "b"))));

    assertEquals(List.of(ServerFrame.Ok.authenticated("l1", "alice", 0)), c.message());
    assertEquals(List.of(message(1, "a")), c.message());
    assertEquals(List.of(message(2, "b")), c.message());
  }

  @Test
  void everyFrameOfABatchIsHandledInOrderAndABadOneGetsItsOwnError() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    c.authenticate("alice");

    c.client("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"bob\",\"body\":\"one\"}\n"
        + "{\"type\":\"send\",\"id\":\"s2\",\"to\":\"bob\"}\n"
        + "{\"type\":\"send\",\"id\":\"s3\",\"to\":\"bob\",\"body\":\"three\"}");

    c.expectError("s2", ErrorCode.BAD_FRAME);
    assertEquals(new ClientFrame.Send("s1", "bob", "one"), ((RouterCommand.Execute) c.router.expectMessageClass(RouterCommand.Execute.class)).request());
    assertEquals(new ClientFrame.Send("s3", "bob", "three"), ((RouterCommand.Execute) c.router.expectMessageClass(RouterCommand.Execute.class)).request());
    c.router.expectNoMessage(QUIET);
  }

  @Test
  void loginForwardsTheResumePointAndTheBacklogFollowsTheOk() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();

    c.client(new ClientFrame.Login("l1", null, "alice", null, c.sign(key, "alice"), 2L));

    RouterCommand.Authenticate login = c.router.expectMessageClass(RouterCommand.Authenticate.class);
    assertEquals(new RouterCommand.Authenticate("l1", "alice", c.welcome.nonce(), c.sign(key, "alice"), null, 2, login.session()), login);
    login.session().tell(
        new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 4), List.of(message(3, "three"), message(4, "four"))));
    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 4), c.frame());
    assertEquals(message(3, "three"), c.frame());
    assertEquals(message(4, "four"), c.frame());
  }

  @Test
  void aRegisterWithABadKeyOrSignatureIsRefusedHereAndTheRouterHearsNothing() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    KeyPair other = Signatures.newKeyPair();
    String publicKey = Signatures.encode(key.getPublic());

    c.client(new ClientFrame.Register("r1", 1, "alice", publicKey, c.sign(other, "alice"), null));
    assertEquals("The signature does not match the public key offered.", c.expectError("r1", ErrorCode.AUTH_FAILED).message());
    c.client(new ClientFrame.Register("r2", 1, "alice", publicKey, Signatures.sign(key.getPrivate(), "another-nonce", "alice"), null));
    c.expectError("r2", ErrorCode.AUTH_FAILED);
    c.client(new ClientFrame.Register("r3", 1, "alice", publicKey, c.sign(key, "bob"), null));
    c.expectError("r3", ErrorCode.AUTH_FAILED);
    c.client(new ClientFrame.Register("r4", 1, "alice", publicKey, "bm90IGEgc2lnbmF0dXJl", null));
    c.expectError("r4", ErrorCode.AUTH_FAILED);
    c.client(new ClientFrame.Register("r5", 1, "alice", "bm90IGEga2V5", c.sign(key, "alice"), null));
    assertEquals(
        "Field 'publicKey' is not a Base64 X.509 Ed25519 public key.", c.expectError("r5", ErrorCode.BAD_FRAME).message());
    // The name is checked first, as the protocol document says: this signature is not for "" either.
    c.client(new ClientFrame.Register("r6", 1, "", publicKey, c.sign(key, "alice"), null));
    assertEquals("Peer ID is empty.", c.expectError("r6", ErrorCode.INVALID_NAME).message());
    c.router.expectNoMessage(QUIET);

    // None of these counted as an authentication in progress: the client may try again.
    c.client(new ClientFrame.Register("r7", 1, "alice", publicKey, c.sign(key, "alice"), null));
    assertEquals("r7", c.router.expectMessageClass(RouterCommand.RegisterPeer.class).requestId());
  }

  @Test
  void aLoginWithItsPublicKeyIsVerifiedHereAndReachesTheRouterMarkedVerified() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    String publicKey = Signatures.encode(key.getPublic());

    c.client(new ClientFrame.Login("l1", 1, "alice", publicKey, c.sign(key, "alice"), 3L));

    RouterCommand.Authenticate login = c.router.expectMessageClass(RouterCommand.Authenticate.class);
    assertEquals(
        new RouterCommand.Authenticate("l1", "alice", c.welcome.nonce(), c.sign(key, "alice"), publicKey, 3, login.session()), login);
    login.session().tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 3), List.of()));
    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 3), c.frame());
  }

  @Test
  void aLoginWithItsPublicKeyAndABadSignatureIsRefusedHereAndTheRouterHearsNothing() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    KeyPair mallory = Signatures.newKeyPair();
    String publicKey = Signatures.encode(key.getPublic());

    c.client(new ClientFrame.Login("l1", 1, "alice", publicKey, c.sign(mallory, "alice"), null));
    assertEquals(ErrorCode.AUTH_FAILED.sentence(), c.expectError("l1", ErrorCode.AUTH_FAILED).message());
    c.client(new ClientFrame.Login("l2", 1, "alice", publicKey, Signatures.sign(key.getPrivate(), "another-nonce", "alice"), null));
    c.expectError("l2", ErrorCode.AUTH_FAILED);
    c.client(new ClientFrame.Login("l3", 1, "alice", "bm90IGEga2V5", c.sign(key, "alice"), null));
    c.expectError("l3", ErrorCode.BAD_FRAME);
    c.router.expectNoMessage(QUIET);

    c.client(new ClientFrame.Login("l4", 1, "alice", publicKey, c.sign(key, "alice"), null));
    assertEquals(publicKey, c.router.expectMessageClass(RouterCommand.Authenticate.class).verifiedKey());
  }

  @Test
  void requestsAfterAuthenticationGoToTheRouterUnderTheProvenIdentity() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");

    c.client("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"bob\",\"body\":\"hi\",\"from\":\"mallory\"}");

    RouterCommand.Execute execute = c.router.expectMessageClass(RouterCommand.Execute.class);
    assertEquals("alice", execute.peer(), "the identity is the session's, never the frame's");
    assertEquals(new ClientFrame.Send("s1", "bob", "hi"), execute.request());
    replies.tell(new ToSession.Reply(ServerFrame.Ok.sent("s1", "m1", "SENT", 1, false)));
    assertEquals(ServerFrame.Ok.sent("s1", "m1", "SENT", 1, false), c.frame());
  }

  @Test
  void aSecondAuthenticationIsRefusedWhileOneIsInProgressAndAfterItSucceeded() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    c.client(new ClientFrame.Login("l1", null, "alice", null, c.sign(key, "alice"), null));
    RouterCommand.Authenticate login = c.router.expectMessageClass(RouterCommand.Authenticate.class);

    c.client(new ClientFrame.Login("l2", null, "alice", null, c.sign(key, "alice"), null));
    c.expectError("l2", ErrorCode.ALREADY_AUTHENTICATED);

    login.session().tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 0), List.of()));
    assertEquals(ServerFrame.Ok.authenticated("l1", "alice", 0), c.frame());
    c.client(new ClientFrame.Login("l3", null, "bob", null, c.sign(key, "bob"), null));
    c.expectError("l3", ErrorCode.ALREADY_AUTHENTICATED);
    c.router.expectNoMessage(QUIET);
  }

  @Test
  void aRefusedLoginIsReportedAndTheClientMayTryAgain() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    c.client(new ClientFrame.Login("l1", null, "alice", null, c.sign(key, "alice"), null));
    RouterCommand.Authenticate login = c.router.expectMessageClass(RouterCommand.Authenticate.class);

    login.session().tell(new ToSession.Reply(new ServerFrame.Error("l1", "AUTH_FAILED", ErrorCode.AUTH_FAILED.sentence())));

    c.expectError("l1", ErrorCode.AUTH_FAILED);
    c.client(new ClientFrame.Login("l2", null, "alice", null, c.sign(key, "alice"), null));
    assertEquals("l2", c.router.expectMessageClass(RouterCommand.Authenticate.class).requestId());
  }

  // ---- pushes and acknowledgements ----

  @Test
  void theWindowHoldsBackPushesUntilTheClientAcknowledges() {
    Connection c = new Connection(2, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");

    replies.tell(new ToSession.Pushed(List.of(message(1, "one"), message(2, "two"), message(3, "three"))));

    assertEquals(message(1, "one"), c.frame());
    assertEquals(message(2, "two"), c.frame());
    c.out.expectNoMessage(QUIET);

    c.client(new ClientFrame.Ack(1L));

    assertEquals(new RouterCommand.Acknowledge("alice", 1, replies), c.router.expectMessageClass(RouterCommand.Acknowledge.class));
    assertEquals(message(3, "three"), c.frame());
  }

  @Test
  void aPushTheClientAlreadyHasIsNotWrittenTwice() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");

    replies.tell(new ToSession.Pushed(List.of(message(1, "one"), message(2, "two"))));
    replies.tell(new ToSession.Pushed(List.of(message(2, "two"), message(3, "three"))));

    assertEquals(List.of(message(1, "one"), message(2, "two"), message(3, "three")), List.of(c.frame(), c.frame(), c.frame()));
    c.out.expectNoMessage(QUIET);
  }

  @Test
  void anAckBeyondWhatWasSentIsRefusedWithBadAckAndNotForwarded() {
    Connection c = new Connection(2, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");
    replies.tell(new ToSession.Pushed(List.of(message(1, "one"), message(2, "two"), message(3, "three"))));
    c.frame();
    c.frame();

    c.client(new ClientFrame.Ack(3L)); // 3 is queued, not sent

    c.expectError(null, ErrorCode.BAD_ACK);
    c.router.expectNoMessage(QUIET);
    c.client(new ClientFrame.Ack(2L));
    assertEquals(2, c.router.expectMessageClass(RouterCommand.Acknowledge.class).upTo());
    assertEquals(message(3, "three"), c.frame());
  }

  @Test
  void aRepeatedAckIsNotForwardedAgain() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");
    replies.tell(new ToSession.Pushed(List.of(message(1, "one"), message(2, "two"))));
    c.frame();
    c.frame();
    c.client(new ClientFrame.Ack(2L));
    assertEquals(2, c.router.expectMessageClass(RouterCommand.Acknowledge.class).upTo());

    c.client(new ClientFrame.Ack(2L));
    c.client(new ClientFrame.Ack(1L));

    c.router.expectNoMessage(QUIET);
    c.out.expectNoMessage(Duration.ZERO);
  }

  @Test
  void anErrorTheRouterReportsAboutAnAckIsWrittenToTheClient() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");

    replies.tell(new ToSession.Reply(new ServerFrame.Error(null, "BAD_ACK", "Acknowledged 9 but the last push to you was 2.")));

    c.expectError(null, ErrorCode.BAD_ACK);
  }

  // ---- timeouts, replacement, end ----

  @Test
  void aRequestTheRouterDoesNotAnswerInTimeGetsUnavailableAndTheLateReplyIsDropped() {
    Connection c = new Connection(10, Duration.ofMillis(500));
    ActorRef<ToSession> replies = c.authenticate("alice");

    c.client(new ClientFrame.Send("s1", "bob", "anyone?"));
    c.router.expectMessageClass(RouterCommand.Execute.class);

    ServerFrame.Error error = c.expectError("s1", ErrorCode.UNAVAILABLE, Duration.ofSeconds(5));
    assertTrue(error.message().contains("retry"), error.message());
    replies.tell(new ToSession.Reply(ServerFrame.Ok.sent("s1", "m1", "SENT", 1, false)));
    c.out.expectNoMessage(QUIET);

    c.client(new ClientFrame.Send("s2", "bob", "again"));
    c.router.expectMessageClass(RouterCommand.Execute.class);
    replies.tell(new ToSession.Reply(ServerFrame.Ok.sent("s2", "m2", "SENT", 1, false)));
    assertEquals(ServerFrame.Ok.sent("s2", "m2", "SENT", 1, false), c.frame());
  }

  @Test
  void aLoginTheRouterDoesNotAnswerInTimeMayBeTriedAgain() {
    Connection c = new Connection(10, Duration.ofMillis(500));
    KeyPair key = Signatures.newKeyPair();
    c.client(new ClientFrame.Login("l1", null, "alice", null, c.sign(key, "alice"), null));
    RouterCommand.Authenticate late = c.router.expectMessageClass(RouterCommand.Authenticate.class);

    c.expectError("l1", ErrorCode.UNAVAILABLE, Duration.ofSeconds(5));
    late.session().tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 0), List.of()));
    c.out.expectNoMessage(QUIET);

    c.client(new ClientFrame.Login("l2", null, "alice", null, c.sign(key, "alice"), null));
    RouterCommand.Authenticate retry = c.router.expectMessageClass(RouterCommand.Authenticate.class);
    retry.session().tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l2", "alice", 0), List.of()));
    assertEquals(ServerFrame.Ok.authenticated("l2", "alice", 0), c.frame());
  }

  @Test
  void aReplacedSessionTellsTheClientClosesTheConnectionAndIgnoresItUntilItIsGone() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");

    replies.tell(new ToSession.Replaced());

    ServerFrame.Error error = c.expectError(null, ErrorCode.SESSION_REPLACED);
    assertEquals(ErrorCode.SESSION_REPLACED.sentence(), error.message());
    c.out.expectMessage(new Outgoing.Close());
    // It stays alive until the socket is gone, so the error frame is flushed before the close;
    // meanwhile it no longer speaks for alice.
    c.client("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"bob\",\"body\":\"late\"}");
    c.router.expectNoMessage(Duration.ofMillis(300));
    c.session.tell(new SessionMessage.ClientGone());
    testKit.createTestProbe().expectTerminated(c.session);
  }

  @Test
  void afterTheRouterIsLostRequestsWaitAndAreResentInOrderToItsSuccessorAfterTheResume() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    c.authenticate("alice");
    TestProbe<RouterCommand> oldRouter = testKit.createTestProbe(RouterCommand.class);
    TestProbe<RouterCommand> newRouter = testKit.createTestProbe(RouterCommand.class);
    c.session.tell(new SessionMessage.RouterKnown(oldRouter.ref()));
    c.client("{\"type\":\"send\",\"id\":\"s1\",\"to\":\"bob\",\"body\":\"lost with the old router\"}");
    oldRouter.expectMessageClass(RouterCommand.Execute.class); // straight to the instance, not the proxy

    c.session.tell(new SessionMessage.RouterLost(oldRouter.ref())); // what its watch says when its node leaves
    c.client("{\"type\":\"send\",\"id\":\"s2\",\"to\":\"bob\",\"body\":\"sent meanwhile\"}");
    oldRouter.expectNoMessage(Duration.ofMillis(300));
    c.router.expectNoMessage(Duration.ofMillis(100));

    c.session.tell(new SessionMessage.RouterRestarted(newRouter.ref()));
    assertEquals("alice", newRouter.expectMessageClass(RouterCommand.Resume.class).peer());
    assertEquals("s1", ((RouterCommand.Execute) newRouter.receiveMessage()).request().id());
    assertEquals("s2", ((RouterCommand.Execute) newRouter.receiveMessage()).request().id());
  }

  // ---- backlogs in pages, long replies in parts (issue 20) ----

  @Test
  void aLongBacklogComesInPagesThatTheSessionAsksForAsTheClientAcknowledges() {
    Connection c = new Connection(2, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    c.client(new ClientFrame.Login("l1", null, "alice", null, c.sign(key, "alice"), null));
    ActorRef<ToSession> replies = c.router.expectMessageClass(RouterCommand.Authenticate.class).session();

    replies.tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 6), List.of(message(1, "one"), message(2, "two"))));
    assertEquals(List.of(ServerFrame.Ok.authenticated("l1", "alice", 6), message(1, "one"), message(2, "two")), List.of(c.frame(), c.frame(), c.frame()));
    assertEquals(new RouterCommand.FetchPushes("alice", 2, replies), c.router.expectMessageClass(RouterCommand.FetchPushes.class));
    replies.tell(new ToSession.Page(6, List.of(message(3, "three"))));
    c.out.expectNoMessage(QUIET); // the client's window is full; 3 waits here, and nothing more is fetched
    c.router.expectNoMessage(QUIET);

    c.client(new ClientFrame.Ack(2L));
    assertEquals(2, c.router.expectMessageClass(RouterCommand.Acknowledge.class).upTo());
    assertEquals(message(3, "three"), c.frame());
    assertEquals(new RouterCommand.FetchPushes("alice", 3, replies), c.router.expectMessageClass(RouterCommand.FetchPushes.class));
    replies.tell(new ToSession.Page(6, List.of(message(4, "four"), message(5, "five"), message(6, "six"))));
    assertEquals(message(4, "four"), c.frame());
    c.client(new ClientFrame.Ack(4L));
    c.router.expectMessageClass(RouterCommand.Acknowledge.class);
    assertEquals(List.of(message(5, "five"), message(6, "six")), List.of(c.frame(), c.frame()));
    c.router.expectNoMessage(QUIET); // all six are here: no page is due
  }

  @Test
  void newPushesThatDoNotFollowTheBacklogWaitInTheRouterAndComeInTheirPage() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    c.client(new ClientFrame.Login("l1", null, "alice", null, c.sign(key, "alice"), null));
    ActorRef<ToSession> replies = c.router.expectMessageClass(RouterCommand.Authenticate.class).session();
    replies.tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 3), List.of(message(1, "one"))));
    assertEquals(List.of(ServerFrame.Ok.authenticated("l1", "alice", 3), message(1, "one")), List.of(c.frame(), c.frame()));
    c.router.expectMessageClass(RouterCommand.FetchPushes.class);

    replies.tell(new ToSession.Pushed(List.of(message(4, "four")))); // made meanwhile: it must not overtake 2 and 3
    c.out.expectNoMessage(QUIET);
    replies.tell(new ToSession.Page(4, List.of(message(2, "two"), message(3, "three"), message(4, "four"))));

    assertEquals(List.of(message(2, "two"), message(3, "three"), message(4, "four")), List.of(c.frame(), c.frame(), c.frame()));
    c.router.expectNoMessage(QUIET);
  }

  @Test
  void aPageThatDoesNotComeIsAskedForAgain() {
    Connection c = new Connection(10, Duration.ofMillis(500));
    KeyPair key = Signatures.newKeyPair();
    c.client(new ClientFrame.Login("l1", null, "alice", null, c.sign(key, "alice"), null));
    ActorRef<ToSession> replies = c.router.expectMessageClass(RouterCommand.Authenticate.class).session();
    replies.tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l1", "alice", 2), List.of(message(1, "one"))));
    c.frame();
    c.frame();
    assertEquals(1, c.router.expectMessageClass(RouterCommand.FetchPushes.class).after());

    RouterCommand.FetchPushes again = c.router.expectMessageClass(RouterCommand.FetchPushes.class, Duration.ofSeconds(5)); // lost: ask again
    assertEquals(new RouterCommand.FetchPushes("alice", 1, replies), again);
    replies.tell(new ToSession.Page(2, List.of(message(2, "two"))));
    assertEquals(message(2, "two"), c.frame());
  }

  @Test
  void aResumeThatIsNotAnsweredIsSentAgainSoThatTheNewRouterAttachesTheSession() {
    Connection c = new Connection(10, Duration.ofMillis(500));
    ActorRef<ToSession> replies = c.authenticate("alice");
    TestProbe<RouterCommand> newRouter = testKit.createTestProbe(RouterCommand.class);

    c.session.tell(new SessionMessage.RouterRestarted(newRouter.ref()));
    RouterCommand.Resume proven = new RouterCommand.Resume("alice", 0, c.welcome.nonce(), c.loginSignature, replies);
    assertEquals(proven, newRouter.expectMessageClass(RouterCommand.Resume.class));

    assertEquals(proven, newRouter.expectMessageClass(RouterCommand.Resume.class, Duration.ofSeconds(5)));
    replies.tell(new ToSession.Resumed("alice", 0, List.of()));
    newRouter.expectNoMessage(Duration.ofSeconds(1)); // answered: nothing more is asked
  }

  @Test
  void afterAFailoverTheSessionResumesAfterItsLastPushAndRepeatsItsAcknowledgement() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");
    TestProbe<RouterCommand> oldRouter = testKit.createTestProbe(RouterCommand.class);
    TestProbe<RouterCommand> newRouter = testKit.createTestProbe(RouterCommand.class);
    c.session.tell(new SessionMessage.RouterKnown(oldRouter.ref()));
    replies.tell(new ToSession.Pushed(List.of(message(1, "one"), message(2, "two"))));
    c.frame();
    c.frame();
    c.session.tell(new SessionMessage.RouterLost(oldRouter.ref()));
    c.client(new ClientFrame.Ack(1L)); // while no router is known: held back
    oldRouter.expectNoMessage(QUIET);

    c.session.tell(new SessionMessage.RouterRestarted(newRouter.ref()));

    assertEquals(new RouterCommand.Resume("alice", 2, c.welcome.nonce(), c.loginSignature, replies), newRouter.expectMessageClass(RouterCommand.Resume.class));
    assertEquals(new RouterCommand.Acknowledge("alice", 1, replies), newRouter.expectMessageClass(RouterCommand.Acknowledge.class));
    replies.tell(new ToSession.Resumed("alice", 3, List.of(message(3, "three"))));
    assertEquals(message(3, "three"), c.frame());
  }

  @Test
  void afterAFailoverAPlainLoginsSessionResumesWithThatLoginsNonceAndSignature() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    KeyPair key = Signatures.newKeyPair();
    // A register the router refuses (another key), then a login that succeeds: the proof is the latter's.
    KeyPair other = Signatures.newKeyPair();
    c.client(new ClientFrame.Register("r1", null, "alice", Signatures.encode(other.getPublic()), c.sign(other, "alice"), null));
    ActorRef<ToSession> replies = c.router.expectMessageClass(RouterCommand.RegisterPeer.class).session();
    replies.tell(new ToSession.Reply(ServerFrame.Error.of("r1", new ProtocolException(ErrorCode.ID_TAKEN, "taken"))));
    c.expectError("r1", ErrorCode.ID_TAKEN);
    String signature = c.sign(key, "alice");
    c.client(new ClientFrame.Login("l2", null, "alice", null, signature, null));
    c.router.expectMessageClass(RouterCommand.Authenticate.class);
    replies.tell(new ToSession.Attached("alice", ServerFrame.Ok.authenticated("l2", "alice", 0), List.of()));
    assertEquals(ServerFrame.Ok.authenticated("l2", "alice", 0), c.frame());
    TestProbe<RouterCommand> newRouter = testKit.createTestProbe(RouterCommand.class);

    c.session.tell(new SessionMessage.RouterRestarted(newRouter.ref()));

    assertEquals(new RouterCommand.Resume("alice", 0, c.welcome.nonce(), signature, replies), newRouter.expectMessageClass(RouterCommand.Resume.class));
  }

  @Test
  void aResumeTheRouterRefusesClosesTheConnectionWithAuthFailedAndTheSessionNoLongerActsAsThePeer() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");
    TestProbe<RouterCommand> newRouter = testKit.createTestProbe(RouterCommand.class);
    c.session.tell(new SessionMessage.RouterRestarted(newRouter.ref()));
    newRouter.expectMessageClass(RouterCommand.Resume.class);

    replies.tell(new ToSession.ResumeRefused("alice"));

    ServerFrame.Error error = c.expectError(null, ErrorCode.AUTH_FAILED);
    assertEquals("This connection's login could not be confirmed by the router after a failover; log in again.", error.message());
    c.out.expectMessage(new Outgoing.Close());
    replies.tell(new ToSession.Pushed(List.of(message(1, "not for this connection any more"))));
    c.client(new ClientFrame.Send("s1", "bob", "hi"));
    c.out.expectNoMessage(QUIET);
    newRouter.expectNoMessage(Duration.ZERO);
  }

  @Test
  void aSendOverTheMessageLimitIsRefusedHereWithoutAskingTheRouter() {
    Connection c = new Connection(Limits.forMessageSize(10), 10, Duration.ofSeconds(10));
    c.authenticate("alice");

    c.client(new ClientFrame.Send("s1", "bob", "more than ten bytes"));

    ServerFrame.Error error = c.expectError("s1", ErrorCode.MESSAGE_TOO_LARGE);
    assertEquals("The message is 19 bytes; the limit is 10 bytes.", error.message());
    c.router.expectNoMessage(QUIET);
  }

  @Test
  void aLongReplyInPartsIsWrittenAsOneFrameWhenItsLastPartComes() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = c.authenticate("alice");
    c.client(new ClientFrame.ListMembers("l1", "team"));
    c.router.expectMessageClass(RouterCommand.Execute.class);
    ServerFrame.MemberList members = new ServerFrame.MemberList("l1", "team", List.of("alice", "bob", "carol"));
    String json = FrameCodec.encode(members);

    replies.tell(new ToSession.ReplyPart("l1", json.substring(0, 10), false));
    replies.tell(new ToSession.ReplyPart("l1", json.substring(10, 20), false));
    c.out.expectNoMessage(QUIET);
    replies.tell(new ToSession.ReplyPart("l1", json.substring(20), true));

    assertEquals(members, c.frame());
  }

  @Test
  void aVersionThreeClientIsToldOwnersAndPrivateGroupsAndAnOlderOneGetsTheListsAsBefore() {
    ServerFrame.MemberList members = new ServerFrame.MemberList("l1", "team", List.of("alice", "bob"), null, "alice");
    ServerFrame.GroupList groups = new ServerFrame.GroupList("l2", List.of(new ServerFrame.GroupInfo("team", 2, true, true, null)));
    for (Integer version : new Integer[] {3, 2, null}) {
      Connection c = new Connection(10, Duration.ofSeconds(10));
      ActorRef<ToSession> replies = c.authenticate("alice", version);
      c.client(new ClientFrame.ListMembers("l1", "team"));
      c.router.expectMessageClass(RouterCommand.Execute.class);
      c.client(new ClientFrame.ListGroups("l2"));
      c.router.expectMessageClass(RouterCommand.Execute.class);
      c.client(new ClientFrame.ListMembers("l3", "team"));
      c.router.expectMessageClass(RouterCommand.Execute.class);

      replies.tell(new ToSession.Reply(members));
      assertEquals(OlderReplies.forVersion(members, version), c.frame(), "version " + version);
      replies.tell(new ToSession.Reply(groups));
      assertEquals(OlderReplies.forVersion(groups, version), c.frame(), "version " + version);
      String json = FrameCodec.encode(new ServerFrame.MemberList("l3", "team", List.of("alice", "bob"), null, "alice"));
      replies.tell(new ToSession.ReplyPart("l3", json.substring(0, 10), false));
      replies.tell(new ToSession.ReplyPart("l3", json.substring(10), true));
      ServerFrame.MemberList joined = assertInstanceOf(ServerFrame.MemberList.class, c.frame());
      assertEquals(version == null || version < 3 ? null : "alice", joined.owner(), "a reply in parts, version " + version);
    }
  }

  @Test
  void anOlderVersionIsNotSentExpiredPushesAndTheSessionAcknowledgesThemForIt() {
    ServerFrame.Expired expired = new ServerFrame.Expired(2, "m9", "bob", 1, 1);
    Connection older = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> replies = older.authenticate("alice", 1);

    replies.tell(new ToSession.Pushed(List.of(message(1, "a"), expired, message(3, "c"))));
    assertEquals(message(1, "a"), older.frame());
    assertEquals(message(3, "c"), older.frame(), "seq 2 is skipped");
    older.router.expectNoMessage(QUIET); // it waits for the client's ack of seq 1
    older.client(new ClientFrame.Ack(1L));
    assertEquals(2, older.router.expectMessageClass(RouterCommand.Acknowledge.class).upTo(), "seq 1 and the unseen seq 2");

    replies.tell(new ToSession.Pushed(List.of(new ServerFrame.Expired(4, "m8", "bob", 1, 1))));
    older.out.expectNoMessage(QUIET);
    older.client(new ClientFrame.Ack(3L));
    assertEquals(4, older.router.expectMessageClass(RouterCommand.Acknowledge.class).upTo(), "nothing is left waiting for good");

    Connection current = new Connection(10, Duration.ofSeconds(10));
    ActorRef<ToSession> toCurrent = current.authenticate("alice", 3);
    toCurrent.tell(new ToSession.Pushed(List.of(message(1, "a"), expired)));
    assertEquals(List.of(message(1, "a"), expired), current.message(), "version 3 batches them");
    current.router.expectNoMessage(QUIET);
  }

  @Test
  void theSessionStopsWhenTheClientIsGone() {
    Connection c = new Connection(10, Duration.ofSeconds(10));
    c.authenticate("alice");

    c.session.tell(new SessionMessage.ClientGone());

    testKit.createTestProbe().expectTerminated(c.session);
  }

  @Test
  void registrationsFromOneAddressOverItsBudgetAreThrottledAcrossConnectionsWithWhenToRetry() {
    SessionSettings settings = new SessionSettings(Limits.DEFAULT, 10, Duration.ofSeconds(10), "peerlink/test", 1000, 4,
        new LoginThrottle(LoginThrottle.Limits.NONE), new RegistrationThrottle(new RegistrationThrottle.Limits(2, Duration.ofMinutes(10), 10)));
    for (String peer : List.of("alice", "bob")) {
      Connection c = new Connection(settings);
      KeyPair key = Signatures.newKeyPair();
      c.client(new ClientFrame.Register("r1", 1, peer, Signatures.encode(key.getPublic()), c.sign(key, peer), null));
      assertEquals(peer, c.router.expectMessageClass(RouterCommand.RegisterPeer.class).peer());
    }
    Connection third = new Connection(settings); // another connection from the same address
    KeyPair key = Signatures.newKeyPair();

    third.client(new ClientFrame.Register("r1", 1, "carol", Signatures.encode(key.getPublic()), third.sign(key, "carol"), null));

    assertEquals(
        "Too many registrations from your address (2 per 10 minutes); try again in 300 s.",
        third.expectError("r1", ErrorCode.REGISTRATION_THROTTLED).message());
    third.router.expectNoMessage(QUIET);
  }

  @Test
  void aFailedLoginMakesTheNextOneOnItsConnectionWaitAndTooManyCloseIt() {
    Connection c = new Connection(throttled(new LoginThrottle.Limits(Duration.ofHours(1), 3, 100, Duration.ofMinutes(1), 10)));
    KeyPair key = Signatures.newKeyPair();
    KeyPair mallory = Signatures.newKeyPair();
    String publicKey = Signatures.encode(key.getPublic());

    c.client(new ClientFrame.Login("l1", 1, "alice", publicKey, c.sign(mallory, "alice"), null));
    c.expectError("l1", ErrorCode.AUTH_FAILED);
    // within the backoff even the right signature is not checked
    c.client(new ClientFrame.Login("l2", 1, "alice", publicKey, c.sign(key, "alice"), null));
    assertTrue(c.expectError("l2", ErrorCode.LOGIN_THROTTLED).message().startsWith("Too many failed logins on this connection; wait "));
    c.client(new ClientFrame.Login("l3", 1, "alice", publicKey, c.sign(key, "alice"), null));
    c.expectError("l3", ErrorCode.LOGIN_THROTTLED);
    assertEquals("Too many failed logins on this connection (3); it is closed.", c.expectError(null, ErrorCode.LOGIN_THROTTLED).message());
    c.out.expectMessage(new Outgoing.Close());
    c.client(new ClientFrame.Login("l4", 1, "alice", publicKey, c.sign(key, "alice"), null));
    c.out.expectNoMessage(QUIET);
    c.router.expectNoMessage(QUIET);
  }

  @Test
  void aLoginTheRouterRefusesCountsAsAFailedLogin() {
    Connection c = new Connection(throttled(new LoginThrottle.Limits(Duration.ZERO, 2, 100, Duration.ofMinutes(1), 10)));
    KeyPair mallory = Signatures.newKeyPair();

    for (String id : List.of("l1", "l2")) {
      c.client(new ClientFrame.Login(id, 1, "alice", null, c.sign(mallory, "alice"), null));
      RouterCommand.Authenticate login = c.router.expectMessageClass(RouterCommand.Authenticate.class);
      login.session().tell(new ToSession.Reply(ServerFrame.Error.of(id, new ProtocolException(ErrorCode.AUTH_FAILED))));
      c.expectError(id, ErrorCode.AUTH_FAILED);
    }
    c.expectError(null, ErrorCode.LOGIN_THROTTLED);
    c.out.expectMessage(new Outgoing.Close());
  }

  @Test
  void overAnIdsBudgetAFailedLoginClosesItsConnectionButTheRightKeyStillLogsIn() {
    SessionSettings settings = throttled(new LoginThrottle.Limits(Duration.ZERO, 100, 2, Duration.ofHours(1), 10));
    KeyPair key = Signatures.newKeyPair();
    KeyPair mallory = Signatures.newKeyPair();
    String publicKey = Signatures.encode(key.getPublic());
    Connection first = new Connection(settings);
    for (String id : List.of("l1", "l2")) {
      first.client(new ClientFrame.Login(id, 1, "alice", publicKey, first.sign(mallory, "alice"), null));
      first.expectError(id, ErrorCode.AUTH_FAILED);
    }
    first.out.expectNoMessage(QUIET);

    Connection second = new Connection(settings);
    second.client(new ClientFrame.Login("l1", 1, "alice", publicKey, second.sign(mallory, "alice"), null));
    second.expectError("l1", ErrorCode.AUTH_FAILED);
    assertEquals("Too many failed logins for this ID on this server; this connection is closed.",
        second.expectError(null, ErrorCode.LOGIN_THROTTLED).message());
    second.out.expectMessage(new Outgoing.Close());

    Connection alice = new Connection(settings);
    alice.client(new ClientFrame.Login("l1", 1, "alice", publicKey, alice.sign(key, "alice"), null));
    assertEquals("l1", alice.router.expectMessageClass(RouterCommand.Authenticate.class).requestId());
  }

  @Test
  void aLoginAsANameNoPeerCanHaveIsRefusedHereAndNotCounted() {
    Connection c = new Connection(throttled(new LoginThrottle.Limits(Duration.ofHours(1), 1, 1, Duration.ofHours(1), 10)));
    KeyPair key = Signatures.newKeyPair();

    c.client(new ClientFrame.Login("l1", 1, "x".repeat(65), Signatures.encode(key.getPublic()), c.sign(key, "x".repeat(65)), null));
    assertEquals("Peer ID is 65 characters long; the limit is 64.", c.expectError("l1", ErrorCode.INVALID_NAME).message());
    c.client(new ClientFrame.Login("l2", 1, "alice", Signatures.encode(key.getPublic()), c.sign(key, "alice"), null));
    assertEquals("l2", c.router.expectMessageClass(RouterCommand.Authenticate.class).requestId(), "not throttled, not closed");
  }

  // ---- invitations (registration policy invite) ----

  private static final byte[] SECRET = "the deployment's invitation secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final String NOT_OURS =
      "The invitation was not made for this deployment, or it was damaged in copying; ask its operator for a new one.";

  @Test
  void anInvitationDamagedInCopyingOrMadeWithAnotherSecretIsRefusedBeforeTheRouterIsAsked() {
    String good = Invitations.issue(SECRET, java.time.Instant.now().plus(Duration.ofDays(7)));
    String[] parts = good.split("\\.");
    String laterExpiry = parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 86_400) + "." + parts[3];
    String lastCharacterLost = good.substring(0, good.length() - 1);
    String anotherDeployments = Invitations.issue("another deployment's invitation secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        java.time.Instant.now().plus(Duration.ofDays(7)));

    for (String token : List.of(laterExpiry, lastCharacterLost, anotherDeployments, "not a token")) {
      Connection c = new Connection(inviting(RegistrationPolicy.Mode.INVITE));
      KeyPair key = Signatures.newKeyPair();

      c.client(new ClientFrame.Register("r1", 1, "alice", Signatures.encode(key.getPublic()), c.sign(key, "alice"), null, token));

      assertEquals(NOT_OURS, c.expectError("r1", ErrorCode.INVITATION_INVALID).message(), token);
      c.router.expectNoMessage(QUIET);
    }
  }

  @Test
  void aGoodInvitationGoesToTheRouterWithItsIdAndExpiryForTheRegistryToJudge() {
    String token = Invitations.issue(SECRET, java.time.Instant.ofEpochSecond(1_900_000_000L));
    Connection c = new Connection(inviting(RegistrationPolicy.Mode.INVITE));
    KeyPair key = Signatures.newKeyPair();

    c.client(new ClientFrame.Register("r1", 1, "alice", Signatures.encode(key.getPublic()), c.sign(key, "alice"), null, token));

    Invitations.Invitation sent = c.router.expectMessageClass(RouterCommand.RegisterPeer.class).invitation();
    assertEquals(new Invitations.Invitation(token.split("\\.")[1], 1_900_000_000_000L), sent);
  }

  @Test
  void anOpenRouterDoesNotLookAtAnInvitation() {
    Connection c = new Connection(inviting(RegistrationPolicy.Mode.OPEN));
    KeyPair key = Signatures.newKeyPair();

    c.client(new ClientFrame.Register("r1", 1, "alice", Signatures.encode(key.getPublic()), c.sign(key, "alice"), null, "not a token"));

    assertNull(c.router.expectMessageClass(RouterCommand.RegisterPeer.class).invitation());
  }

  private static SessionSettings inviting(RegistrationPolicy.Mode mode) {
    return new SessionSettings(Limits.DEFAULT, 10, Duration.ofSeconds(10), "peerlink/test", 1000, 4, new LoginThrottle(LoginThrottle.Limits.NONE),
        new RegistrationThrottle(RegistrationThrottle.Limits.NONE), new RegistrationPolicy(mode, mode == RegistrationPolicy.Mode.INVITE ? SECRET : null));
  }

  private static SessionSettings throttled(LoginThrottle.Limits limits) {
    return new SessionSettings(Limits.DEFAULT, 10, Duration.ofSeconds(10), "peerlink/test", 1000, 4, new LoginThrottle(limits));
  }

  // ---- helpers ----

  private static ServerFrame.Message message(long seq, String body) {
    return new ServerFrame.Message(seq, "m" + seq, "bob", "alice", null, body, AT);
  }

  /** A session with its client side ({@code out}) and its router side ({@code router}), past the welcome. */
  private static final class Connection {
    final TestProbe<RouterCommand> router = testKit.createTestProbe(RouterCommand.class);
    final TestProbe<Outgoing> out = testKit.createTestProbe(Outgoing.class);
    final TestProbe<SessionDirectory.Command> directory = testKit.createTestProbe(SessionDirectory.Command.class);
    final ActorRef<SessionMessage> session;
    final ServerFrame.Welcome welcome;
    /** The signature of the login {@link #authenticate} made: its proof when the session resumes. */
    String loginSignature;

    Connection(int pushWindow, Duration requestTimeout) {
      this(Limits.DEFAULT, pushWindow, requestTimeout);
    }

    Connection(Limits limits, int pushWindow, Duration requestTimeout) {
      this(new SessionSettings(limits, pushWindow, requestTimeout, "peerlink/test"));
    }

    Connection(SessionSettings settings) {
      session = testKit.spawn(Session.create(router.ref(), Outgoing.to(out.ref()), settings, directory.ref()));
      welcome = assertInstanceOf(ServerFrame.Welcome.class, frame());
    }

    void client(String json) {
      session.tell(new SessionMessage.FromClient(json));
    }

    void client(ClientFrame frame) {
      client(FrameCodec.encode(frame));
    }

    String sign(KeyPair key, String peer) {
      return Signatures.sign(key.getPrivate(), welcome.nonce(), peer);
    }

    /** Registers {@code peer} through the router probe; returns where the router's answers go. */
    ActorRef<ToSession> authenticate(String peer) {
      return authenticate(peer, null);
    }

    /** Registers {@code peer} speaking {@code version} (null: naming none). */
    ActorRef<ToSession> authenticate(String peer, Integer version) {
      KeyPair key = Signatures.newKeyPair();
      loginSignature = sign(key, peer);
      client(new ClientFrame.Register("reg", version, peer, Signatures.encode(key.getPublic()), loginSignature, null));
      RouterCommand.RegisterPeer claim = router.expectMessageClass(RouterCommand.RegisterPeer.class);
      claim.session().tell(new ToSession.Attached(peer, ServerFrame.Ok.authenticated("reg", peer, 0), List.of()));
      assertEquals(ServerFrame.Ok.authenticated("reg", peer, 0), frame());
      return claim.session();
    }

    ServerFrame frame() {
      return codec.decodeServer(out.expectMessageClass(Outgoing.Text.class).json());
    }

    /** The frames of the next message on the wire (several for a version 2 client). */
    List<ServerFrame> message() {
      return FrameCodec.serverFrames(out.expectMessageClass(Outgoing.Text.class).json()).stream().map(codec::decodeServer).toList();
    }

    ServerFrame.Error expectError(String id, ErrorCode code) {
      return expectError(id, code, Duration.ofSeconds(3));
    }

    ServerFrame.Error expectError(String id, ErrorCode code, Duration within) {
      String json = out.expectMessageClass(Outgoing.Text.class, within).json();
      ServerFrame.Error error = assertInstanceOf(ServerFrame.Error.class, codec.decodeServer(json), json);
      assertEquals(code.name(), error.code(), json);
      if (id == null) {
        assertNull(error.id(), json);
      } else {
        assertEquals(id, error.id(), json);
      }
      assertTrue(error.message() != null && !error.message().isBlank(), "a human sentence: " + json);
      return error;
    }
  }
}
