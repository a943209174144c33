package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import peerlink.protocol.ServerFrame;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;

/**
 * A send whose client id is {@code PREFIX-N}, above the highest N its sender used with that prefix, is known to
 * be new without a lookup in the store ({@link SendRun}). Whatever the order of prefixes and numbers, in one
 * batch or across batches, checkpoints and restarts, and with more stored ids of a prefix than the registry reads
 * to begin a run, a resent id must still be a duplicate answered with its first message id, and every other id
 * a new message: checked against what was sent, over a random sequence (its seed is printed).
 */
@ExtendWith(LogCapturingExtension.class)
class RegistrySendRunTest extends RegistryStoreTest {
  private static final long NOW = 1_700_000_000_000L;
  /** Prefixes as the client libraries make them, one that contains a dash, one a prefix of another, and one not a prefix at all. */
  private static final String[] PREFIXES = {"9f2c41aa07b3", "c0ffee", "c0ffee-7", "x", "plain"};

  @Test
  void aResentIdIsADuplicateAndAnyOtherIsNewWhateverTheOrderOfPrefixesAndNumbers() {
    long seed = Long.getLong("peerlink.seed", System.nanoTime());
    System.out.println("RegistrySendRunTest seed=" + seed + " (rerun with -Dpeerlink.seed=" + seed + ")");
    Random random = new Random(seed);
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = RegistryOnLevelDb.spawn(kit, 40, NOW); // a checkpoint every 40 events
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    Map<String, String> firstMsgId = new HashMap<>();
    // More ids of one prefix than a run reads to begin (Decisions.RUN_SCAN_LIMIT), so that prefix is looked up.
    for (int i = 0; i < Decisions.RUN_SCAN_LIMIT + 20; i += 10) {
      List<String> ids = new ArrayList<>();
      for (int j = i; j < i + 10; j++) {
        ids.add("c0ffee-" + j);
      }
      decideAndCheck(registry, ids, firstMsgId, "seed " + seed);
    }
    int restarts = 0;
    for (int round = 0; round < 120; round++) {
      List<String> ids = new ArrayList<>();
      int size = 1 + random.nextInt(6);
      for (int i = 0; i < size; i++) {
        String prefix = PREFIXES[random.nextInt(PREFIXES.length)];
        ids.add(prefix.equals("plain") ? "plain" + random.nextInt(40) : prefix + "-" + random.nextInt(130));
      }
      decideAndCheck(registry, ids, firstMsgId, "seed " + seed);
      if (random.nextInt(20) == 0) {
        kit.shutdownTestKit();
        kit = start();
        registry = RegistryOnLevelDb.spawn(kit, 40, NOW); // from its latest checkpoint and the events after it
        restarts++;
      }
    }
    System.out.println("RegistrySendRunTest: " + firstMsgId.size() + " distinct ids, " + restarts + " restarts");
    assertTrue(firstMsgId.size() > 200, "the sequence resent ids and sent new ones");
  }

  @Test
  void theClientLibrarysIdsBeginARunThatIsJournaledWithEachSend() {
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = RegistryOnLevelDb.spawn(kit, 2_000, NOW);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    registry.decide(registry.send("alice", "5a5a5a5a5a5a-1", "bob", "one"), registry.send("alice", "5a5a5a5a5a5a-2", "bob", "two"));
    registry.decide(registry.send("alice", "not-a-counter", "bob", "three"));

    List<SendRun> runs = journaledRuns(kit);
    assertEquals(3, runs.size());
    SendRun run = runs.get(1);
    assertNotNull(run, "a client's first ids begin a run");
    assertEquals(2, run.highest());
    assertTrue(run.provesNew(SendRun.parse("5a5a5a5a5a5a-3")));
    assertFalse(run.provesNew(SendRun.parse("5a5a5a5a5a5a-2")), "a number sent already is looked up");
    assertFalse(run.provesNew(SendRun.parse("6b6b6b6b6b6b-3")), "another prefix is looked up");
    assertEquals(run, runs.get(2), "an id of another form leaves the run as it was");
  }

  @Test
  void aPrefixThatComesBackWithinABatchKeepsTheHighestNumberTheBatchSentWithIt() {
    ActorTestKit kit = start();
    RegistryOnLevelDb.Registered registry = RegistryOnLevelDb.spawn(kit, 2_000, NOW);
    registry.decide(registry.register("alice", alice), registry.register("bob", bob));
    Map<String, String> firstMsgId = new HashMap<>();
    // p-9 is in no store yet when p comes back after q: its run must still start above 9.
    decideAndCheck(registry, List.of("p-9", "q-1", "p-2"), firstMsgId, "p back after q");
    decideAndCheck(registry, List.of("p-9", "p-3", "p-10"), firstMsgId, "p back after q");
  }

  /** The run each journaled message event carries, in order. */
  private List<SendRun> journaledRuns(ActorTestKit kit) {
    EventLog store = EventLogs.get(kit.system().classicSystem()).forDirectory(dir);
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    List<SendRun> runs = new ArrayList<>();
    store.replay(Registry.PERSISTENCE_ID.id(), 1, Long.MAX_VALUE, Long.MAX_VALUE, entry -> {
      PersistentRepr repr = serialization.deserialize(entry.payload(), PersistentRepr.class).get();
      if (repr.payload() instanceof RouterEvent.MessageAccepted accepted) {
        runs.add(accepted.run());
      }
    });
    return runs;
  }

  /** Decides {@code ids} as alice's sends in one batch and checks every answer against what was sent before. */
  private static void decideAndCheck(RegistryOnLevelDb.Registered registry, List<String> ids, Map<String, String> firstMsgId, String label) {
    List<RouterCommand.Decidable> batch = new ArrayList<>();
    for (String id : ids) {
      batch.add(registry.send("alice", id, "bob", "message " + id));
    }
    RouterCommand.BatchDone done = registry.decide(batch);
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      ServerFrame.Ok ok = (ServerFrame.Ok) ((ToSession.Reply) done.replies().get(i).message()).frame();
      String first = firstMsgId.get(id);
      if (first == null) {
        assertFalse(Boolean.TRUE.equals(ok.duplicate()), label + ": " + id + " was never sent, yet answered as a duplicate: " + ok);
        firstMsgId.put(id, ok.msgId());
      } else {
        assertEquals(first, ok.msgId(), label + ": " + id + " was sent as " + first + "; resent, it made another message: " + ok);
        assertEquals(Boolean.TRUE, ok.duplicate());
      }
    }
  }
}
