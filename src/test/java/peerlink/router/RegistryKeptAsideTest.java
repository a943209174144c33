package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.checkpoint.SentId;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;

/**
 * Issue 23, item 2: what the registry keeps for duplicate detection and {@code message_status} lives in the store
 * beside the journal, not in its heap. The client ids of each sender's last {@link SentIds#KEPT} sends are written
 * with the event that accepts the message and deleted with the send that moves the window past them; the records
 * of its last {@link DeliveredRecords#KEPT} delivered messages with the write after the one that settled them. A
 * resent id within the window is still answered with its first message id, and a delivered message's state is
 * still reported: from the store, after a restart, and for what an older build kept in its state.
 */
@ExtendWith(LogCapturingExtension.class)
class RegistryKeptAsideTest extends RegistryStoreTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final String REGISTRY = Registry.PERSISTENCE_ID.id();
  /** Sends per decided batch: a router's batches are of this order. */
  private static final int BATCH = 500;


  @Test
  void aResentIdIsKnownFromTheStoreAcrossARestartUntilTheSendersWindowPassesIt() {
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = RegistryOnLevelDb.spawn(kit, 2_000, NOW);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    sendFromAlice(registry, 0, SentIds.KEPT); // c0 … c9999: the whole window
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    assertEquals(new SentId("alice", "c0", 1, 0), store.sentId(REGISTRY, "alice", "c0"), "the first id, its message number and position");

    ServerFrame.Ok resent = sentReply(registry.decide(registry.send("alice", "c0", "bob", "again")));
    assertEquals("m1", resent.msgId(), "the oldest id in the window gets its first message id");
    assertEquals(Boolean.TRUE, resent.duplicate());
    kit.shutdownTestKit();

    ActorTestKit after = start();
    RegistryOnLevelDb.Registered again = RegistryOnLevelDb.spawn(after, 2_000, NOW);
    assertEquals("m1", sentReply(again.decide(again.send("alice", "c0", "bob", "again"))).msgId(), "also after a restart (checkpoint and events)");

    ServerFrame.Ok next = sentReply(again.decide(again.send("alice", "c10000", "bob", "one more")));
    assertEquals("m10001", next.msgId());
    EventLog reopened = EventLogs.get(after.system().classicSystem()).forDirectory(dir);
    assertFalse(journalMentions(reopened, "forgets"), "what a send forgets is not journaled");
    ServerFrame.Ok forgotten = sentReply(again.decide(again.send("alice", "c0", "bob", "a new message")));
    assertNotEquals("m1", forgotten.msgId(), "an id out of the window is a new message: " + forgotten);
    // That new message moved the window on by one more: c1 is out too; its new message moves it past c2, and
    // c3 is the oldest id in it.
    assertEquals("m10003", sentReply(again.decide(again.send("alice", "c1", "bob", "a new message"))).msgId());
    assertEquals("m4", sentReply(again.decide(again.send("alice", "c3", "bob", "again"))).msgId());
    assertNotNull(reopened.sentId(REGISTRY, "alice", "c5"), "the store forgets a window whole, not one id per send");

    sendFromAlice(again, 10_003, 2 * SentIds.KEPT - 10_003); // up to position 19,999
    assertNotNull(reopened.sentId(REGISTRY, "alice", "c5"));
    sendFromAlice(again, 2 * SentIds.KEPT, 1); // position 20,000 begins a window: the one before the last goes
    assertNull(reopened.sentId(REGISTRY, "alice", "c5"), "ids below position 10,000 are forgotten");
    assertNull(reopened.sentId(REGISTRY, "alice", "c9999"));
    assertEquals(new SentId("alice", "c0", 10_002, 10_001), reopened.sentId(REGISTRY, "alice", "c0"), "c0 sent again at 10,001 stays");
    assertNotNull(reopened.sentId(REGISTRY, "alice", "c10000"));
  }

  @Test
  void aDeliveredMessagesStateComesFromTheStoreAcrossARestartUntilItsSendersWindowPassesIt() {
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = RegistryOnLevelDb.spawn(kit, 2_000, NOW);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    registry.decide(registry.send("alice", "first", "bob", "the first"));
    registry.decide(new RouterCommand.Acknowledge("bob", 1, registry.probe("bob")));
    assertEquals("DELIVERED", state(registry, "alice", "m1"), "settled: the state has the record until the next write");
    registry.decide(); // the next write: the router's idle tick
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    assertNotNull(store.keptRecord(REGISTRY, "alice", 1), "the next write kept the record beside the journal");
    assertEquals("DELIVERED", state(registry, "alice", "m1"), "from the store");
    assertEquals("UNKNOWN_MESSAGE", state(registry, "bob", "m1"), "another peer's message is unknown to bob, also in the store");
    kit.shutdownTestKit();

    ActorTestKit after = start();
    RegistryOnLevelDb.Registered again = RegistryOnLevelDb.spawn(after, 2_000, NOW);
    assertEquals("DELIVERED", state(again, "alice", "m1"), "after a restart");
    EventLog reopened = EventLogs.get(after.system().classicSystem()).forDirectory(dir);
    sendFromAlice(again, 1, 2 * DeliveredRecords.KEPT - 1); // m2 … m20000: records at positions 1 … 19,999
    flushKeptRecords(again, reopened, 2 * DeliveredRecords.KEPT);
    assertEquals("DELIVERED", state(again, "alice", "m1"), "a window is forgotten whole: m1 is still kept 19,999 records later");

    sendFromAlice(again, 2 * DeliveredRecords.KEPT, 1); // m20001's record, at position 20,000, begins a window
    flushKeptRecords(again, reopened, 2 * DeliveredRecords.KEPT + 1);
    assertNull(reopened.keptRecord(REGISTRY, "alice", 1), "the window before the last is forgotten");
    assertEquals("UNKNOWN_MESSAGE", state(again, "alice", "m1"));
    assertEquals("UNKNOWN_MESSAGE", state(again, "alice", "m10000"), "at position 9,999");
    assertEquals("DELIVERED", state(again, "alice", "m10001"), "at position 10,000: the last 10,000 and more are kept");
  }

  @Test
  void idsAnOlderBuildKeptInItsStateAreStillKnownAndNewOnesGoToTheStoreAfterThem() {
    RegistryOnLevelDb.journalAsBefore(dir, List.of(
        new RouterEvent.PeerRegistered("alice", Signatures.encode(alice.getPublic()), NOW),
        new RouterEvent.PeerRegistered("bob", Signatures.encode(bob.getPublic()), NOW),
        new RouterEvent.MessageAccepted("m1", "old-1", "alice", "bob", null, List.of("bob"), "before", NOW),
        new RouterEvent.MessageAccepted("m2", "old-2", "alice", "bob", null, List.of("bob"), "before", NOW)));
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = RegistryOnLevelDb.spawn(kit, 2_000, NOW);
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    assertNull(store.sentId(REGISTRY, "alice", "old-1"), "the older build kept its ids in the state only");
    assertEquals("m1", sentReply(registry.decide(registry.send("alice", "old-1", "bob", "again"))).msgId(), "and they are still known");

    assertEquals("m3", sentReply(registry.decide(registry.send("alice", "new-1", "bob", "after"))).msgId());
    assertEquals(new SentId("alice", "new-1", 3, 2), store.sentId(REGISTRY, "alice", "new-1"), "positions count on from the older sends");
    assertEquals("m3", sentReply(registry.decide(registry.send("alice", "new-1", "bob", "again"))).msgId());
  }

  private void sendFromAlice(RegistryOnLevelDb.Registered registry, int from, int count) {
    for (int first = from; first < from + count; first += BATCH) {
      List<RouterCommand.Decidable> batch = new ArrayList<>();
      for (int i = first; i < Math.min(first + BATCH, from + count); i++) {
        batch.add(registry.send("alice", "c" + i, "bob", "message " + i));
      }
      registry.decide(batch);
      // bob takes them, so his inbox never reaches its quota
      registry.decide(new RouterCommand.Acknowledge("bob", Math.min(first + BATCH, from + count), registry.probe("bob")));
    }
  }

  /** Decides empty batches (the router's idle ticks) until the record of alice's message {@code number} is in the store. */
  private static void flushKeptRecords(RegistryOnLevelDb.Registered registry, EventLog store, long number) {
    for (int write = 0; write < 20 && store.keptRecord(REGISTRY, "alice", number) == null; write++) {
      registry.decide();
    }
    assertNotNull(store.keptRecord(REGISTRY, "alice", number), "the record of alice's m" + number + " was kept");
  }

  /** The state {@code peer} is told of {@code msgId}, or the error code it gets. */
  private static String state(RegistryOnLevelDb.Registered registry, String peer, String msgId) {
    RouterCommand.BatchDone done = registry.decide(new RouterCommand.Execute(peer, new ClientFrame.QueryStatus("s", msgId), registry.probe(peer)));
    ServerFrame frame = ((ToSession.Reply) done.replies().get(0).message()).frame();
    return frame instanceof ServerFrame.MessageStatus status ? status.state() : ((ServerFrame.Error) frame).code();
  }

  private static ServerFrame.Ok sentReply(RouterCommand.BatchDone done) {
    return (ServerFrame.Ok) ((ToSession.Reply) done.replies().get(0).message()).frame();
  }

  private static boolean journalMentions(EventLog store, String text) {
    boolean[] found = {false};
    store.replay(REGISTRY, 1, Long.MAX_VALUE, Long.MAX_VALUE,
        entry -> found[0] |= new String(entry.payload(), StandardCharsets.ISO_8859_1).contains(text));
    return found[0];
  }

}
