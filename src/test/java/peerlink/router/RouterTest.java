package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Limits;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * The router singleton with its real registry on the in-memory journal; sessions are probes. Each test
 * gets its own actor system, because the registry's persistence id is fixed.
 */
@ExtendWith(LogCapturingExtension.class)
class RouterTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final String NONCE = "router-test-nonce";
  private static final Duration QUIET = Duration.ofMillis(300);

  private ActorTestKit testKit;
  private ActorRef<RouterCommand> router;
  private final Map<String, KeyPair> keys = new HashMap<>();

  @BeforeEach
  void start() {
    testKit =
        ActorTestKit.create(
            PersistenceTestKitPlugin.config()
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(ConfigFactory.load()));
    RegistrySettings settings = new RegistrySettings(Limits.DEFAULT, 1000, 1000, Duration.ofMillis(200));
    router = testKit.spawn(Router.create(settings, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)), "router");
  }

  @AfterEach
  void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aMessageIsPushedToItsRecipientAndItsDeliveryToItsSender() {
    // Sent at once after spawning: these wait for the registry to recover.
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");

    router.tell(send("alice", "c1", "bob", "hello bob", alice));

    assertEquals(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false), reply(alice));
    assertEquals(
        new ToSession.Pushed(List.of(new ServerFrame.Message(1, "m1", "alice", "bob", null, "hello bob", NOW))),
        bob.receiveMessage());

    router.tell(new RouterCommand.Acknowledge("bob", 1, bob.ref()));

    assertEquals(new ToSession.Pushed(List.of(new ServerFrame.Delivered(1, "m1", "bob", 1, 1))), alice.receiveMessage());
    bob.expectNoMessage(QUIET);
  }

  @Test
  void aGroupMessageReachesTheOtherMembersAndEachDeliveryIsCounted() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    TestProbe<ToSession> carol = register("carol");
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g1", "team"), alice.ref()));
    router.tell(new RouterCommand.Execute("bob", new ClientFrame.JoinGroup("j1", "team"), bob.ref()));
    router.tell(new RouterCommand.Execute("carol", new ClientFrame.JoinGroup("j2", "team"), carol.ref()));
    assertEquals(ServerFrame.Ok.plain("g1"), reply(alice));
    assertEquals(ServerFrame.Ok.plain("j1"), reply(bob));
    assertEquals(ServerFrame.Ok.plain("j2"), reply(carol));

    router.tell(send("alice", "c1", "team", "hi team", alice));

    assertEquals(ServerFrame.Ok.sent("c1", "m1", "SENT", 2, false), reply(alice));
    assertEquals(List.of(new ServerFrame.Message(1, "m1", "alice", "bob", "team", "hi team", NOW)), pushes(bob, 1));
    assertEquals(List.of(new ServerFrame.Message(1, "m1", "alice", "carol", "team", "hi team", NOW)), pushes(carol, 1));

    router.tell(new RouterCommand.Acknowledge("carol", 1, carol.ref()));
    assertEquals(List.of(new ServerFrame.Delivered(1, "m1", "carol", 1, 2)), pushes(alice, 1));
    router.tell(new RouterCommand.Acknowledge("bob", 1, bob.ref()));
    assertEquals(List.of(new ServerFrame.Delivered(2, "m1", "bob", 2, 2)), pushes(alice, 1));
  }

  @Test
  void aSecondLoginOfTheSamePeerReplacesTheFirstSession() {
    TestProbe<ToSession> first = register("alice");
    TestProbe<ToSession> bob = register("bob");
    TestProbe<ToSession> second = testKit.createTestProbe(ToSession.class);

    router.tell(login("l2", "alice", 0, second));

    ToSession.Attached attached = second.expectMessageClass(ToSession.Attached.class);
    assertEquals(ServerFrame.Ok.authenticated("l2", "alice", 0), attached.reply());
    first.expectMessage(new ToSession.Replaced());

    router.tell(send("bob", "c1", "alice", "which one?", bob));
    assertEquals(List.of(new ServerFrame.Message(1, "m1", "bob", "alice", null, "which one?", NOW)), pushes(second, 1));
    first.expectNoMessage(QUIET);
  }

  @Test
  void aStoppedSessionIsForgottenAndItsPushesComeBackAsBacklogAtTheNextLogin() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    bob.stop();

    router.tell(send("alice", "c1", "bob", "while you were out", alice));
    router.tell(send("alice", "c2", "bob", "still out?", alice));
    assertEquals("m1", reply(alice).msgId());
    assertEquals("m2", reply(alice).msgId());

    TestProbe<ToSession> bobAgain = testKit.createTestProbe(ToSession.class);
    router.tell(login("l1", "bob", 0, bobAgain));

    ToSession.Attached attached = bobAgain.expectMessageClass(ToSession.Attached.class);
    assertEquals(ServerFrame.Ok.authenticated("l1", "bob", 2), attached.reply());
    assertEquals(
        List.of(
            new ServerFrame.Message(1, "m1", "alice", "bob", null, "while you were out", NOW),
            new ServerFrame.Message(2, "m2", "alice", "bob", null, "still out?", NOW)),
        attached.backlog());
    bobAgain.expectNoMessage(QUIET);
  }

  @Test
  void aLoginThatResumesAfterSomePushesCountsThemAsDelivered() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    for (int i = 1; i <= 3; i++) {
      router.tell(send("alice", "c" + i, "bob", "message " + i, alice));
      reply(alice);
    }
    assertEquals(List.of(1L, 2L, 3L), seqs(pushes(bob, 3)));
    bob.stop();

    TestProbe<ToSession> bobAgain = testKit.createTestProbe(ToSession.class);
    router.tell(login("l1", "bob", 2, bobAgain));

    ToSession.Attached attached = bobAgain.expectMessageClass(ToSession.Attached.class);
    assertEquals(List.of(3L), seqs(attached.backlog()));
    assertEquals(
        List.of(new ServerFrame.Delivered(1, "m1", "bob", 1, 1), new ServerFrame.Delivered(2, "m2", "bob", 1, 1)),
        pushes(alice, 2));
  }

  @Test
  void manySendsIssuedAtOnceAreAllAnsweredInOrderPerSender() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> carol = register("carol");
    TestProbe<ToSession> bob = register("bob");
    int each = 60;

    for (int i = 1; i <= each; i++) {
      router.tell(send("alice", "a" + i, "bob", "alice " + i, alice));
      router.tell(send("carol", "c" + i, "bob", "carol " + i, carol));
    }

    List<String> aliceIds = new ArrayList<>();
    List<String> carolIds = new ArrayList<>();
    for (int i = 1; i <= each; i++) {
      ServerFrame.Ok ok = reply(alice);
      assertEquals("a" + i, ok.id(), "alice's replies come in the order she sent");
      assertNull(ok.duplicate());
      aliceIds.add(ok.msgId());
      carolIds.add(reply(carol).msgId());
    }
    List<ServerFrame.Push> received = pushes(bob, 2 * each);
    assertEquals(
        java.util.stream.LongStream.rangeClosed(1, 2 * each).boxed().toList(), seqs(received), "no gaps, no repeats");
    List<String> fromAlice = new ArrayList<>();
    List<String> fromCarol = new ArrayList<>();
    for (ServerFrame.Push push : received) {
      ServerFrame.Message m = (ServerFrame.Message) push;
      (m.from().equals("alice") ? fromAlice : fromCarol).add(m.body());
    }
    assertEquals(java.util.stream.IntStream.rangeClosed(1, each).mapToObj(i -> "alice " + i).toList(), fromAlice);
    assertEquals(java.util.stream.IntStream.rangeClosed(1, each).mapToObj(i -> "carol " + i).toList(), fromCarol);
    assertEquals(2 * each, new java.util.HashSet<>(concat(aliceIds, carolIds)).size(), "every message has its own id");
  }

  @Test
  void commandsQueuedWhileAWriteIsInFlightAreNotLost() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");

    // The first command goes to the registry at once; the rest queue behind it. Group commands are
    // decided alone, so the queue is cut into several batches.
    router.tell(send("alice", "c1", "bob", "one", alice));
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g1", "team"), alice.ref()));
    router.tell(send("alice", "c2", "bob", "two", alice));
    router.tell(new RouterCommand.Execute("bob", new ClientFrame.JoinGroup("j1", "team"), bob.ref()));
    router.tell(send("alice", "c3", "team", "three", alice));
    router.tell(send("alice", "c1", "bob", "one", alice)); // a retry of c1

    assertEquals(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false), reply(alice));
    assertEquals(ServerFrame.Ok.plain("g1"), reply(alice));
    assertEquals(ServerFrame.Ok.sent("c2", "m2", "SENT", 1, false), reply(alice));
    assertEquals(ServerFrame.Ok.sent("c3", "m3", "SENT", 1, false), reply(alice));
    assertEquals(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, true), reply(alice));
    List<ServerFrame.Push> toBob = new ArrayList<>();
    ServerFrame joined = null;
    while (toBob.size() < 3 || joined == null) {
      ToSession message = bob.receiveMessage();
      if (message instanceof ToSession.Reply r) {
        joined = r.frame();
      } else {
        toBob.addAll(((ToSession.Pushed) message).pushes());
      }
    }
    assertEquals(ServerFrame.Ok.plain("j1"), joined);
    assertEquals(List.of("one", "two", "three"), toBob.stream().map(p -> ((ServerFrame.Message) p).body()).toList());
  }

  @Test
  void aSessionWhoseFirstLoginTimedOutCanLogInAsAnotherPeerWithoutBreakingTheRouter() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    // The session's client registered "carol", gave up waiting (the session answered UNAVAILABLE), and then
    // registered "dave" on the same connection. The router sees both, from one session.
    TestProbe<ToSession> session = testKit.createTestProbe(ToSession.class);
    router.tell(registerCommand("r1", "carol", session));
    session.expectMessageClass(ToSession.Attached.class);
    router.tell(registerCommand("r2", "dave", session));
    assertEquals("dave", session.expectMessageClass(ToSession.Attached.class).peer());

    // The router still works, and a message to carol does not go to dave's session.
    router.tell(send("alice", "c1", "carol", "for carol", alice));
    router.tell(send("alice", "c2", "dave", "for dave", alice));
    assertEquals("m1", reply(alice).msgId());
    assertEquals("m2", reply(alice).msgId());
    assertEquals(List.of(new ServerFrame.Message(1, "m2", "alice", "dave", null, "for dave", NOW)), pushes(session, 1));
    session.expectNoMessage(QUIET);
    router.tell(send("bob", "c1", "alice", "still there?", bob));
    assertEquals("m3", reply(bob).msgId());
  }

  @Test
  void consecutiveRegistrationsShareOneWriteAndAGroupCreationIsWrittenAlone() throws InterruptedException {
    Writes writes = new Writes();
    PersistenceTestKit.create(testKit.system()).withPolicy(writes);
    TestProbe<ToSession> alice = testKit.createTestProbe(ToSession.class);
    router.tell(registerCommand("reg-alice", "alice", alice));
    writes.awaitFirstWriteHeld();

    // Queued behind alice's write, in this order: four registrations (bob twice, on two connections with
    // the same key), a group creation, two more registrations.
    TestProbe<ToSession> bob = testKit.createTestProbe(ToSession.class);
    TestProbe<ToSession> bobAgain = testKit.createTestProbe(ToSession.class);
    TestProbe<ToSession> carol = testKit.createTestProbe(ToSession.class);
    TestProbe<ToSession> dave = testKit.createTestProbe(ToSession.class);
    TestProbe<ToSession> erin = testKit.createTestProbe(ToSession.class);
    TestProbe<ToSession> frank = testKit.createTestProbe(ToSession.class);
    router.tell(registerCommand("reg-bob", "bob", bob));
    router.tell(registerCommand("reg-carol", "carol", carol));
    router.tell(registerCommand("reg-bob-again", "bob", bobAgain));
    router.tell(registerCommand("reg-dave", "dave", dave));
    router.tell(new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g1", "team"), alice.ref()));
    router.tell(registerCommand("reg-erin", "erin", erin));
    router.tell(registerCommand("reg-frank", "frank", frank));
    writes.release();

    assertEquals(ServerFrame.Ok.authenticated("reg-alice", "alice", 0), alice.expectMessageClass(ToSession.Attached.class).reply());
    assertEquals(ServerFrame.Ok.authenticated("reg-bob", "bob", 0), bob.expectMessageClass(ToSession.Attached.class).reply());
    assertEquals(ServerFrame.Ok.authenticated("reg-carol", "carol", 0), carol.expectMessageClass(ToSession.Attached.class).reply());
    // bob's second registration is a login of the peer created earlier in the same write: it replaces bob's
    // first connection, exactly as if the two had been written one after the other.
    assertEquals(ServerFrame.Ok.authenticated("reg-bob-again", "bob", 0), bobAgain.expectMessageClass(ToSession.Attached.class).reply());
    bob.expectMessage(new ToSession.Replaced());
    assertEquals(ServerFrame.Ok.authenticated("reg-dave", "dave", 0), dave.expectMessageClass(ToSession.Attached.class).reply());
    assertEquals(ServerFrame.Ok.plain("g1"), reply(alice));
    assertEquals(ServerFrame.Ok.authenticated("reg-erin", "erin", 0), erin.expectMessageClass(ToSession.Attached.class).reply());
    assertEquals(ServerFrame.Ok.authenticated("reg-frank", "frank", 0), frank.expectMessageClass(ToSession.Attached.class).reply());

    assertEquals(
        List.of(List.of("alice"), List.of("bob", "carol", "dave"), List.of("group team"), List.of("erin", "frank")),
        writes.written(),
        "one write per batch");
  }

  // ---- helpers ----

  /** Records what each journal write holds, and holds the first write until the test releases it. */
  @Test
  void manyHeavyMessagesForAConnectedPeerInOneBatchReachItsSessionInPagesThatFitBetweenNodes() {
    TestProbe<ToSession> alice = register("alice");
    TestProbe<ToSession> bob = register("bob");
    String body = "x".repeat(60_000);

    for (int i = 1; i <= 8; i++) { // 480,000 characters: over Artery's 256 KiB frame as one message
      router.tell(send("alice", "c" + i, "bob", body, alice));
    }

    List<ServerFrame.Push> received = new ArrayList<>();
    while (received.size() < 8) {
      List<ServerFrame.Push> page = bob.expectMessageClass(ToSession.Pushed.class).pushes();
      assertTrue(page.size() == 1 || PageLimits.fits(page.stream().mapToInt(PageLimits::weight).sum()), "a page of " + page.size());
      received.addAll(page);
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), seqs(received));
  }

  @Test
  void aMemberListTooLongForOneMessageBetweenNodesComesInPartsThatJoinIntoTheFrame() {
    TestProbe<ToSession> alice = testKit.createTestProbe(ToSession.class);
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 1200; i++) { // 1,200 members with names of 64 characters: about 80,000 characters
      members.add(String.format("%064d", i));
    }
    ServerFrame.MemberList list = new ServerFrame.MemberList("l1", "team", members);

    Router.deliver(alice.ref(), new ToSession.Reply(list));

    StringBuilder json = new StringBuilder();
    int parts = 0;
    for (ToSession.ReplyPart part = alice.expectMessageClass(ToSession.ReplyPart.class); ; part = alice.expectMessageClass(ToSession.ReplyPart.class)) {
      assertEquals("l1", part.id());
      assertTrue(part.json().length() <= PageLimits.MAX_WEIGHT);
      json.append(part.json());
      parts++;
      if (part.last()) {
        break;
      }
    }
    assertEquals(2, parts);
    assertEquals(list, new peerlink.protocol.FrameCodec(Limits.DEFAULT).decodeServer(json.toString()));
    Router.deliver(alice.ref(), new ToSession.Reply(new ServerFrame.MemberList("l2", "team", members.subList(0, 10))));
    assertEquals(new ToSession.Reply(new ServerFrame.MemberList("l2", "team", members.subList(0, 10))), alice.receiveMessage(), "a short one goes whole");
  }

  private static final class Writes implements ProcessingPolicy<JournalOperation> {
    private final List<List<String>> written = new ArrayList<>();
    private final CountDownLatch firstHeld = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public ProcessingResult tryProcess(String persistenceId, JournalOperation operation) {
      if (operation instanceof WriteEvents write) {
        synchronized (written) {
          written.add(write.getBatch().stream().map(Writes::describe).toList());
        }
        if (firstHeld.getCount() > 0) {
          firstHeld.countDown();
          try {
            released.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      return ProcessingSuccess.getInstance();
    }

    void awaitFirstWriteHeld() throws InterruptedException {
      assertEquals(true, firstHeld.await(10, TimeUnit.SECONDS), "the first write reached the journal");
    }

    void release() {
      released.countDown();
    }

    List<List<String>> written() {
      synchronized (written) {
        return List.copyOf(written);
      }
    }

    private static String describe(Object event) {
      if (event instanceof RouterEvent.PeerRegistered p) return p.peer();
      if (event instanceof RouterEvent.GroupCreated g) return "group " + g.group();
      return event.toString();
    }
  }

  private TestProbe<ToSession> register(String peer) {
    TestProbe<ToSession> session = testKit.createTestProbe(ToSession.class);
    router.tell(registerCommand("reg-" + peer, peer, session));
    ToSession.Attached attached = session.expectMessageClass(ToSession.Attached.class);
    assertEquals(ServerFrame.Ok.authenticated("reg-" + peer, peer, 0), attached.reply());
    return session;
  }

  private RouterCommand.RegisterPeer registerCommand(String requestId, String peer, TestProbe<ToSession> session) {
    KeyPair key = keys.computeIfAbsent(peer, p -> Signatures.newKeyPair());
    return new RouterCommand.RegisterPeer(requestId, peer, Signatures.encode(key.getPublic()), 0, session.ref());
  }

  /** A login the registry verifies itself, as from a client that sends no public key. */
  private RouterCommand.Authenticate login(String requestId, String peer, long lastSeq, TestProbe<ToSession> session) {
    return new RouterCommand.Authenticate(
        requestId, peer, NONCE, Signatures.sign(keys.get(peer).getPrivate(), NONCE, peer), null, lastSeq, session.ref());
  }

  private static RouterCommand.Execute send(String from, String id, String to, String body, TestProbe<ToSession> session) {
    return new RouterCommand.Execute(from, new ClientFrame.Send(id, to, body), session.ref());
  }

  /** The next message must be an Ok reply. */
  private static ServerFrame.Ok reply(TestProbe<ToSession> session) {
    ToSession.Reply reply = session.expectMessageClass(ToSession.Reply.class);
    return assertInstanceOf(ServerFrame.Ok.class, reply.frame(), () -> "expected ok: " + reply.frame());
  }

  /** Collects exactly {@code n} pushes from Pushed messages, failing on anything else. */
  private static List<ServerFrame.Push> pushes(TestProbe<ToSession> session, int n) {
    List<ServerFrame.Push> pushes = new ArrayList<>();
    while (pushes.size() < n) {
      pushes.addAll(session.expectMessageClass(ToSession.Pushed.class).pushes());
    }
    assertEquals(n, pushes.size(), "pushes: " + pushes);
    return pushes;
  }

  private static List<Long> seqs(List<ServerFrame.Push> pushes) {
    return pushes.stream().map(ServerFrame.Push::seq).toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
