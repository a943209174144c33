package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;

/**
 * The event-sourced registry under the EventSourcedBehaviorTestKit (in-memory journal and snapshot store,
 * every command, event and state checked to round-trip through Jackson CBOR). The router is a probe.
 * Each test has its own actor system, because the registry's persistence id is fixed.
 */
@ExtendWith(LogCapturingExtension.class)
class RegistryTest {
  private static final long NOW = 1_700_000_000_000L;

  /**
   * Events and state (what the journal and snapshot store write) must round-trip through Jackson CBOR. The
   * Decide command is not checked: it only ever goes from the router to its own child, in one JVM, and
   * its list of Decidable commands carries no Jackson type ids (see RouterMessagesSerializationTest for
   * the messages that do cross nodes).
   */
  private static final EventSourcedBehaviorTestKit.SerializationSettings EVENTS_AND_STATE =
      EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false);

  private ActorTestKit testKit;
  private TestProbe<RouterCommand> router;
  private EventSourcedBehaviorTestKit<Registry.Decide, RouterEvent, RouterState> registry;
  private final Map<String, KeyPair> keys = new HashMap<>();
  private final Map<String, TestProbe<ToSession>> sessions = new HashMap<>();

  @AfterEach
  void shutdown() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
  }

  @Test
  void theRouterIsToldWhenTheRegistryHasRecovered() {
    start(1000);

    router.expectMessage(new RouterCommand.RegistryReady());
  }

  @Test
  void aBatchIsPersistedAsItsEventsAndAnsweredWithItsRepliesAndNewPushes() {
    start(1000);
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice");
    register("bob");

    EventSourcedBehaviorTestKit.CommandResult<Registry.Decide, RouterEvent, RouterState> result =
        registry.runCommand(decide(send("alice", "c1", "bob", "one"), send("alice", "c2", "bob", "two")));

    assertEquals(
        List.of(
            new RouterEvent.MessageAccepted("m1", "c1", "alice", "bob", null, List.of("bob"), "one", NOW),
            new RouterEvent.MessageAccepted("m2", "c2", "alice", "bob", null, List.of("bob"), "two", NOW)),
        result.events());
    RouterCommand.BatchDone done = router.expectMessageClass(RouterCommand.BatchDone.class);
    assertEquals(
        List.of(
            new RouterCommand.Delivery(session("alice"), new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false))),
            new RouterCommand.Delivery(session("alice"), new ToSession.Reply(ServerFrame.Ok.sent("c2", "m2", "SENT", 1, false)))),
        done.replies());
    assertEquals(
        Map.of("bob", List.of(
            new ServerFrame.Message(1, "m1", "alice", "bob", null, "one", NOW),
            new ServerFrame.Message(2, "m2", "alice", "bob", null, "two", NOW))),
        done.pushes());
    assertEquals(2, result.state().peer("bob").inboxSize());
  }

  @Test
  void aBatchWithoutEventsIsAnsweredWithoutWriting() {
    start(1000);
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice");

    EventSourcedBehaviorTestKit.CommandResult<Registry.Decide, RouterEvent, RouterState> result =
        registry.runCommand(decide(execute("alice", new ClientFrame.QueryStatus("s1", "m404"))));

    assertTrue(result.hasNoEvents());
    RouterCommand.BatchDone done = router.expectMessageClass(RouterCommand.BatchDone.class);
    ServerFrame.Error error =
        assertInstanceOf(ServerFrame.Error.class, ((ToSession.Reply) done.replies().get(0).message()).frame());
    assertEquals("UNKNOWN_MESSAGE", error.code());
    assertEquals(Map.of(), done.pushes());
  }

  @Test
  void aRestartRecoversTheSameStateAndDoesNotReannounceOldPushes() {
    start(1000);
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice");
    register("bob");
    registry.runCommand(decide(send("alice", "c1", "bob", "one"), send("alice", "c2", "bob", "two")));
    router.expectMessageClass(RouterCommand.BatchDone.class);

    RouterState recovered = registry.restart().state();

    router.expectMessage(new RouterCommand.RegistryReady());
    assertEquals(2, recovered.peerCount());
    assertEquals(2, recovered.messageCount());
    assertEquals(List.of(1L, 2L), seqs(recovered.peer("bob").pushesAfter("bob", 0, AsideStore.NONE)));

    // Bob acknowledges the first: the batch's news is only alice's Delivered notice, not the replayed messages.
    registry.runCommand(decide(new RouterCommand.Acknowledge("bob", 1, session("bob"))));
    RouterCommand.BatchDone done = router.expectMessageClass(RouterCommand.BatchDone.class);
    assertEquals(Map.of("alice", List.of(new ServerFrame.Delivered(1, "m1", "bob", 1, 1))), done.pushes());

    // A retried send after the restart is still recognised.
    registry.runCommand(decide(send("alice", "c2", "bob", "two")));
    RouterCommand.BatchDone retried = router.expectMessageClass(RouterCommand.BatchDone.class);
    assertEquals(
        new ToSession.Reply(ServerFrame.Ok.sent("c2", "m2", "SENT", 1, true)), retried.replies().get(0).message());
  }

  @Test
  void recoveryStartsFromTheLatestSnapshotAndReplaysTheEventsAfterIt() {
    start(3);
    router.expectMessage(new RouterCommand.RegistryReady());
    SnapshotTestKit snapshots = registry.snapshotTestKit().orElseThrow();
    register("alice"); // event 1
    register("bob"); // event 2
    registry.runCommand(decide(send("alice", "c1", "bob", "one"))); // event 3: a snapshot
    router.expectMessageClass(RouterCommand.BatchDone.class);

    RouterState snapshot =
        snapshots.expectNextPersistedClass(Registry.PERSISTENCE_ID.id(), RouterState.class);
    assertEquals(1, snapshot.messageCount());
    assertEquals(2, snapshot.peerCount());

    // Drop the journal's events (keeping its sequence numbers): what comes back can only come from the
    // snapshot, plus the event written after it.
    registry.persistenceTestKit().clearByIdPreservingSeqNumbers(Registry.PERSISTENCE_ID.id());
    registry.runCommand(decide(send("bob", "c1", "alice", "two"))); // event 4
    router.expectMessageClass(RouterCommand.BatchDone.class);

    RouterState recovered = registry.restart().state();

    router.expectMessage(new RouterCommand.RegistryReady());
    assertEquals(2, recovered.peerCount());
    assertEquals(2, recovered.messageCount());
    assertEquals(
        List.of(new ServerFrame.Message(1, "m1", "alice", "bob", null, "one", NOW)), recovered.peer("bob").pushesAfter("bob", 0, AsideStore.NONE));
    assertEquals(
        List.of(new ServerFrame.Message(1, "m2", "bob", "alice", null, "two", NOW)), recovered.peer("alice").pushesAfter("alice", 0, AsideStore.NONE));
  }

  @Test
  void aSnapshotKeepsTheStateAtItsSequenceNumberWhileTheRegistryMovesOn() {
    start(3);
    router.expectMessage(new RouterCommand.RegistryReady());
    SnapshotTestKit snapshots = registry.snapshotTestKit().orElseThrow();
    register("alice");
    register("bob");
    registry.runCommand(decide(send("alice", "c1", "bob", "one"))); // event 3: a snapshot
    router.expectMessageClass(RouterCommand.BatchDone.class);
    snapshots.expectNextPersistedClass(Registry.PERSISTENCE_ID.id(), RouterState.class);

    registry.runCommand(decide(send("bob", "c1", "alice", "two"), new RouterCommand.Acknowledge("bob", 1, session("bob"))));
    router.expectMessageClass(RouterCommand.BatchDone.class);

    // The store may read (serialize) the snapshot at any time after it was handed over.
    RouterState stored = (RouterState) snapshots.persistedInStorage(Registry.PERSISTENCE_ID.id()).get(0).second();
    assertEquals(1, stored.messageCount());
    assertEquals(0, stored.peer("alice").inboxSize());
    assertEquals(1, stored.peer("bob").inboxSize());
    assertEquals(MessageState.SENT, stored.sentMessage("alice", "m1").state());
  }

  @Test
  void recoveringTwiceFromTheSameSnapshotGivesTheSameState() {
    start(3);
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice");
    register("bob");
    registry.runCommand(decide(send("alice", "c1", "bob", "one"))); // event 3: a snapshot
    router.expectMessageClass(RouterCommand.BatchDone.class);
    registry.snapshotTestKit().orElseThrow().expectNextPersistedClass(Registry.PERSISTENCE_ID.id(), RouterState.class);
    registry.runCommand(decide(send("alice", "c2", "bob", "two"))); // event 4, replayed after the snapshot
    router.expectMessageClass(RouterCommand.BatchDone.class);

    RouterState first = registry.restart().state();
    router.expectMessage(new RouterCommand.RegistryReady());
    RouterState second = registry.restart().state();
    router.expectMessage(new RouterCommand.RegistryReady());

    for (RouterState recovered : List.of(first, second)) {
      assertEquals(2, recovered.messageCount());
      assertEquals(List.of(1L, 2L), seqs(recovered.peer("bob").pushesAfter("bob", 0, AsideStore.NONE)));
    }
  }

  @Test
  void aBatchThatCrossesTheSnapshotIntervalIsCheckpointed() {
    start(3);
    router.expectMessage(new RouterCommand.RegistryReady());
    SnapshotTestKit snapshots = registry.snapshotTestKit().orElseThrow();
    register("alice");
    register("bob");

    registry.runCommand(
        decide(send("alice", "c1", "bob", "one"), send("alice", "c2", "bob", "two"), send("alice", "c3", "bob", "three")));
    router.expectMessageClass(RouterCommand.BatchDone.class);

    RouterState snapshot = snapshots.expectNextPersistedClass(Registry.PERSISTENCE_ID.id(), RouterState.class);
    assertEquals(2, snapshot.peerCount());
    assertTrue(snapshot.messageCount() >= 1, "a snapshot taken within or after the batch: " + snapshot.messageCount());
  }

  @Test
  void aMemberAGroupMessageWasRejectedForIsStillRejectedAfterARestartThatReplaysTheJournal() {
    start(1000, new Quotas(1, 1024, 10, 10));
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice");
    register("bob");
    register("carol");
    registry.runCommand(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team"))));
    registry.runCommand(decide(execute("bob", new ClientFrame.JoinGroup("j1", "team"))));
    registry.runCommand(decide(execute("carol", new ClientFrame.JoinGroup("j1", "team"))));
    registry.runCommand(decide(send("carol", "x1", "bob", "fills bob's inbox")));
    registry.runCommand(decide(send("alice", "c1", "team", "hi team")));
    router.receiveSeveralMessages(5);
    ServerFrame.Rejection bob =
        new ServerFrame.Rejection("bob", "INBOX_FULL", "bob's inbox is full (at most 1 message or 1 KiB may wait to be read); try again later.");

    RouterState recovered = registry.restart().state();

    router.expectMessage(new RouterCommand.RegistryReady());
    assertEquals(List.of("bob"), recovered.sentMessage("alice", "m2").rejected());
    assertEquals(List.of("carol"), recovered.sentMessage("alice", "m2").recipients());
    assertEquals(1, recovered.peer("bob").inboxMessages(), "bob got only carol's message");
    registry.runCommand(decide(send("alice", "c1", "team", "hi team")));
    RouterCommand.BatchDone retried = router.expectMessageClass(RouterCommand.BatchDone.class);
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c1", "m2", "SENT", 1, true, List.of(bob))), retried.replies().get(0).message());
  }

  @Test
  void quotasStillHoldAfterRecoveringFromASnapshot() {
    start(5, new Quotas(1, 1024, 1, 10));
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice"); // event 1
    register("bob"); // event 2
    registry.runCommand(decide(send("alice", "c1", "bob", "one"))); // event 3
    registry.runCommand(decide(execute("alice", new ClientFrame.CreateGroup("g1", "team")))); // event 4
    registry.runCommand(decide(execute("bob", new ClientFrame.JoinGroup("j1", "team")))); // event 5: a snapshot
    router.receiveSeveralMessages(3);
    registry.snapshotTestKit().orElseThrow().expectNextPersistedClass(Registry.PERSISTENCE_ID.id(), RouterState.class);
    registry.persistenceTestKit().clearByIdPreservingSeqNumbers(Registry.PERSISTENCE_ID.id());

    RouterState recovered = registry.restart().state();
    router.expectMessage(new RouterCommand.RegistryReady());
    registry.runCommand(decide(send("alice", "c2", "bob", "two"), execute("alice", new ClientFrame.QueryStatus("q1", "m1"))));
    RouterCommand.BatchDone full = router.expectMessageClass(RouterCommand.BatchDone.class);
    registry.runCommand(decide(execute("alice", new ClientFrame.CreateGroup("g2", "more"))));
    RouterCommand.BatchDone tooMany = router.expectMessageClass(RouterCommand.BatchDone.class);

    assertEquals(1, recovered.peer("bob").inboxMessages());
    assertEquals(3, recovered.peer("bob").inboxBytes());
    assertEquals("INBOX_FULL", ((ServerFrame.Error) ((ToSession.Reply) full.replies().get(0).message()).frame()).code());
    assertEquals("TOO_MANY_GROUPS", ((ServerFrame.Error) ((ToSession.Reply) tooMany.replies().get(0).message()).frame()).code());
  }

  @Test
  void privateGroupsBansAndBlocksDecideTheSameAfterARestartThatReplaysTheJournal() {
    start(1000);
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice");
    register("bob");
    register("carol");
    registry.runCommand(decide(execute("alice", new ClientFrame.CreateGroup("g1", "secret", true))));
    registry.runCommand(decide(execute("alice", new ClientFrame.Invite("i1", "secret", "bob"))));
    registry.runCommand(decide(execute("bob", new ClientFrame.JoinGroup("j1", "secret"))));
    registry.runCommand(decide(execute("alice", new ClientFrame.Ban("b1", "secret", "carol"))));
    registry.runCommand(decide(execute("alice", new ClientFrame.GiveGroup("o1", "secret", "bob"))));
    registry.runCommand(decide(execute("carol", new ClientFrame.Block("k1", "alice"))));
    router.receiveSeveralMessages(6);

    RouterState recovered = registry.restart().state();
    router.expectMessage(new RouterCommand.RegistryReady());

    assertEquals("bob", recovered.group("secret").owner());
    assertTrue(recovered.group("secret").isPrivate());
    assertTrue(recovered.group("secret").isBanned("carol"));
    assertTrue(recovered.blocks("carol", "alice"));
    assertEquals("BLOCKED", errorCode(decide(send("alice", "c1", "carol", "hi"))));
    assertEquals("BANNED", errorCode(decide(execute("carol", new ClientFrame.JoinGroup("j2", "secret")))));
    assertEquals("NOT_OWNER", errorCode(decide(execute("alice", new ClientFrame.DeleteGroup("d1", "secret")))));
  }

  @Test
  void privateGroupsBansAndBlocksDecideTheSameAfterRecoveringFromASnapshot() {
    start(5);
    router.expectMessage(new RouterCommand.RegistryReady());
    register("alice"); // event 1
    register("bob"); // event 2
    registry.runCommand(decide(execute("alice", new ClientFrame.CreateGroup("g1", "secret", true)))); // event 3
    registry.runCommand(decide(execute("alice", new ClientFrame.Invite("i1", "secret", "bob")))); // event 4
    registry.runCommand(decide(execute("bob", new ClientFrame.Block("k1", "alice")))); // event 5: a snapshot
    router.receiveSeveralMessages(3);
    registry.snapshotTestKit().orElseThrow().expectNextPersistedClass(Registry.PERSISTENCE_ID.id(), RouterState.class);
    registry.persistenceTestKit().clearByIdPreservingSeqNumbers(Registry.PERSISTENCE_ID.id());

    RouterState recovered = registry.restart().state();
    router.expectMessage(new RouterCommand.RegistryReady());

    assertTrue(recovered.group("secret").isInvited("bob"));
    assertTrue(recovered.blocks("bob", "alice"));
    assertEquals("BLOCKED", errorCode(decide(send("alice", "c1", "bob", "hi"))));
    registry.runCommand(decide(execute("bob", new ClientFrame.JoinGroup("j1", "secret"))));
    RouterCommand.BatchDone joined = router.expectMessageClass(RouterCommand.BatchDone.class);
    assertEquals(new ToSession.Reply(ServerFrame.Ok.plain("j1")), joined.replies().get(0).message(), "the invitation survived the checkpoint");
  }

  /** Runs a batch of one command that the registry refuses, and returns the refusal's code. */
  private String errorCode(Registry.Decide command) {
    registry.runCommand(command);
    RouterCommand.BatchDone done = router.expectMessageClass(RouterCommand.BatchDone.class);
    return ((ServerFrame.Error) ((ToSession.Reply) done.replies().get(0).message()).frame()).code();
  }

  // ---- helpers ----

  private void start(int snapshotEvery) {
    start(snapshotEvery, Quotas.DEFAULT);
  }

  private void start(int snapshotEvery, Quotas quotas) {
    testKit =
        ActorTestKit.create(
            EventSourcedBehaviorTestKit.config()
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(ConfigFactory.load()));
    router = testKit.createTestProbe(RouterCommand.class);
    RegistrySettings settings = new RegistrySettings(Limits.DEFAULT, snapshotEvery, 1000, Duration.ofMillis(200), quotas);
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    registry = EventSourcedBehaviorTestKit.create(testKit.system(), Registry.create(router.ref(), settings, clock), EVENTS_AND_STATE);
  }

  /** Registers {@code peer} (one event) and consumes the router's BatchDone. */
  private void register(String peer) {
    KeyPair key = keys.computeIfAbsent(peer, p -> Signatures.newKeyPair());
    RouterCommand.RegisterPeer command =
        new RouterCommand.RegisterPeer("reg-" + peer, peer, Signatures.encode(key.getPublic()), 0, session(peer));
    EventSourcedBehaviorTestKit.CommandResult<Registry.Decide, RouterEvent, RouterState> result =
        registry.runCommand(decide(command));
    assertEquals(List.of(new RouterEvent.PeerRegistered(peer, Signatures.encode(key.getPublic()), NOW)), result.events());
    RouterCommand.BatchDone done = router.expectMessageClass(RouterCommand.BatchDone.class);
    assertInstanceOf(ToSession.Attached.class, done.replies().get(0).message());
  }

  private static Registry.Decide decide(RouterCommand.Decidable... batch) {
    return new Registry.Decide(Arrays.asList(batch));
  }

  private RouterCommand.Execute send(String from, String clientId, String to, String body) {
    return execute(from, new ClientFrame.Send(clientId, to, body));
  }

  private RouterCommand.Execute execute(String peer, ClientFrame.Request request) {
    return new RouterCommand.Execute(peer, request, session(peer));
  }

  private ActorRef<ToSession> session(String peer) {
    return sessions.computeIfAbsent(peer, p -> testKit.createTestProbe(ToSession.class)).ref();
  }

  private static List<Long> seqs(List<ServerFrame.Push> pushes) {
    return pushes.stream().map(ServerFrame.Push::seq).toList();
  }
}
