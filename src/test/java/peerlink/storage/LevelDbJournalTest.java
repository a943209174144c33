package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.DeleteEventsCompleted;
import org.apache.pekko.persistence.typed.DeleteEventsFailed;
import org.apache.pekko.persistence.typed.DeleteSnapshotsCompleted;
import org.apache.pekko.persistence.typed.DeleteSnapshotsFailed;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.serialization.JSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal and snapshot-store plugins under a real typed EventSourcedBehavior, on one LevelDB in a
 * temporary directory (both plugins opening it at all shows they share the one DB and its lock).
 */
@ExtendWith(LogCapturingExtension.class)
class LevelDbJournalTest {

  @TempDir
  Path dir;

  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void shutdown() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  @Test
  void respawnedEntityRecoversFromItsLatestSnapshotAndTheEventsAfterIt() {
    ActorTestKit kit = start();
    TestProbe<String> first = kit.createTestProbe();
    ActorRef<Command> basket = kit.spawn(Basket.create("basket-1", first.getRef(), RetentionCriteria.snapshotEvery(3, 2)));
    first.expectMessage("recovered");

    add(kit, basket, "a", "b");
    add(kit, basket, "c", "d", "e"); // crosses 3: one snapshot after the whole batch
    first.expectMessage("snapshot 5");
    add(kit, basket, "f");
    first.expectMessage("snapshot 6");
    add(kit, basket, "g");
    kit.stop(basket);

    TestProbe<String> second = kit.createTestProbe();
    ActorRef<Command> again = kit.spawn(Basket.create("basket-1", second.getRef(), RetentionCriteria.snapshotEvery(3, 2)));
    second.expectMessage("replayed g");
    second.expectMessage("recovered");
    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), items(kit, again));
    assertEquals(7L, sequenceNr(kit, again));
  }

  @Test
  void stateSurvivesARestartOfTheWholeActorSystem() {
    ActorTestKit before = start();
    TestProbe<String> probe = before.createTestProbe();
    ActorRef<Command> basket = before.spawn(Basket.create("basket-2", probe.getRef(), RetentionCriteria.snapshotEvery(3, 2)));
    probe.expectMessage("recovered");
    add(before, basket, "a", "b", "c");
    probe.expectMessage("snapshot 3");
    add(before, basket, "d");
    // Termination must close the DB, or the next system could not take the directory's lock.
    before.shutdownTestKit();

    ActorTestKit after = start();
    TestProbe<String> recovery = after.createTestProbe();
    ActorRef<Command> again = after.spawn(Basket.create("basket-2", recovery.getRef(), RetentionCriteria.snapshotEvery(3, 2)));
    recovery.expectMessage("replayed d");
    recovery.expectMessage("recovered");
    assertEquals(List.of("a", "b", "c", "d"), items(after, again));
  }

  @Test
  void eventsDeletedOnSnapshotStayDeletedAndNumberingContinues() {
    RetentionCriteria deleting = RetentionCriteria.snapshotEvery(2, 1).withDeleteEventsOnSnapshot();
    ActorTestKit kit = start();
    TestProbe<String> probe = kit.createTestProbe();
    ActorRef<Command> basket = kit.spawn(Basket.create("basket-3", probe.getRef(), deleting));
    probe.expectMessage("recovered");
    add(kit, basket, "a", "b");
    probe.expectMessage("snapshot 2");
    add(kit, basket, "c", "d");
    probe.expectMessage("snapshot 4");
    assertEquals(Set.of("events deleted to 2", "snapshots deleted"), Set.copyOf(probe.receiveSeveralMessages(2)));
    add(kit, basket, "e");
    kit.stop(basket);

    TestProbe<String> recovery = kit.createTestProbe();
    ActorRef<Command> again = kit.spawn(Basket.create("basket-3", recovery.getRef(), deleting));
    recovery.expectMessage("replayed e");
    recovery.expectMessage("recovered");
    assertEquals(List.of("a", "b", "c", "d", "e"), items(kit, again));
    add(kit, again, "f");
    assertEquals(6L, sequenceNr(kit, again));
  }

  /**
   * A checkpoint is serialized and written in the background: a slow one does not hold the entity up,
   * a newer one waits behind it, and the events they cover are deleted only once the newer one is on
   * disk. A stop while it is being written loses nothing: recovery replays those events over the
   * checkpoint before.
   */
  @Test
  void aSlowCheckpointDoesNotHoldTheEntityUpAndTheEventsItCoversOutliveIt() throws InterruptedException {
    RetentionCriteria deleting = RetentionCriteria.snapshotEvery(2, 1).withDeleteEventsOnSnapshot();
    GatedItemsSerializer.GATE.drainPermits();
    GatedItemsSerializer.ENTERED.drainPermits();
    ActorTestKit kit = start(gatedConfig(dir));
    TestProbe<String> probe = kit.createTestProbe();
    ActorRef<Command> basket = kit.spawn(Basket.create("basket-4", probe.getRef(), deleting));
    probe.expectMessage("recovered");

    add(kit, basket, "a", "b"); // answered although checkpoint 2 cannot even be serialized yet
    probe.expectMessage("snapshot 2");
    add(kit, basket, "c", "d"); // checkpoint 4 waits behind checkpoint 2
    probe.expectMessage("snapshot 4");

    GatedItemsSerializer.GATE.release(); // checkpoint 2 is written; checkpoint 4 starts and is stuck
    assertTrue(GatedItemsSerializer.ENTERED.tryAcquire(2, 15, TimeUnit.SECONDS), "checkpoint 4 never started");
    // Pekko deletes the events up to 2 after checkpoint 4 was answered: that waits until 4 is on disk.
    probe.expectNoMessage(Duration.ofMillis(300));
    kit.shutdownTestKit(); // a stop before it is

    GatedItemsSerializer.GATE.release(100);
    ActorTestKit after = start(gatedConfig(dir));
    TestProbe<String> recovery = after.createTestProbe();
    ActorRef<Command> again = after.spawn(Basket.create("basket-4", recovery.getRef(), deleting));
    recovery.expectMessage("replayed c"); // over checkpoint 2: events 3 and 4 are still there
    recovery.expectMessage("replayed d");
    recovery.expectMessage("recovered");
    recovery.expectMessage("snapshot 4"); // Pekko checkpoints after replaying snapshotEvery events
    assertEquals(List.of("a", "b", "c", "d"), items(after, again));

    add(after, again, "e", "f");
    recovery.expectMessage("snapshot 6");
    assertEquals(Set.of("events deleted to 4", "snapshots deleted"), Set.copyOf(recovery.receiveSeveralMessages(2)));
  }

  private ActorTestKit start() {
    return start(config(dir));
  }

  private ActorTestKit start(Config config) {
    ActorTestKit kit = ActorTestKit.create(config);
    kits.add(kit);
    return kit;
  }

  /** The test config, with the basket's state serialized by {@link GatedItemsSerializer}. */
  static Config gatedConfig(Path dir) {
    return ConfigFactory.parseString("""
            pekko.actor.serializers.gated-items = "peerlink.storage.LevelDbJournalTest$GatedItemsSerializer"
            pekko.actor.serialization-bindings {
              "peerlink.storage.LevelDbJournalTest$Items" = gated-items
            }
            """)
        .withFallback(config(dir));
  }

  /** Test config with the storage plugins; falls back to the normal config (reference.conf and all). */
  static Config config(Path dir) {
    return ConfigFactory.parseString("""
            pekko.actor.provider = local
            pekko.persistence.journal.plugin = "peerlink.storage.journal"
            pekko.persistence.snapshot-store.plugin = "peerlink.storage.snapshot"
            pekko.actor.serialization-bindings {
              "peerlink.storage.LevelDbJournalTest$CborSerializable" = jackson-cbor
            }
            # The first LevelDB open extracts the JNI library; give busy machines time.
            pekko.actor.testkit.typed.single-expect-default = 15s
            """)
        .withValue("peerlink.storage.dir", ConfigValueFactory.fromAnyRef(dir.toString()))
        .withFallback(ConfigFactory.parseResources("peerlink-storage.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  @Test
  void aCheckpointStreamedIntoTheStoreHoldsExactlyTheBytesItsSerializerGives() throws Exception {
    ActorTestKit kit = start();
    TestProbe<String> probe = kit.createTestProbe();
    ActorRef<Command> basket = kit.spawn(Basket.create("basket-5", probe.getRef(), RetentionCriteria.snapshotEvery(3, 2)));
    probe.expectMessage("recovered");
    add(kit, basket, "a", "b", "c");
    probe.expectMessage("snapshot 3");
    org.apache.pekko.serialization.Serialization serialization =
        org.apache.pekko.serialization.SerializationExtension.get(kit.system());
    Items state = new Items(List.of("a", "b", "c"));
    byte[] serialized = serialization.serialize(state).get();
    int serializerId = serialization.findSerializerFor(state).identifier();
    kit.shutdownTestKit(); // closing the store waits for the checkpoint being written

    try (LevelDbEventLog log = LevelDbEventLog.open(dir)) {
      java.nio.ByteBuffer stored = java.nio.ByteBuffer.wrap(log.latestSnapshot("basket-5", SnapshotCriteria.latest()).orElseThrow().payload());
      assertEquals(serializerId, stored.getInt());
      byte[] manifest = new byte[stored.getInt()];
      stored.get(manifest);
      assertEquals(Items.class.getName(), new String(manifest, StandardCharsets.UTF_8));
      byte[] bytes = new byte[stored.remaining()];
      stored.get(bytes);
      assertEquals(java.util.HexFormat.of().formatHex(serialized), java.util.HexFormat.of().formatHex(bytes),
          "what jackson-cbor's toBinary gives, so any version reads it");
    }
  }

  private static void add(ActorTestKit kit, ActorRef<Command> basket, String... items) {
    TestProbe<Done> done = kit.createTestProbe();
    basket.tell(new Add(List.of(items), done.getRef()));
    done.expectMessage(Done.getInstance());
  }

  private static List<String> items(ActorTestKit kit, ActorRef<Command> basket) {
    TestProbe<Items> reply = kit.createTestProbe();
    basket.tell(new GetItems(reply.getRef()));
    return reply.receiveMessage().items();
  }

  private static long sequenceNr(ActorTestKit kit, ActorRef<Command> basket) {
    TestProbe<Long> reply = kit.createTestProbe();
    basket.tell(new GetSequenceNr(reply.getRef()));
    return reply.receiveMessage();
  }

  /**
   * Serializes the basket's state (its snapshots) only as fast as the test lets it: each serialization
   * takes a permit of {@link #GATE}. Items are written one per line.
   */
  public static final class GatedItemsSerializer extends JSerializer {
    static final Semaphore GATE = new Semaphore(0);
    /** Released each time a serialization begins. */
    static final Semaphore ENTERED = new Semaphore(0);

    @Override
    public int identifier() {
      return 741_001;
    }

    @Override
    public boolean includeManifest() {
      return false;
    }

    @Override
    public byte[] toBinary(Object state) {
      ENTERED.release();
      try {
        GATE.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while serializing a checkpoint", e);
      }
      return String.join("\n", ((Items) state).items()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      return new Items(text.isEmpty() ? List.of() : List.of(text.split("\n")));
    }
  }

  /** Marker for what the test entity persists; bound to jackson-cbor in the test config. */
  public interface CborSerializable {
  }

  /** What the test entity accepts; commands stay in this JVM, so they need no serializer. */
  public sealed interface Command permits Add, GetItems, GetSequenceNr {
  }

  /** Persist one event per item, then reply. */
  public record Add(List<String> items, ActorRef<Done> replyTo) implements Command {
  }

  /** Reply with the current state. */
  public record GetItems(ActorRef<Items> replyTo) implements Command {
  }

  /** Reply with the entity's last sequence number. */
  public record GetSequenceNr(ActorRef<Long> replyTo) implements Command {
  }

  /** Event: one item was added. */
  public record Added(String item) implements CborSerializable {
  }

  /** State: the items in the order they were added. */
  public record Items(List<String> items) implements CborSerializable {
    Items with(String item) {
      List<String> more = new ArrayList<>(items);
      more.add(item);
      return new Items(more);
    }
  }

  /**
   * A list of items, persisted one event per item, that reports its recovery and persistence signals
   * to an observer: "replayed x" for each event replayed, then "recovered".
   */
  static final class Basket extends EventSourcedBehavior<Command, Added, Items> {

    private final ActorRef<String> observer;
    private final RetentionCriteria retention;
    private final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> context;
    private boolean recovered;

    static Behavior<Command> create(String id, ActorRef<String> observer, RetentionCriteria retention) {
      return Behaviors.setup(context -> new Basket(PersistenceId.ofUniqueId(id), observer, retention, context));
    }

    private Basket(PersistenceId id, ActorRef<String> observer, RetentionCriteria retention,
        org.apache.pekko.actor.typed.javadsl.ActorContext<Command> context) {
      super(id);
      this.observer = observer;
      this.retention = retention;
      this.context = context;
    }

    @Override
    public Items emptyState() {
      return new Items(List.of());
    }

    @Override
    public CommandHandler<Command, Added, Items> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Add.class, (state, add) -> Effect()
              .persist(add.items().stream().map(Added::new).toList())
              .thenReply(add.replyTo(), after -> Done.getInstance()))
          .onCommand(GetItems.class, (state, get) -> Effect().reply(get.replyTo(), state))
          .onCommand(GetSequenceNr.class, (state, get) -> Effect().reply(get.replyTo(), lastSequenceNumber(context)))
          .build();
    }

    @Override
    public EventHandler<Items, Added> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onEvent(Added.class, (state, added) -> {
        if (!recovered) {
          observer.tell("replayed " + added.item());
        }
        return state.with(added.item());
      }).build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return retention;
    }

    @Override
    public SignalHandler<Items> signalHandler() {
      return newSignalHandlerBuilder()
          .onSignal(RecoveryCompleted.instance(), state -> {
            recovered = true;
            observer.tell("recovered");
          })
          .onSignal(RecoveryFailed.class, (state, failed) -> observer.tell("recovery failed " + failed.getFailure()))
          .onSignal(SnapshotCompleted.class, (state, done) -> observer.tell("snapshot " + done.metadata().sequenceNr()))
          .onSignal(SnapshotFailed.class, (state, failed) -> observer.tell("snapshot failed " + failed.getFailure()))
          .onSignal(DeleteEventsCompleted.class, (state, done) -> observer.tell("events deleted to " + done.toSequenceNr()))
          .onSignal(DeleteEventsFailed.class, (state, failed) -> observer.tell("delete failed " + failed.getFailure()))
          .onSignal(DeleteSnapshotsCompleted.class, (state, done) -> observer.tell("snapshots deleted"))
          .onSignal(DeleteSnapshotsFailed.class, (state, failed) -> observer.tell("snapshot delete failed " + failed.getFailure()))
          .build();
    }
  }
}
