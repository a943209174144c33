package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;
import peerlink.storage.FreeSpace;

/**
 * A command whose event the journal cannot store (or that would grow a store whose disk is nearly full) fails alone: the registry on the real storage plugins and
 * a real LevelDB, given a batch in which one send's body holds a lone surrogate (which Jackson's CBOR writer
 * refuses; the protocol edge refuses it too, so only a command built inside the node can carry it).
 */
@ExtendWith(LogCapturingExtension.class)
class UnstorableEventTest extends RegistryStoreTest {
  private static final long NOW = 1_700_000_000_000L;


  @Test
  void anUnstorableSendFailsAloneAndTheRestOfItsBatchIsSent() {
    ActorTestKit kit = start();
    Registered registry = spawn(kit);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));

    RouterCommand.BatchDone done = registry.decide(
        registry.send("c1", "before"), registry.send("c2", "poison \ud800"), registry.send("c3", "after"));

    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false)), done.replies().get(0).message());
    ServerFrame.Error refused = assertInstanceOf(ServerFrame.Error.class, ((ToSession.Reply) done.replies().get(1).message()).frame());
    assertEquals("c2", refused.id());
    assertEquals("NOT_STORABLE", refused.code());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c3", "m2", "SENT", 1, false)), done.replies().get(2).message());
    assertEquals(Map.of("bob", List.of(
            new ServerFrame.Message(1, "m1", "alice", "bob", null, "before", NOW),
            new ServerFrame.Message(2, "m2", "alice", "bob", null, "after", NOW))),
        done.pushes());

    // The registry kept running (no restart, no recovery): the next batch is answered at once.
    RouterCommand.BatchDone next = registry.decide(registry.send("c4", "still here"));
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c4", "m3", "SENT", 1, false)), next.replies().get(0).message());
    registry.router.expectNoMessage(Duration.ofMillis(200));
    kit.shutdownTestKit();

    // What was SENT is on disk; the refused send left nothing behind: its id is free.
    Registered again = spawn(start());
    RouterCommand.BatchDone resent = again.decide(again.send("c3", "after"), again.send("c2", "cured"));
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c3", "m2", "SENT", 1, true)), resent.replies().get(0).message());
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c2", "m4", "SENT", 1, false)), resent.replies().get(1).message());
  }

  @Test
  void anUnstorableRegistrationFailsAloneAndLeavesItsIdFreeInTheSameBatch() {
    Registered registry = spawn(start());
    KeyPair carol = Signatures.newKeyPair();
    RouterCommand.RegisterPeer poisoned = new RouterCommand.RegisterPeer("reg-x", "carol", "key \ud800", 0, registry.bob.ref());
    RouterCommand.RegisterPeer good = new RouterCommand.RegisterPeer("reg-carol", "carol", Signatures.encode(carol.getPublic()), 0, registry.bob.ref());

    RouterCommand.BatchDone done = registry.decide(registry.register("alice", alice), poisoned, good);

    assertInstanceOf(ToSession.Attached.class, done.replies().get(0).message());
    ServerFrame.Error refused = assertInstanceOf(ServerFrame.Error.class, ((ToSession.Reply) done.replies().get(1).message()).frame());
    assertEquals("NOT_STORABLE", refused.code());
    assertEquals(new ToSession.Attached("carol", ServerFrame.Ok.authenticated("reg-carol", "carol", 0), List.of()),
        done.replies().get(2).message(), "the refused registration did not take the ID");
    RouterCommand.BatchDone next =
        registry.decide(new RouterCommand.Execute("alice", new ClientFrame.Send("c1", "carol", "hi"), registry.alice.ref()));
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c1", "m1", "SENT", 1, false)), next.replies().get(0).message());
  }

  @Test
  void onADiskBelowItsFreeSpaceMinimumWhatGrowsTheStoreIsRefusedAndAcknowledgementsGoOn() {
    ActorTestKit kit = start();
    Registered registry = spawn(kit);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    registry.decide(registry.send("c1", "before"));
    kit.shutdownTestKit();

    // The same store on a disk below the minimum (no real disk has Long.MAX_VALUE bytes free).
    ActorTestKit fullKit = start();
    Registered full = spawn(fullKit, FreeSpace.of(dir, Long.MAX_VALUE));
    KeyPair carol = Signatures.newKeyPair();
    RouterCommand.BatchDone done = full.decide(
        full.send("c2", "after"),
        new RouterCommand.Acknowledge("bob", 1, full.bob.ref()),
        new RouterCommand.RegisterPeer("reg-carol", "carol", Signatures.encode(carol.getPublic()), 0, full.bob.ref()),
        new RouterCommand.Execute("alice", new ClientFrame.CreateGroup("g1", "room", null), full.alice.ref()));

    for (int refused : new int[] {0, 1, 2}) {
      ServerFrame.Error error = assertInstanceOf(ServerFrame.Error.class, ((ToSession.Reply) done.replies().get(refused).message()).frame());
      assertEquals("STORAGE_FULL", error.code());
      assertTrue(error.message().contains("free on the disk of " + dir.toAbsolutePath()) && error.message().contains("Try again later"), error.message());
    }
    assertEquals(List.of("c2", "reg-carol", "g1"),
        done.replies().stream().map(r -> ((ServerFrame.Error) ((ToSession.Reply) r.message()).frame()).id()).toList());
    ServerFrame.Delivered told = assertInstanceOf(ServerFrame.Delivered.class, done.pushes().get("alice").get(0));
    assertEquals("m1 to bob", told.msgId() + " to " + told.recipient(), "the acknowledgement went on: alice is told");
    full.router.expectNoMessage(Duration.ofMillis(200));

    // With space again, the refused send's id is free.
    fullKit.shutdownTestKit();
    Registered again = spawn(start());
    RouterCommand.BatchDone resent = again.decide(again.send("c2", "after"));
    assertEquals(new ToSession.Reply(ServerFrame.Ok.sent("c2", "m2", "SENT", 1, false)), resent.replies().get(0).message());
  }

  // ---- helpers ----


  private Registered spawn(ActorTestKit kit) {
    return spawn(kit, FreeSpace.UNCHECKED);
  }

  private Registered spawn(ActorTestKit kit, FreeSpace space) {
    TestProbe<RouterCommand> router = kit.createTestProbe(RouterCommand.class);
    RegistrySettings settings = new RegistrySettings(Limits.DEFAULT, 1000, 1000, Duration.ofMillis(200));
    ActorRef<Registry.Decide> registry =
        kit.spawn(Registry.create(router.ref(), settings, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), space));
    router.expectMessage(new RouterCommand.RegistryReady());
    return new Registered(registry, router, kit.createTestProbe(ToSession.class), kit.createTestProbe(ToSession.class));
  }

  private record Registered(ActorRef<Registry.Decide> registry, TestProbe<RouterCommand> router,
                            TestProbe<ToSession> alice, TestProbe<ToSession> bob) {
    RouterCommand.BatchDone decide(RouterCommand.Decidable... batch) {
      registry.tell(new Registry.Decide(List.of(batch)));
      return router.expectMessageClass(RouterCommand.BatchDone.class);
    }

    RouterCommand.Execute send(String clientId, String body) {
      return new RouterCommand.Execute("alice", new ClientFrame.Send(clientId, "bob", body), alice.ref());
    }

    RouterCommand.RegisterPeer register(String peer, KeyPair key) {
      return new RouterCommand.RegisterPeer("reg-" + peer, peer, Signatures.encode(key.getPublic()), 0, (peer.equals("alice") ? alice : bob).ref());
    }
  }
}
