package peerlink.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import peerlink.metrics.StageTimings;
import peerlink.storage.InSyncRecord;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.Mutation;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;

/**
 * The only writer of a router node's store. Applies the primary's writes in order, each with its
 * position in one synced batch, and refuses writes from an older epoch: that refusal is the fence that
 * stops a stale primary. Also installs and hands out full copies for catch-up.
 */
public final class Replica extends AbstractBehavior<Replica.Command> {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "peerlink-replica");
  public sealed interface Command extends ReplicationSerializable {}

  /**
   * Part {@code part} of {@code parts} of write {@code writeId} of {@code epoch} (see {@link WireMutations}):
   * the write is applied when it is the next one and all its parts are here.
   */
  public record Replicate(long epoch, long writeId, int part, int parts, byte[] data, String lineage, ActorRef<ReplicaReply> replyTo)
      implements Command {}

  /**
   * Part of a full copy taken at (epoch, writeId) of store {@code sourceStore}, whose history is
   * {@code history}, in {@link WireMutations} form; the last part installs it.
   */
  public record CopyChunk(long epoch, long writeId, int index, boolean last, byte[] content, StoreHistory history, String sourceStore,
      ActorRef<ReplicaReply> replyTo) implements Command {}

  /** Send a full copy of this store to {@code target}, whose replies go to {@code replyTo}. */
  public record ProvideCopy(ActorRef<Command> target, ActorRef<ReplicaReply> replyTo) implements Command {}

  /**
   * Start epoch {@code epoch} here (a promotion): from now on older epochs are refused. A new store starts
   * a history named {@code lineage} (made here when null). Local only.
   */
  public record Fence(long epoch, String lineage, ActorRef<StorePosition> replyTo) implements Command {}

  private final LevelDbEventLog store;
  private final String node;
  private final StageTimings timings;
  // The store's history, read once: this actor is its only writer (fences and installed copies change it).
  private StoreHistory history;
  private final List<byte[]> copy = new ArrayList<>();
  // The parts received so far of the next write, while it has more than one.
  private long partsEpoch = -1;
  private long partsWriteId = -1;
  private byte[][] partsReceived;
  private int partsMissing;
  // The copy being received: its position, its sender's reply address, and the index its next chunk must have (-1: none).
  private CopyChunk copyStart;
  private int nextChunk = -1;

  public static Behavior<Command> create(LevelDbEventLog store, String node) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
          return new Replica(context, store, node);
        });
  }

  private Replica(ActorContext<Command> context, LevelDbEventLog store, String node) {
    super(context);
    this.store = store;
    this.node = node;
    this.timings = StageTimings.get(context.getSystem());
    this.history = store.history();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Replicate.class, this::replicate)
        .onMessage(CopyChunk.class, this::copyChunk)
        .onMessage(ProvideCopy.class, this::provideCopy)
        .onMessage(Fence.class, this::fence)
        .build();
  }

  private Behavior<Command> replicate(Replicate write) {
    StorePosition at = store.position();
    if (history.lineage() != null && write.lineage() != null && !history.lineage().equals(write.lineage())) {
      // Same epoch numbers can belong to two histories (a store started anew while this one was away):
      // never take, or acknowledge, a write of another history.
      write.replyTo().tell(new ReplicaReply.Diverged(node, store.storeId(), "this store holds another history (lineage "
          + StoreHistory.shortId(history.lineage()) + ") than the primary's (lineage " + StoreHistory.shortId(write.lineage()) + ")"));
    } else if (write.epoch() < at.epoch()) {
      write.replyTo().tell(new ReplicaReply.Refused(node, at.epoch()));
    } else if (write.epoch() == at.epoch() && write.writeId() <= at.writeId()) {
      write.replyTo().tell(new ReplicaReply.Acked(node, write.epoch(), write.writeId())); // a resend
    } else if (write.epoch() == at.epoch() && write.writeId() == at.writeId() + 1) {
      List<byte[]> complete = collect(write);
      if (complete != null) {
        long start = System.nanoTime();
        store.apply(WireMutations.join(complete), new StorePosition(write.epoch(), write.writeId()));
        timings.since("store.apply", start);
        write.replyTo().tell(new ReplicaReply.Acked(node, write.epoch(), write.writeId()));
      }
    } else {
      write.replyTo().tell(new ReplicaReply.OutOfSync(node, at));
    }
    return this;
  }

  /** All parts of the write once {@code part} completes it, else null (repeated parts count once). */
  private List<byte[]> collect(Replicate part) {
    if (part.parts() == 1) {
      return List.of(part.data());
    }
    if (part.epoch() != partsEpoch || part.writeId() != partsWriteId || partsReceived.length != part.parts()) {
      partsEpoch = part.epoch();
      partsWriteId = part.writeId();
      partsReceived = new byte[part.parts()][];
      partsMissing = part.parts();
    }
    if (partsReceived[part.part()] == null) {
      partsReceived[part.part()] = part.data();
      partsMissing--;
    }
    if (partsMissing > 0) {
      return null;
    }
    List<byte[]> complete = List.of(partsReceived);
    partsEpoch = -1;
    partsWriteId = -1;
    partsReceived = null;
    return complete;
  }

  private Behavior<Command> copyChunk(CopyChunk chunk) {
    StorePosition at = store.position();
    if (chunk.epoch() < at.epoch()) {
      copy.clear();
      nextChunk = -1;
      chunk.replyTo().tell(new ReplicaReply.Refused(node, at.epoch()));
      return this;
    }
    if (chunk.index() == 0) {
      copy.clear();
      copyStart = chunk;
      nextChunk = 0;
    }
    boolean sameCopy = nextChunk >= 0 && chunk.epoch() == copyStart.epoch() && chunk.writeId() == copyStart.writeId()
        && chunk.replyTo().equals(copyStart.replyTo());
    if (!sameCopy || chunk.index() != nextChunk) {
      // A chunk went missing, or this chunk belongs to a copy that another one replaced: never install
      // an incomplete or mixed copy. The sender learns that this replica still needs one.
      if (sameCopy) {
        copy.clear();
        nextChunk = -1;
      }
      chunk.replyTo().tell(new ReplicaReply.OutOfSync(node, at));
      return this;
    }
    nextChunk++;
    copy.add(chunk.content());
    if (chunk.last()) {
      StorePosition position = new StorePosition(chunk.epoch(), chunk.writeId());
      List<Mutation> content = new ArrayList<>(WireMutations.join(copy));
      copy.clear();
      nextChunk = -1;
      String refusal = refusal(chunk.history(), position);
      if (refusal != null) {
        getContext().getLog().error("Refusing the full copy of store {} at {}: {}. This store stays as it is; see docs/replication.md, "
            + "'Stores of different histories'.", StoreHistory.shortId(chunk.sourceStore()), position, refusal);
        chunk.replyTo().tell(new ReplicaReply.Diverged(node, store.storeId(), refusal));
        return this;
      }
      // A copy is never the only copy: mark it, so this node never starts as primary alone, without the rm.
      content.add(LevelDbEventLog.replicatedMarker());
      store.installCopy(content, position, chunk.history());
      history = store.history();
      getContext().getLog().info("Installed a full copy of {} entries at {} from store {} ({})", content.size(), position,
          StoreHistory.shortId(chunk.sourceStore()), history);
      chunk.replyTo().tell(new ReplicaReply.CopyApplied(node, position, store.storeId(), chunk.sourceStore()));
    }
    return this;
  }

  /**
   * Why a copy may not replace this store, or null: a copy never goes backwards. A store that holds
   * acknowledged writes takes only a copy of the same history that holds every one of them.
   */
  private String refusal(StoreHistory copyHistory, StorePosition copyAt) {
    if (!store.holdsAcknowledgedWrites()) {
      return null;
    }
    StorePosition committed = store.committed();
    if (copyHistory == null || copyHistory.empty() || !copyHistory.lineage().equals(history.lineage())) {
      return "this store holds acknowledged writes (up to " + committed + ") of lineage " + StoreHistory.shortId(history.lineage())
          + ", and the copy is of " + (copyHistory == null || copyHistory.empty() ? "no history (an empty store)" : "lineage " + StoreHistory.shortId(copyHistory.lineage()));
    }
    if (!copyHistory.holds(copyAt, committed)) {
      return "the copy (at " + copyAt + ", " + copyHistory + ") lacks writes this store knows were acknowledged (up to " + committed + ")";
    }
    return null;
  }

  private Behavior<Command> provideCopy(ProvideCopy request) {
    sendCopy(store, request.target(), request.replyTo());
    return this;
  }

  private Behavior<Command> fence(Fence fence) {
    // A promotion: from now on, until the primary records a backup, this store alone holds every acknowledged write.
    InSyncRecord alone = new InSyncRecord(fence.epoch(), List.of(new InSyncRecord.Member(store.storeId(), node)));
    StorePosition at = store.fence(fence.epoch(), fence.lineage() != null ? fence.lineage() : UUID.randomUUID().toString(), alone);
    if (history.empty()) {
      getContext().getLog().info("This store starts a new history: {}", store.history());
    }
    history = store.history();
    fence.replyTo().tell(at);
    return this;
  }

  /** Sends the whole store, as of now, in chunks; the receiver installs it atomically with the last one. */
  static void sendCopy(LevelDbEventLog store, ActorRef<Command> target, ActorRef<ReplicaReply> replyTo) {
    StorePosition position = store.position();
    StoreHistory history = store.history();
    List<byte[]> parts = WireMutations.split(store.exportAll(), WireMutations.PART_BYTES);
    for (int index = 0; index < parts.size(); index++) {
      target.tell(new CopyChunk(position.epoch(), position.writeId(), index, index == parts.size() - 1, parts.get(index), history,
          store.storeId(), replyTo));
    }
  }
}
