package peerlink.replication;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import peerlink.metrics.StageTimings;
import peerlink.storage.InSyncRecord;
import peerlink.storage.LevelDbEventLog;
import peerlink.storage.Mutation;
import peerlink.storage.StoreHistory;
import peerlink.storage.StorePosition;
import peerlink.storage.FreeSpace;

/**
 * Runs on every router node and becomes active on the node that hosts the registry (the primary).
 * There it turns each store write into a numbered replicated write, sends it to every replica (its own
 * included), and completes it only when the primary and every in-sync backup have it on disk. It changes
 * the in-sync set only through the rm, only after the cluster (the Split Brain Resolver) removed a
 * backup or a backup has caught up, and it steps down the moment a replica says a newer epoch exists.
 */
public final class ReplicationLeader extends AbstractBehavior<ReplicationLeader.Command> {
  public static final String REGISTRY_ID = "peerlink-registry";
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration RM_TIMEOUT = Duration.ofSeconds(5);
  /** An unanswered write is sent again after this long: a message to an unreachable replica can be lost. */
  private static final Duration RESEND_AFTER = Duration.ofSeconds(2);
  /**
   * A full copy not installed after this long is sent again, and the wait doubles up to {@link
   * #COPY_MAX_WAIT}: its chunks can be lost (a backup's new incarnation is reached through a fresh
   * association, or the listing still named its old replica), and nothing else would ever send it again.
   */
  static final Duration COPY_FIRST_WAIT = Duration.ofSeconds(10);
  private static final Duration COPY_MAX_WAIT = Duration.ofSeconds(160);

  public sealed interface Command {}

  /** Make this node the primary (at registry recovery); completes when it may write, fails with why not. */
  public record EnsurePrimary(CompletableFuture<Void> done) implements Command {}

  /** A store write, planned against the primary's store when its turn comes; {@code createdNanos} times it. */
  public record Write(Function<LevelDbEventLog, List<Mutation>> plan, CompletableFuture<Void> done, long createdNanos)
      implements Command {
    public Write(Function<LevelDbEventLog, List<Mutation>> plan, CompletableFuture<Void> done) {
      this(plan, done, System.nanoTime());
    }
  }

  private record FromReplica(ReplicaReply reply) implements Command {}

  private record Promotion(RmCommand.PromoteReply reply, Throwable failure) implements Command {}

  private record Fenced(long epoch, StorePosition position, Throwable failure) implements Command {}

  private record IsrAnswer(RmCommand.IsrReply reply, Throwable failure) implements Command {}

  private record MemberChange(ClusterEvent.MemberEvent event) implements Command {}

  private record ReplicasChanged(Receptionist.Listing listing) implements Command {}

  private record Tick() implements Command {}

  private record FromRm(RmCommand.RmNotice notice) implements Command {}

  private record SeedsProbed(List<String> listening) implements Command {}

  /** A full copy on its way to a backup: to which replica, when, and how long to wait before sending it again. */
  private record CopySent(ActorRef<Replica.Command> target, long sentAtNanos, Duration patience) {}

  private static final class InFlight {
    final long writeId;
    final List<byte[]> parts;
    final CompletableFuture<Void> done;
    final long createdNanos;
    final Set<String> ackedBy = new HashSet<>();
    final long firstSentAt = System.nanoTime();
    long sentAt;

    InFlight(long writeId, List<byte[]> parts, CompletableFuture<Void> done, long createdNanos) {
      this.writeId = writeId;
      this.parts = parts;
      this.done = done;
      this.createdNanos = createdNanos;
    }
  }

  private final LevelDbEventLog store;
  private final ActorRef<Replica.Command> localReplica;
  private final ActorRef<RmCommand> rm;
  private final String self;
  private final ActorRef<ReplicaReply> replies;
  private final StageTimings timings;
  private final Map<String, ActorRef<Replica.Command>> replicas = new HashMap<>();
  private final Set<String> routerMembers = new HashSet<>();
  private final List<CompletableFuture<Void>> waitingForPromotion = new ArrayList<>();
  // Recoveries on the primary wait for the writes before them, so they never read a store that a late write still changes.
  private final List<CompletableFuture<Void>> waitingForWrites = new ArrayList<>();
  private final ActorRef<RmCommand.RmNotice> notices;
  private final FreeSpace space;
  private final long startedNanos = System.nanoTime();
  private final Duration freshStoreAloneAfter;
  private final List<String> otherSeeds;
  // Seeds whose cluster port accepted a connection while this node's store was new: others of the deployment run.
  private List<String> seedsListening = List.of();
  private boolean probingSeeds;
  private boolean promoting;
  private String lastRefusal;
  // The store this node copied last while not primary (its id and the copy's position), named in its next Promote.
  private String copiedFrom;
  private StorePosition copiedAt;
  private long copyRefusedAtNanos;
  // Each backup's store id (from its installed copy): the in-sync set is recorded by store, not by address.
  private final Map<String, String> storeIdByNode = new HashMap<>();
  // Backups whose stores refused to follow this history, with why: no copy is sent to them again.
  private final Map<String, String> diverged = new HashMap<>();

  // Primary state; epoch 0 means this node is not the primary.
  private long epoch;
  private String lineage;
  private long writeId;
  private Set<String> isr = new TreeSet<>();
  private final Map<String, Long> learners = new HashMap<>();
  private final Map<String, Long> ackedByNode = new HashMap<>();
  private final Set<String> pendingCopies = new LinkedHashSet<>();
  // Backups that said they cannot write: the last reason (logged when it changes), and when to offer a copy again.
  private final Map<String, String> cannotWrite = new HashMap<>();
  private final Map<String, Long> copyAgainAt = new HashMap<>();
  private final Map<String, CopySent> copiesSent = new HashMap<>();
  private final ArrayDeque<Write> queue = new ArrayDeque<>();
  private InFlight inFlight;
  private Set<String> proposedIsr;
  private String proposedReason;
  private long proposedAt;

  public static Behavior<Command> create(LevelDbEventLog store, ActorRef<Replica.Command> localReplica, ActorRef<RmCommand> rm) {
    return create(store, localReplica, rm, FreeSpace.UNCHECKED);
  }

  /** @param space this node's free space, whose shortage it reports to the rm with its store */
  public static Behavior<Command> create(LevelDbEventLog store, ActorRef<Replica.Command> localReplica, ActorRef<RmCommand> rm, FreeSpace space) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new ReplicationLeader(context, timers, store, localReplica, rm, space)));
  }

  private ReplicationLeader(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      LevelDbEventLog store,
      ActorRef<Replica.Command> localReplica,
      ActorRef<RmCommand> rm,
      FreeSpace space) {
    super(context);
    this.store = store;
    this.space = space;
    this.localReplica = localReplica;
    this.rm = rm;
    Cluster cluster = Cluster.get(context.getSystem());
    this.self = cluster.selfMember().address().toString();
    this.replies = context.messageAdapter(ReplicaReply.class, FromReplica::new);
    this.timings = StageTimings.get(context.getSystem());
    this.notices = context.messageAdapter(RmCommand.RmNotice.class, FromRm::new);
    var config = context.getSystem().settings().config();
    this.freshStoreAloneAfter = config.getDuration("peerlink.replication.fresh-store-alone-after");
    String selfSeed = config.hasPath("peerlink.cluster.self") ? config.getString("peerlink.cluster.self") : "";
    this.otherSeeds = config.hasPath("peerlink.cluster.seeds")
        ? config.getStringList("peerlink.cluster.seeds").stream().filter(seed -> !seed.equals(selfSeed)).toList()
        : List.of();
    cluster.subscriptions().tell(Subscribe.create(context.messageAdapter(ClusterEvent.MemberEvent.class, MemberChange::new), ClusterEvent.MemberEvent.class));
    context.getSystem().receptionist().tell(Receptionist.subscribe(Replica.KEY, context.messageAdapter(Receptionist.Listing.class, ReplicasChanged::new)));
    timers.startTimerWithFixedDelay(new Tick(), TICK);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EnsurePrimary.class, this::ensurePrimary)
        .onMessage(Write.class, this::write)
        .onMessage(FromReplica.class, r -> fromReplica(r.reply()))
        .onMessage(Promotion.class, this::promotion)
        .onMessage(Fenced.class, this::fenced)
        .onMessage(IsrAnswer.class, this::isrAnswer)
        .onMessage(MemberChange.class, m -> memberChange(m.event()))
        .onMessage(ReplicasChanged.class, this::replicasChanged)
        .onMessage(Tick.class, t -> tick())
        .onMessage(FromRm.class, this::fromRm)
        .onMessage(SeedsProbed.class, this::seedsProbed)
        .build();
  }

  // ---- becoming primary

  private Behavior<Command> ensurePrimary(EnsurePrimary request) {
    if (epoch > 0) {
      if (inFlight == null && queue.isEmpty()) {
        request.done().complete(null);
      } else {
        waitingForWrites.add(request.done());
      }
      return this;
    }
    waitingForPromotion.add(request.done());
    if (!promoting) {
      promote();
    }
    return this;
  }

  private void promote() {
    promoting = true;
    StoreInfo info = StoreInfo.of(store);
    if (rmIsUp()) {
      getContext().getLog().info("Asking the rm to make this node the primary (its {})", info.describe());
      String from = copiedFrom;
      StorePosition at = copiedAt;
      getContext().ask(RmCommand.PromoteReply.class, rm, RM_TIMEOUT,
          replyTo -> new RmCommand.Promote(self, info, from, at, replyTo), Promotion::new);
    } else if (!store.wasReplicated() && !info.history().empty()) {
      // No other node ever held a copy of this store, so nobody can have newer data: start alone.
      getContext().getSelf().tell(new Promotion(new RmCommand.Granted(info.position().epoch() + 1, null), null));
    } else if (!store.wasReplicated()) {
      startAloneOrWait();
    } else {
      refuse("waiting for the replication manager: this store has been replicated, so only the rm can tell whether it is the latest copy");
    }
  }

  /**
   * A new (empty) store with no rm up: it may be a node whose store was lost while the deployment's data
   * lives on elsewhere. Start a new history alone only when no other router node and no rm appeared for
   * {@code fresh-store-alone-after}; otherwise the rm decides.
   */
  private void startAloneOrWait() {
    boolean othersHere = routerMembers.stream().anyMatch(m -> !m.equals(self));
    long waited = Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    if (othersHere) {
      refuse("waiting for the replication manager: this store is new (empty), and other router nodes are members whose stores may hold "
          + "the deployment's data");
    } else if (!seedsListening.isEmpty() && !freshStoreAloneAfter.isZero()) {
      refuse("waiting for the replication manager: this store is new (empty), and nodes of the deployment run at " + seedsListening
          + " (their cluster ports answer); their stores may hold the deployment's data");
    } else if (waited < freshStoreAloneAfter.toSeconds()) {
      refuse("this store is new (empty): waiting up to " + freshStoreAloneAfter.toSeconds() + " s for the replication manager or another "
          + "router node before starting a new deployment alone (peerlink.replication.fresh-store-alone-after)");
    } else {
      getContext().getLog().info("No replication manager and no other router node appeared in {} s: this node starts a new deployment",
          freshStoreAloneAfter.toSeconds());
      getContext().getSelf().tell(new Promotion(new RmCommand.Granted(1, null), null));
    }
  }

  private Behavior<Command> promotion(Promotion result) {
    if (result.failure() != null) {
      refuse("the replication manager did not answer: " + result.failure().getMessage());
    } else if (result.reply() instanceof RmCommand.Denied denied) {
      refuse(denied.reason());
      catchUpFrom(denied.copyFrom());
    } else {
      RmCommand.Granted granted = (RmCommand.Granted) result.reply();
      getContext().ask(StorePosition.class, localReplica, RM_TIMEOUT, replyTo -> new Replica.Fence(granted.epoch(), granted.lineage(), replyTo),
          (position, failure) -> new Fenced(granted.epoch(), position, failure));
    }
    return this;
  }

  private Behavior<Command> fenced(Fenced fenced) {
    promoting = false;
    if (fenced.failure() != null) {
      refuse("could not start epoch " + fenced.epoch() + " in the local store: " + fenced.failure().getMessage());
      return this;
    }
    epoch = fenced.epoch();
    writeId = fenced.position().writeId();
    lineage = store.history().lineage();
    isr = new TreeSet<>(Set.of(self));
    learners.clear();
    ackedByNode.clear();
    diverged.clear();
    lastRefusal = null;
    copiedFrom = null;
    copiedAt = null;
    getContext().getLog().info("This node is the primary now, at epoch {} ({}); backups catch up before they count as in sync", epoch, store.history());
    waitingForPromotion.forEach(f -> f.complete(null));
    waitingForPromotion.clear();
    routerMembers.stream().filter(m -> !m.equals(self)).forEach(pendingCopies::add);
    pump();
    return this;
  }

  private void refuse(String reason) {
    promoting = false;
    if (!reason.equals(lastRefusal)) {
      getContext().getLog().warn("Not taking over as primary: {}", reason);
      lastRefusal = reason;
    }
    IllegalStateException failure = new IllegalStateException("not the primary: " + reason);
    waitingForPromotion.forEach(f -> f.completeExceptionally(failure));
    waitingForPromotion.clear();
  }

  /** Refused because this store may be behind: copy the store of a node the rm named that is up, then ask again. */
  private void catchUpFrom(List<String> sources) {
    if (copyRefusedAtNanos != 0 && System.nanoTime() - copyRefusedAtNanos < COPY_FIRST_WAIT.multipliedBy(3).toNanos()) {
      return; // this store refused the last copy (it holds acknowledged writes the copy lacks): not every retry
    }
    for (String node : sources) {
      ActorRef<Replica.Command> source = replicas.get(node);
      if (source != null && !node.equals(self) && routerMembers.contains(node)) {
        getContext().getLog().info("Copying the store of {} before asking again", node);
        source.tell(new Replica.ProvideCopy(localReplica, replies));
        return;
      }
    }
  }

  /** The in-sync set, by store, written into the replicated store: what an rm that lost its record learns from. */
  private void recordInSyncSet() {
    List<InSyncRecord.Member> members = new ArrayList<>();
    for (String node : isr) {
      members.add(new InSyncRecord.Member(storeOf(node), node));
    }
    InSyncRecord record = new InSyncRecord(epoch, members);
    queue.addFirst(new Write(s -> List.of(LevelDbEventLog.inSyncRecordWrite(record)), new CompletableFuture<>()));
  }

  private String storeOf(String node) {
    return node.equals(self) ? store.storeId() : storeIdByNode.getOrDefault(node, "unknown");
  }

  // ---- the write path

  private Behavior<Command> write(Write w) {
    if (epoch == 0) {
      w.done().completeExceptionally(new IllegalStateException("this node is not the primary"));
      return this;
    }
    queue.addLast(w);
    pump();
    return this;
  }

  /** Starts the next write when none is in flight; copies for new backups are taken between writes. */
  private void pump() {
    if (epoch == 0 || inFlight != null) {
      return;
    }
    for (String node : List.copyOf(pendingCopies)) {
      startCopy(node);
    }
    Write next = queue.pollFirst();
    if (next == null) {
      waitingForWrites.forEach(f -> f.complete(null));
      waitingForWrites.clear();
      return;
    }
    List<byte[]> parts;
    try {
      parts = WireMutations.split(next.plan().apply(store), WireMutations.PART_BYTES);
    } catch (RuntimeException e) {
      next.done().completeExceptionally(e);
      pump();
      return;
    }
    inFlight = new InFlight(++writeId, parts, next.done(), next.createdNanos());
    sendInFlight();
  }

  private void sendInFlight() {
    inFlight.sentAt = System.nanoTime();
    int count = inFlight.parts.size();
    for (String node : receivers()) {
      ActorRef<Replica.Command> replica = node.equals(self) ? localReplica : replicas.get(node);
      if (replica != null && !inFlight.ackedBy.contains(node)) {
        for (int part = 0; part < count; part++) {
          replica.tell(new Replica.Replicate(epoch, inFlight.writeId, part, count, inFlight.parts.get(part), lineage, replies));
        }
      }
    }
  }

  private Set<String> receivers() {
    Set<String> all = new TreeSet<>(isr);
    learners.forEach((node, acked) -> all.add(node));
    return all;
  }

  /** The replicas whose acknowledgement a write needs: the in-sync set, plus a backup about to join it. */
  private Set<String> required() {
    Set<String> needed = new TreeSet<>(isr);
    if (proposedIsr != null) {
      needed.addAll(proposedIsr);
    }
    return needed;
  }

  private Behavior<Command> fromReplica(ReplicaReply reply) {
    if (reply instanceof ReplicaReply.Acked acked) {
      acknowledged(acked);
    } else if (reply instanceof ReplicaReply.Refused refused) {
      if (epoch > 0 && refused.epoch() > epoch) {
        stepDown(refused.node() + " follows epoch " + refused.epoch());
      }
    } else if (reply instanceof ReplicaReply.OutOfSync outOfSync) {
      outOfSync(outOfSync);
    } else if (reply instanceof ReplicaReply.CopyApplied applied) {
      copyApplied(applied);
    } else if (reply instanceof ReplicaReply.Diverged d) {
      diverged(d);
    } else if (reply instanceof ReplicaReply.CannotWrite c) {
      cannotWrite(c);
    }
    return this;
  }

  /**
   * A replica that cannot write (its disk below the free space it keeps, or a failed write). This node's own:
   * what it acknowledged is in doubt here, so it steps down and an in-sync backup takes over. A backup's: it
   * leaves the in-sync set (the writes go on with the others) and is offered a full copy every
   * {@link #COPY_FIRST_WAIT}, which it takes once it can write again.
   */
  private void cannotWrite(ReplicaReply.CannotWrite c) {
    if (epoch == 0) {
      return;
    }
    if (c.node().equals(self)) {
      stepDown("this node cannot write to its own store: " + c.reason());
      return;
    }
    if (!c.reason().equals(cannotWrite.put(c.node(), c.reason()))) {
      getContext().getLog().warn("Backup {} cannot take writes: {}. It leaves the in-sync set; a full copy is offered to it again in {} s.",
          c.node(), c.reason(), COPY_FIRST_WAIT.toSeconds());
    }
    learners.remove(c.node());
    pendingCopies.remove(c.node());
    copiesSent.remove(c.node());
    copyAgainAt.put(c.node(), System.nanoTime() + COPY_FIRST_WAIT.toNanos());
    if (isr.contains(c.node())) {
      Set<String> smaller = new TreeSet<>(isr);
      smaller.remove(c.node());
      proposeIsr(smaller, c.node() + " cannot write: " + c.reason());
    }
  }

  /** Backups that could not write, offered a copy again once their wait is over. */
  private void offerCopiesAgain() {
    long now = System.nanoTime();
    copyAgainAt.entrySet().removeIf(entry -> {
      if (now - entry.getValue() < 0) {
        return false;
      }
      pendingCopies.add(entry.getKey());
      return true;
    });
  }

  /** A store that will not follow this history (or the copy this node asked for was refused): leave it as it is. */
  private void diverged(ReplicaReply.Diverged d) {
    if (d.node().equals(self)) {
      copyRefusedAtNanos = System.nanoTime();
      getContext().getLog().error("This node's store refused the copy it asked for: {}", d.reason());
      return;
    }
    if (epoch == 0) {
      return;
    }
    if (!d.reason().equals(diverged.put(d.node(), d.reason()))) {
      getContext().getLog().error("Backup {} (store {}) will not follow this primary: {}. It is left as it is and is not in sync; "
          + "see docs/replication.md, 'Stores of different histories'.", d.node(), StoreHistory.shortId(d.storeId()), d.reason());
    }
    learners.remove(d.node());
    pendingCopies.remove(d.node());
    copiesSent.remove(d.node());
    if (isr.contains(d.node())) {
      Set<String> smaller = new TreeSet<>(isr);
      smaller.remove(d.node());
      proposeIsr(smaller, d.node() + " follows another history");
    }
  }

  private void acknowledged(ReplicaReply.Acked acked) {
    if (acked.epoch() != epoch) {
      return;
    }
    ackedByNode.merge(acked.node(), acked.writeId(), Math::max);
    learners.computeIfPresent(acked.node(), (node, before) -> Math.max(before, acked.writeId()));
    if (inFlight != null && acked.writeId() == inFlight.writeId) {
      if (inFlight.ackedBy.add(acked.node())) {
        timings.since(acked.node().equals(self) ? "replication.localAck" : "replication.backupAck", inFlight.firstSentAt);
      }
      completeIfReplicated();
    }
    proposeGrowIfCaughtUp(acked.node());
  }

  private void completeIfReplicated() {
    if (inFlight != null && inFlight.ackedBy.containsAll(required())) {
      timings.since("replication.write", inFlight.createdNanos);
      inFlight.done.complete(null);
      inFlight = null;
      pump();
    }
  }

  private void outOfSync(ReplicaReply.OutOfSync reply) {
    if (epoch == 0) {
      return;
    }
    if (reply.node().equals(self)) {
      stepDown("the local store is at " + reply.position() + ", not at epoch " + epoch);
      return;
    }
    learners.remove(reply.node());
    if (isr.contains(reply.node())) {
      Set<String> smaller = new TreeSet<>(isr);
      smaller.remove(reply.node());
      proposeIsr(smaller, reply.node() + " fell out of sync");
    }
    if (!diverged.containsKey(reply.node())) {
      pendingCopies.add(reply.node());
    }
  }

  // ---- backups catching up

  private void startCopy(String node) {
    ActorRef<Replica.Command> replica = replicas.get(node);
    if (replica == null || !routerMembers.contains(node)) {
      return; // started again when the node's replica registers
    }
    pendingCopies.remove(node);
    learners.put(node, -1L);
    CopySent before = copiesSent.get(node);
    Duration wait = before == null ? COPY_FIRST_WAIT : min(before.patience().multipliedBy(2), COPY_MAX_WAIT);
    copiesSent.put(node, new CopySent(replica, System.nanoTime(), wait));
    getContext().getLog().info("Sending a full copy at epoch {} write {} to {}", epoch, writeId, node);
    Replica.sendCopy(store, replica, replies);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Copies sent but not installed yet, and not already due again. */
  private List<String> copiesOnTheWay() {
    return copiesSent.keySet().stream().filter(node -> learners.getOrDefault(node, 0L) == -1L && !pendingCopies.contains(node)).toList();
  }

  /** A copy went to a replica that the listing no longer names for its node: it goes to the new one at once. */
  private void redirectCopiesToNewReplicas() {
    for (String node : copiesOnTheWay()) {
      ActorRef<Replica.Command> current = replicas.get(node);
      if (current != null && !current.equals(copiesSent.get(node).target())) {
        getContext().getLog().info("The replica of {} changed while its full copy was on the way; sending it to the new one", node);
        pendingCopies.add(node);
      }
    }
  }

  /** A copy not installed within its patience is taken as lost and sent again. */
  private void resendOverdueCopies() {
    long now = System.nanoTime();
    for (String node : copiesOnTheWay()) {
      CopySent sent = copiesSent.get(node);
      if (now - sent.sentAtNanos() >= sent.patience().toNanos()) {
        getContext().getLog().warn("{} has not installed the full copy sent {} s ago; sending it again", node, sent.patience().toSeconds());
        pendingCopies.add(node);
      }
    }
  }

  private void copyApplied(ReplicaReply.CopyApplied applied) {
    if (epoch == 0) {
      if (applied.node().equals(self)) { // a copy this node asked for while it was not in sync
        copiedFrom = applied.sourceStore();
        copiedAt = applied.position();
        copyRefusedAtNanos = 0;
        getContext().getLog().info("Copied store {} at {}", StoreHistory.shortId(copiedFrom), applied.position());
      }
      return;
    }
    storeIdByNode.put(applied.node(), applied.storeId());
    if (cannotWrite.remove(applied.node()) != null) {
      getContext().getLog().info("Backup {} can write again: it installed a full copy at {}", applied.node(), applied.position());
    }
    if (applied.position().epoch() == epoch && learners.containsKey(applied.node())) {
      copiesSent.remove(applied.node());
      learners.put(applied.node(), applied.position().writeId());
      ackedByNode.merge(applied.node(), applied.position().writeId(), Math::max);
      proposeGrowIfCaughtUp(applied.node());
    }
  }

  /** A learner that has every completed write joins the in-sync set (through the rm). */
  private void proposeGrowIfCaughtUp(String node) {
    Long acked = learners.get(node);
    long completed = inFlight == null ? writeId : writeId - 1;
    if (acked != null && acked >= completed && proposedIsr == null && !isr.contains(node)) {
      Set<String> bigger = new TreeSet<>(isr);
      bigger.add(node);
      proposeIsr(bigger, node + " caught up");
    }
  }

  private void proposeIsr(Set<String> next, String reason) {
    if (proposedIsr != null) {
      return; // one change at a time; the next one is found again when this one is answered
    }
    proposedIsr = next;
    proposedReason = reason;
    proposedAt = System.nanoTime();
    if (!rmIsUp() && !store.wasReplicated() && next.size() <= isr.size()) {
      getContext().getSelf().tell(new IsrAnswer(new RmCommand.IsrChanged(epoch, List.copyOf(next)), null));
      return;
    }
    long askedEpoch = epoch;
    String askedLineage = lineage;
    List<String> stores = next.stream().map(this::storeOf).toList();
    StorePosition acked = new StorePosition(epoch, inFlight == null ? writeId : writeId - 1);
    getContext().ask(RmCommand.IsrReply.class, rm, RM_TIMEOUT,
        replyTo -> new RmCommand.ChangeIsr(askedEpoch, self, List.copyOf(next), stores, askedLineage, acked, reason, replyTo), IsrAnswer::new);
  }

  private Behavior<Command> isrAnswer(IsrAnswer answer) {
    if (epoch == 0 || proposedIsr == null) {
      return this;
    }
    if (answer.failure() != null) {
      proposedAt = 0; // the tick asks again
      return this;
    }
    if (answer.reply() instanceof RmCommand.IsrRefused refused) {
      stepDown("the rm refused an in-sync change: " + refused.reason());
      return this;
    }
    Set<String> grown = new TreeSet<>(proposedIsr);
    grown.removeAll(isr);
    isr = new TreeSet<>(proposedIsr);
    getContext().getLog().info("In-sync set is now {} ({})", isr, proposedReason);
    grown.forEach(learners::remove);
    proposedIsr = null;
    recordInSyncSet();
    if (isr.size() > 1 && !store.wasReplicated()) {
      queue.addFirst(new Write(s -> List.of(LevelDbEventLog.replicatedMarker()), new CompletableFuture<>()));
    }
    completeIfReplicated();
    reconsiderMembership();
    copyToMembersLeftOut();
    pump();
    return this;
  }

  /**
   * Router members that are neither in the in-sync set nor catching up get a copy. A backup whose new
   * incarnation comes Up while the in-sync set still names its old one (the shrink waits for the rm) is such a
   * member: its MemberUp found it "in sync" and started nothing, and when the shrink is recorded nothing else
   * would ever start its copy (found by PartitionNemesisIT: after a backup-rm partition both were downed and
   * restarted, and the backup stayed out of the in-sync set for good).
   */
  private void copyToMembersLeftOut() {
    for (String node : routerMembers) {
      // A backup that could not write waits for its next offer (offerCopiesAgain), not one a second.
      if (!node.equals(self) && !isr.contains(node) && !learners.containsKey(node) && !diverged.containsKey(node)
          && !copyAgainAt.containsKey(node) && pendingCopies.add(node)) {
        getContext().getLog().info("Backup {} is a member but neither in sync nor catching up: sending it a full copy", node);
      }
    }
  }

  private void reconsiderMembership() {
    for (String node : isr) {
      if (!node.equals(self) && !routerMembers.contains(node)) {
        Set<String> smaller = new TreeSet<>(isr);
        smaller.remove(node);
        proposeIsr(smaller, node + " left the cluster");
        return;
      }
    }
    learners.keySet().forEach(this::proposeGrowIfCaughtUp);
  }

  private void stepDown(String reason) {
    getContext().getLog().error("Stepping down as primary of epoch {}: {}. Nothing more is acknowledged from this node.", epoch, reason);
    IllegalStateException failure = new IllegalStateException("no longer the primary: " + reason);
    if (inFlight != null) {
      inFlight.done.completeExceptionally(failure);
      inFlight = null;
    }
    queue.forEach(w -> w.done().completeExceptionally(failure));
    queue.clear();
    waitingForWrites.forEach(f -> f.completeExceptionally(failure));
    waitingForWrites.clear();
    epoch = 0;
    isr = new TreeSet<>();
    learners.clear();
    copyAgainAt.clear();
    cannotWrite.clear();
    pendingCopies.clear();
    copiesSent.clear();
    proposedIsr = null;
  }

  // ---- cluster membership and replica discovery

  private Behavior<Command> memberChange(ClusterEvent.MemberEvent event) {
    Member member = event.member();
    if (!member.hasRole("router")) {
      return this;
    }
    String node = member.address().toString();
    if (event instanceof ClusterEvent.MemberUp) {
      routerMembers.add(node);
      diverged.remove(node); // a new incarnation: its store may have been replaced meanwhile
      if (epoch > 0 && !node.equals(self) && !isr.contains(node) && !learners.containsKey(node)) {
        pendingCopies.add(node);
        pump();
      }
    } else if (event instanceof ClusterEvent.MemberDowned || event instanceof ClusterEvent.MemberRemoved || event instanceof ClusterEvent.MemberExited) {
      routerMembers.remove(node);
      learners.remove(node);
      pendingCopies.remove(node);
      copiesSent.remove(node);
      if (epoch > 0 && isr.contains(node) && !node.equals(self)) { // this node leaving is a shutdown, not a lost backup
        getContext().getLog().warn("Backup {} is out of the cluster ({}); removing it from the in-sync set", node, event.getClass().getSimpleName());
        reconsiderMembership();
      }
    }
    return this;
  }

  private Behavior<Command> replicasChanged(ReplicasChanged changed) {
    replicas.clear();
    for (ActorRef<Replica.Command> replica : changed.listing().getServiceInstances(Replica.KEY)) {
      String node = replica.path().address().hasLocalScope() ? self : replica.path().address().toString();
      replicas.put(node, replica);
    }
    if (epoch > 0) {
      redirectCopiesToNewReplicas();
    }
    if (epoch > 0 && inFlight == null) {
      pump();
    }
    return this;
  }

  private boolean rmIsUp() {
    for (Member m : Cluster.get(getContext().getSystem()).state().getMembers()) {
      if (m.hasRole("rm") && m.status() == MemberStatus.up()) {
        return true;
      }
    }
    return false;
  }

  // ---- periodic work: resends and the report to the rm

  private Behavior<Command> fromRm(FromRm message) {
    if (message.notice() instanceof RmCommand.StepDown stepDown && epoch > 0) {
      stepDown("the replication manager says this node may not be the primary: " + stepDown.reason());
    }
    return this;
  }

  private Behavior<Command> seedsProbed(SeedsProbed probed) {
    probingSeeds = false;
    if (!probed.listening().isEmpty() && seedsListening.isEmpty()) {
      getContext().getLog().info("Other nodes of the deployment run at {}: this node's new store waits for the replication manager", probed.listening());
    }
    if (!probed.listening().isEmpty()) {
      seedsListening = probed.listening();
    }
    return this;
  }

  /** While this node's store is new and nothing was decided yet, look for other nodes of the deployment at the seeds. */
  private void probeSeedsIfNew() {
    if (epoch == 0 && !probingSeeds && !otherSeeds.isEmpty() && !freshStoreAloneAfter.isZero() && store.history().empty()) {
      probingSeeds = true;
      getContext().pipeToSelf(SeedsListening.probe(otherSeeds, getContext().getSystem().dispatchers().lookup(
              org.apache.pekko.actor.typed.DispatcherSelector.blocking())),
          (listening, failure) -> new SeedsProbed(listening == null ? List.of() : listening));
    }
  }

  private Behavior<Command> tick() {
    probeSeedsIfNew();
    if (rmIsUp()) {
      List<String> leaderIsr = epoch == 0 ? List.of() : List.copyOf(isr);
      rm.tell(new RmCommand.StoreReport(self, StoreInfo.of(store), epoch, leaderIsr, leaderIsr.stream().map(this::storeOf).toList(), notices,
          space.low() ? "its disk is nearly full: " + space.describe() : null));
    }
    if (epoch == 0) {
      return this;
    }
    if (inFlight != null && System.nanoTime() - inFlight.sentAt >= RESEND_AFTER.toNanos()) {
      sendInFlight(); // messages to a replica can be lost while it is unreachable; replicas ignore repeats
    }
    redirectCopiesToNewReplicas();
    resendOverdueCopies();
    offerCopiesAgain();
    copyToMembersLeftOut();
    if (!pendingCopies.isEmpty() && inFlight == null) {
      pump();
    }
    if (proposedIsr != null && System.nanoTime() - proposedAt > RM_TIMEOUT.toNanos()) {
      Set<String> retry = proposedIsr;
      proposedIsr = null;
      proposeIsr(retry, proposedReason);
    }
    if (rmIsUp()) {
      rm.tell(new RmCommand.Report(report()));
    }
    return this;
  }

  private ReplicationReport report() {
    List<ReplicationReport.BackupProgress> backups = new ArrayList<>();
    for (String node : receivers()) {
      if (!node.equals(self)) {
        backups.add(new ReplicationReport.BackupProgress(node, isr.contains(node) ? "in-sync" : "catching-up", ackedByNode.getOrDefault(node, learners.getOrDefault(node, -1L))));
      }
    }
    long checkpointSeqNr = 0;
    long checkpointAt = 0;
    // The info, not the snapshot: this runs every second on the write path's actor, and a checkpoint
    // can be tens of megabytes.
    var snapshot = store.latestSnapshotInfo(REGISTRY_ID);
    if (snapshot.isPresent()) {
      checkpointSeqNr = snapshot.get().sequenceNr();
      checkpointAt = snapshot.get().timestamp();
    }
    return new ReplicationReport(System.currentTimeMillis(), epoch, self, writeId, backups, checkpointSeqNr, checkpointAt);
  }
}
