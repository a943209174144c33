package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;
import peerlink.storage.SnapshotCriteria;
import peerlink.storage.StoredSnapshot;
import peerlink.testing.Poll;

/**
 * The registry on the real storage plugins and a real LevelDB keeps message bodies beside the journal: each
 * body is written once, with the event that accepts its message, is in neither the journaled event nor a
 * checkpoint, is read back when pushed (also after a restart), and leaves the store once its message settles.
 */
@ExtendWith(LogCapturingExtension.class)
class RegistryBodiesTest extends RegistryStoreTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final String REGISTRY = Registry.PERSISTENCE_ID.id();

  private final KeyPair carol = Signatures.newKeyPair();

  @Test
  void bodiesWaitInTheStoreAndReachTheRecipientAfterARestart() {
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = spawn(kit);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    int sent = 60; // more than one checkpoint's worth of events (one every 40)
    for (int i = 1; i <= sent; i++) {
      registry.decide(registry.send("alice", "c" + i, "bob", body(i)));
    }
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    Poll.until(Duration.ofSeconds(20), () -> store.latestSnapshot(REGISTRY, SnapshotCriteria.latest()).isPresent(), "a checkpoint");
    for (int i = 1; i <= sent; i++) {
      assertArrayEquals(body(i).getBytes(StandardCharsets.UTF_8), store.body(REGISTRY, i), "the body of m" + i + " is in the store");
    }
    List<byte[]> journaled = new ArrayList<>();
    store.replay(REGISTRY, 1, Long.MAX_VALUE, Long.MAX_VALUE, entry -> journaled.add(entry.payload()));
    assertFalse(journaled.isEmpty(), "events after the checkpoint are journaled");
    journaled.forEach(payload -> assertFalse(contains(payload, "unique body"), "a journaled event carries no body"));
    StoredSnapshot checkpoint = store.latestSnapshot(REGISTRY, SnapshotCriteria.latest()).orElseThrow();
    assertFalse(contains(checkpoint.payload(), "unique body"), "a checkpoint carries no body");
    kit.shutdownTestKit();

    ActorTestKit after = start();
    RegistryOnLevelDb.Registered again = spawn(after);
    List<ServerFrame.Push> pushes = again.fetch("bob", 0);
    assertEquals(sent, pushes.size());
    for (int i = 1; i <= sent; i++) {
      assertEquals(new ServerFrame.Message(i, "m" + i, "alice", "bob", null, body(i), NOW), pushes.get(i - 1), "bob gets m" + i + " whole, in order");
    }
  }

  @Test
  void aBodyLeavesTheStoreWithTheWriteAfterItsLastRecipientAcknowledged() {
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = spawn(kit);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob), registry.register("carol", carol));
    registry.decide(new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g1", "team"), registry.probe("alice")));
    registry.decide(new RouterCommand.Execute("bob", new ClientFrame.JoinGroup("j1", "team"), registry.probe("bob")));
    registry.decide(new RouterCommand.Execute("carol", new ClientFrame.JoinGroup("j2", "team"), registry.probe("carol")));
    registry.decide(registry.send("alice", "c1", "team", "to the whole team"));
    registry.decide(registry.send("alice", "c2", "bob", "to bob alone"));
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    assertEquals("to the whole team", new String(store.body(REGISTRY, 1), StandardCharsets.UTF_8), "a group message's body, stored once");

    registry.decide(new RouterCommand.Acknowledge("bob", 2, registry.probe("bob")));
    registry.decide(); // the write after the acknowledgement: the router's idle tick decides an empty batch
    assertNull(store.body(REGISTRY, 2), "bob had the last copy of m2: its body is gone");
    assertEquals("to the whole team", new String(store.body(REGISTRY, 1), StandardCharsets.UTF_8), "carol still waits for m1");
    assertEquals(List.of(new ServerFrame.Message(1, "m1", "alice", "carol", "team", "to the whole team", NOW)), registry.fetch("carol", 0));

    registry.decide(new RouterCommand.Acknowledge("carol", 1, registry.probe("carol")));
    registry.decide();
    assertNull(store.body(REGISTRY, 1), "every member has m1: its body is gone");
    RouterCommand.BatchDone status = registry.decide(new RouterCommand.Execute("alice", new ClientFrame.QueryStatus("s1", "m1"), registry.probe("alice")));
    assertEquals("DELIVERED", ((ServerFrame.MessageStatus) ((ToSession.Reply) status.replies().get(0).message()).frame()).state());
  }

  @Test
  void aStoreWrittenBeforeBodiesWentAsideIsReadWithTheBodiesInItsEvents() throws Exception {
    // The journal as the version before wrote it: every body in its event, nothing beside it.
    RegistryOnLevelDb.journalAsBefore(dir, List.of(
        new RouterEvent.PeerRegistered("alice", Signatures.encode(alice.getPublic()), NOW),
        new RouterEvent.PeerRegistered("bob", Signatures.encode(bob.getPublic()), NOW),
        new RouterEvent.MessageAccepted("m1", "c1", "alice", "bob", null, List.of("bob"), "written by the version before", NOW)));

    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = spawn(kit);
    assertEquals(List.of(new ServerFrame.Message(1, "m1", "alice", "bob", null, "written by the version before", NOW)), registry.fetch("bob", 0));
    registry.decide(registry.send("alice", "c2", "bob", "written by this version"));
    assertEquals(List.of(
            new ServerFrame.Message(1, "m1", "alice", "bob", null, "written by the version before", NOW),
            new ServerFrame.Message(2, "m2", "alice", "bob", null, "written by this version", NOW)),
        registry.fetch("bob", 0));
    registry.decide(new RouterCommand.Acknowledge("bob", 2, registry.probe("bob")));
    registry.decide();
    EventLog reopened = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    assertNull(reopened.body(REGISTRY, 2), "a new message's body goes once it is delivered");
    assertTrue(registry.fetch("bob", 0).isEmpty());
  }

  private static String body(int i) {
    return "unique body " + i + " " + "x".repeat(i);
  }

  private static boolean contains(byte[] payload, String text) {
    return new String(payload, StandardCharsets.ISO_8859_1).contains(text);
  }

  // ---- helpers ----


  private RegistryOnLevelDb.Registered spawn(ActorTestKit kit) {
    return RegistryOnLevelDb.spawn(kit, 40, NOW);
  }
}
