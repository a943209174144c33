package peerlink.replication;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.Address;
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
import peerlink.storage.LastWrite;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.Mutation;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;
import peerlink.storage.FreeSpace;

/**
 * The only writer of a router node's store. Applies the primary's writes in order, each with its
 * position in one synced batch, and refuses writes from an older epoch: that refusal is the fence that
 * stops a stale primary. Also installs and hands out full copies for catch-up.
 */
public final class Replica extends AbstractBehavior<Replica.Command> {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "peerlink-replica");
  /** Everything the replica handles; only {@link Remote} messages have a wire form. */
  public sealed interface Command {}

  /**
   * What other nodes may send a replica. {@link Fence} is not one: it has no wire form (it is not
   * {@link ReplicationSerializable}), so no message from another node can be read as a fence.
   */
  public sealed interface Remote extends Command, ReplicationSerializable {}

  /**
   * Part {@code part} of {@code parts} of write {@code writeId} of {@code epoch} (see {@link WireMutations}):
   * the write is applied when it is the next one and all its parts are here.
   */
  public record Replicate(long epoch, long writeId, int part, int parts, byte[] data, String lineage, ActorRef<ReplicaReply> replyTo)
      implements Remote {}

  /**
   * Part of a full copy taken at (epoch, writeId) of store {@code sourceStore}, whose history is
   * {@code history}, in {@link WireMutations} form; the last part installs it.
   */
  public record CopyChunk(long epoch, long writeId, int index, boolean last, byte[] content, StoreHistory history, String sourceStore,
      ActorRef<ReplicaReply> replyTo) implements Remote {}

  /**
   * The primary of {@code epoch}, promoted at {@code from} with {@code history} and in-sync record {@code inSync},
   * and with no write in the epoch yet, offers to continue this store from there instead of a full copy. Taken
   * (answered {@link ReplicaReply.CopyApplied} at {@code (epoch, 0)}) by a store of the same lineage standing
   * exactly at {@code from}, or one write before it when {@code lastWrite} (the primary's write at {@code from},
   * {@link WireMutations} form, or null) is given; any other answers {@link ReplicaReply.OutOfSync} and gets a
   * full copy.
   */
  public record Continue(long epoch, StorePosition from, StoreHistory history, InSyncRecord inSync, byte[] lastWrite, String sourceStore,
      ActorRef<ReplicaReply> replyTo) implements Remote {}

  /** Send a full copy of this store to {@code target}, whose replies go to {@code replyTo}. */
  public record ProvideCopy(ActorRef<Command> target, ActorRef<ReplicaReply> replyTo) implements Remote {}

  /**
   * Start epoch {@code epoch} here (a promotion): from now on older epochs are refused. A new store starts
   * a history named {@code lineage} (made here when null). Local only.
   */
  public record Fence(long epoch, String lineage, ActorRef<StorePosition> replyTo) implements Command {}

  /** The rm's answer: who it made primary, at which epoch. */
  private record GrantLearned(long epoch, String primary) implements Command {}

  /** The rm did not answer. */
  private record GrantUnknown() implements Command {}

  /** How many writes and copy parts wait for the rm's answer; more are dropped (their primary sends them again). */
  static final int MAX_PARKED = 256;
  private static final Duration RM_TIMEOUT = Duration.ofSeconds(3);

  private final LevelDbEventLog store;
  private final String node;
  private final FreeSpace space;
  // The last reason this replica could not write, so it is logged when it changes, not at every write.
  private String cannotWrite;
  // A copy whose first chunk was refused for want of space: its other chunks are dropped without a word.
  private CopyChunk refusedCopy;
  private final StageTimings timings;
  // Null: every sender is taken (tests of the write rules alone).
  private final ReplicaTrust trust;
  private PrimaryGrant grant = PrimaryGrant.NONE;
  private final ArrayDeque<Command> parked = new ArrayDeque<>();
  private boolean askingRm;
  private boolean replaying;
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

  /** A replica that takes writes and copies from any sender: for tests of the write rules alone. */
  public static Behavior<Command> create(LevelDbEventLog store, String node) {
    return create(store, node, null);
  }

  /** A replica that takes writes and copies only from the primary {@code trust}'s rm granted. */
  public static Behavior<Command> create(LevelDbEventLog store, String node, ReplicaTrust trust) {
    return create(store, node, trust, FreeSpace.UNCHECKED);
  }

  /**
   * As {@link #create(LevelDbEventLog, String, ReplicaTrust)}, on a backup refusing writes and copies from
   * another node while {@code space} is low (the primary's own writes always go on: it refuses what would grow
   * the store before it gets here, and must go on storing acknowledgements, which free space).
   */
  public static Behavior<Command> create(LevelDbEventLog store, String node, ReplicaTrust trust, FreeSpace space) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
          return new Replica(context, store, node, trust, space);
        });
  }

  private Replica(ActorContext<Command> context, LevelDbEventLog store, String node, ReplicaTrust trust, FreeSpace space) {
    super(context);
    this.store = store;
    this.node = node;
    this.trust = trust;
    this.space = space;
    this.timings = StageTimings.get(context.getSystem());
    this.history = store.history();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Replicate.class, this::replicate)
        .onMessage(CopyChunk.class, this::copyChunk)
        .onMessage(Continue.class, this::continueFrom)
        .onMessage(ProvideCopy.class, this::provideCopy)
        .onMessage(Fence.class, this::fence)
        .onMessage(GrantLearned.class, this::grantLearned)
        .onMessage(GrantUnknown.class, unknown -> grantUnknown())
        .build();
  }

  /**
   * Whether a write or copy part of {@code epoch} from {@code sender} may go on to the rules below; if not,
   * it was refused, dropped, or parked until the rm says who is primary at that epoch. A write of an epoch
   * older than the store's goes on: it changes nothing and its sender learns it is stale.
   */
  private boolean admitted(Command message, long epoch, ActorRef<ReplicaReply> sender, boolean ownCopy) {
    if (trust == null || epoch < store.position().epoch()) {
      return true;
    }
    String from = nodeOf(sender);
    if (ownCopy && from.equals(node)) {
      // This node pulls a copy into its own store before it may ask to become primary (docs/replication.md §4).
      return true;
    }
    switch (grant.judge(epoch, from)) {
      case TAKE:
        return true;
      case REFUSE_STALE:
        sender.tell(new ReplicaReply.Refused(node, grant.epoch()));
        return false;
      case ASK_RM:
        if (!replaying && parked.size() < MAX_PARKED) {
          parked.addLast(message);
          askRm();
          return false;
        }
        // falls through: the rm has answered and granted no such epoch
      default:
        getContext().getLog().warn("Ignoring a {} of epoch {} from {}: the rm made {} primary at epoch {} (docs/replication.md, "
            + "'Who may send what')", message.getClass().getSimpleName(), epoch, from, grant.primary(), grant.epoch());
        return false;
    }
  }

  private void askRm() {
    if (askingRm) {
      return;
    }
    askingRm = true;
    getContext().ask(RmStatus.class, trust.rm(), RM_TIMEOUT, RmCommand.GetStatus::new,
        (status, failure) -> status != null ? new GrantLearned(status.epoch(), status.primary()) : new GrantUnknown());
  }

  private Behavior<Command> grantLearned(GrantLearned learned) {
    askingRm = false;
    grant = grant.newer(learned.epoch(), learned.primary());
    List<Command> waiting = new ArrayList<>(parked);
    parked.clear();
    replaying = true;
    try {
      for (Command message : waiting) {
        if (message instanceof Replicate write) {
          replicate(write);
        } else if (message instanceof CopyChunk chunk) {
          copyChunk(chunk);
        } else if (message instanceof Continue offer) {
          continueFrom(offer);
        }
      }
    } finally {
      replaying = false;
    }
    return this;
  }

  private Behavior<Command> grantUnknown() {
    askingRm = false;
    // Their primary sends them again (every second), and this replica asks again then.
    parked.clear();
    return this;
  }

  /** The node a reply address belongs to, in the form the rm names nodes. */
  private String nodeOf(ActorRef<?> ref) {
    Address address = ref.path().address();
    return address.hasLocalScope() ? node : address.toString();
  }

  private Behavior<Command> replicate(Replicate write) {
    if (!admitted(write, write.epoch(), write.replyTo(), false)) {
      return this;
    }
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
      if (refusedForSpace(write.replyTo())) {
        return this;
      }
      List<byte[]> complete = collect(write);
      if (complete != null) {
        long start = System.nanoTime();
        try {
          store.apply(WireMutations.join(complete), new StorePosition(write.epoch(), write.writeId()));
        } catch (RuntimeException e) {
          // LevelDB writes a batch whole or not at all: the store is as it was, and says so to the primary.
          cannotWrite(write.replyTo(), "writing to its store failed: " + e.getMessage());
          return this;
        }
        timings.since("store.apply", start);
        cannotWrite = null;
        write.replyTo().tell(new ReplicaReply.Acked(node, write.epoch(), write.writeId()));
      }
    } else {
      write.replyTo().tell(new ReplicaReply.OutOfSync(node, at));
    }
    return this;
  }

  /**
   * Whether a write or copy from {@code sender} is refused because this node's disk is below the free space it
   * keeps (told to the sender). Never the primary's own writes: see {@link #create(LevelDbEventLog, String, ReplicaTrust, FreeSpace)}.
   */
  private boolean refusedForSpace(ActorRef<ReplicaReply> sender) {
    if (sender.path().address().hasLocalScope() || !space.low()) {
      return false;
    }
    cannotWrite(sender, "its disk is nearly full: " + space.describe());
    return true;
  }

  private void cannotWrite(ActorRef<ReplicaReply> sender, String reason) {
    if (!reason.equals(cannotWrite)) {
      getContext().getLog().error("This node's store takes no writes from the primary now: {}. It leaves the in-sync set; the primary "
          + "offers it a full copy again later, which it takes once it can write.", reason);
      cannotWrite = reason;
    }
    sender.tell(new ReplicaReply.CannotWrite(node, reason));
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
    if (!admitted(chunk, chunk.epoch(), chunk.replyTo(), true)) {
      return this;
    }
    StorePosition at = store.position();
    if (chunk.epoch() < at.epoch()) {
      copy.clear();
      nextChunk = -1;
      chunk.replyTo().tell(new ReplicaReply.Refused(node, at.epoch()));
      return this;
    }
    if (refusedCopy != null && chunk.epoch() == refusedCopy.epoch() && chunk.writeId() == refusedCopy.writeId()
        && chunk.replyTo().equals(refusedCopy.replyTo()) && chunk.index() > 0) {
      return this; // the rest of a copy refused at its first chunk (answering each would ask for the copy again)
    }
    if (chunk.index() == 0) {
      if (refusedForSpace(chunk.replyTo())) {
        refusedCopy = chunk;
        copy.clear();
        nextChunk = -1;
        return this;
      }
      refusedCopy = null;
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
      try {
        store.installCopy(content, position, chunk.history());
      } catch (RuntimeException e) {
        cannotWrite(chunk.replyTo(), "installing a full copy failed: " + e.getMessage());
        return this;
      }
      cannotWrite = null;
      history = store.history();
      getContext().getLog().info("Installed a full copy of {} entries at {} from store {} ({})", content.size(), position,
          StoreHistory.shortId(chunk.sourceStore()), history);
      chunk.replyTo().tell(new ReplicaReply.CopyApplied(node, position, store.storeId(), chunk.sourceStore()));
    }
    return this;
  }

  private Behavior<Command> continueFrom(Continue offer) {
    if (!admitted(offer, offer.epoch(), offer.replyTo(), false)) {
      return this;
    }
    StorePosition at = store.position();
    if (offer.epoch() < at.epoch()) {
      offer.replyTo().tell(new ReplicaReply.Refused(node, at.epoch()));
      return this;
    }
    if (offer.epoch() > at.epoch()) { // else this store already follows the epoch: an offer sent again
      if (refusedForSpace(offer.replyTo())) {
        return this;
      }
      boolean taken;
      try {
        LastWrite lastWrite = offer.lastWrite() == null ? null : new LastWrite(offer.from(), WireMutations.join(List.of(offer.lastWrite())));
        taken = store.follow(offer.epoch(), offer.from(), offer.history(), offer.inSync(), lastWrite);
      } catch (RuntimeException e) {
        cannotWrite(offer.replyTo(), "writing to its store failed: " + e.getMessage());
        return this;
      }
      if (!taken) {
        getContext().getLog().info("The primary of epoch {} began at {}, this store is at {} ({}): it needs a full copy", offer.epoch(),
            offer.from(), at, history);
        offer.replyTo().tell(new ReplicaReply.OutOfSync(node, at));
        return this;
      }
      cannotWrite = null;
      history = store.history();
      getContext().getLog().info("Continuing from {} into epoch {} of store {}: this store {}, so no full copy is needed", offer.from(),
          offer.epoch(), StoreHistory.shortId(offer.sourceStore()), at.equals(offer.from())
              ? "holds everything the primary held when promoted" : "lacked only the primary's last write, which came with the offer");
    }
    offer.replyTo().tell(new ReplicaReply.CopyApplied(node, store.position(), store.storeId(), offer.sourceStore()));
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
    if (trust != null) {
      // A copy is the whole store: it goes only to the router node that asks for it, into its own replica.
      Address to = request.target().path().address();
      Address asker = request.replyTo().path().address();
      boolean routerNode = to.hasLocalScope() || trust.routerMember().test(to);
      if (!to.equals(asker) || !routerNode) {
        getContext().getLog().warn("Refusing to send a copy of this store to {} (asked from {}): only a router node of this cluster gets "
            + "a copy, into its own replica (docs/replication.md, 'Who may send what')", to, asker);
        return this;
      }
    }
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
    // The leader fences only once the rm granted this node the epoch (or when it starts a deployment alone).
    grant = grant.newer(fence.epoch(), node);
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
