package peerlink.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import peerlink.storage.LastWrite;
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
 *
 * <p>It is the one actor that owns the leader's state, and reads like a table of "on this message, do
 * that". The state and the rules of each of its jobs live in a plain class it delegates to: {@link
 * Promotion} (becoming the primary: ask the rm, fence, catch up from a source first), {@link WritePath}
 * (the queue, the write in flight, its acknowledgements and resends), {@link CatchUpCopies} (full copies
 * to backups that are behind, and when to send one again), {@link Membership} (the in-sync set, the
 * learners, the backups left out, and the changes to propose to the rm) and {@link LeaderReports} (what
 * the rm is told every second). This class does their I/O: messages, asks, logs, timings.
 */
public final class ReplicationLeader extends AbstractBehavior<ReplicationLeader.Command> {
  public static final String REGISTRY_ID = "peerlink-registry";
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration RM_TIMEOUT = Duration.ofSeconds(5);
  /** An unanswered write is sent again after this long: a message to an unreachable replica can be lost. */
  private static final Duration RESEND_AFTER = Duration.ofSeconds(2);

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

  private record PromoteAnswer(RmCommand.PromoteReply reply, Throwable failure) implements Command {}

  private record Fenced(long epoch, StorePosition position, Throwable failure) implements Command {}

  private record IsrAnswer(RmCommand.IsrReply reply, Throwable failure) implements Command {}

  private record MemberChange(ClusterEvent.MemberEvent event) implements Command {}

  private record ReplicasChanged(Receptionist.Listing listing) implements Command {}

  private record Tick() implements Command {}

  private record FromRm(RmCommand.RmNotice notice) implements Command {}

  private record SeedsProbed(List<String> listening) implements Command {}

  private final LevelDbEventLog store;
  private final ActorRef<Replica.Command> localReplica;
  private final ActorRef<RmCommand> rm;
  private final String self;
  private final ActorRef<ReplicaReply> replies;
  private final StageTimings timings;
  private final ActorRef<RmCommand.RmNotice> notices;
  private final FreeSpace space;
  // Each router node's replica, as the receptionist lists them.
  private final Map<String, ActorRef<Replica.Command>> replicas = new HashMap<>();
  // The jobs, each a plain class over its part of the state; this actor owns them all and does their I/O.
  private final Promotion promotion;
  private final WritePath writes = new WritePath();
  private final Membership membership;
  private final CatchUpCopies<ActorRef<Replica.Command>> copies = new CatchUpCopies<>();

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
    long startedNanos = System.nanoTime();
    this.store = store;
    this.space = space;
    this.localReplica = localReplica;
    this.rm = rm;
    Cluster cluster = Cluster.get(context.getSystem());
    this.self = cluster.selfMember().address().toString();
    this.membership = new Membership(self);
    this.replies = context.messageAdapter(ReplicaReply.class, FromReplica::new);
    this.timings = StageTimings.get(context.getSystem());
    this.notices = context.messageAdapter(RmCommand.RmNotice.class, FromRm::new);
    var config = context.getSystem().settings().config();
    Duration freshStoreAloneAfter = config.getDuration("peerlink.replication.fresh-store-alone-after");
    String selfSeed = config.hasPath("peerlink.cluster.self") ? config.getString("peerlink.cluster.self") : "";
    List<String> otherSeeds = config.hasPath("peerlink.cluster.seeds")
        ? config.getStringList("peerlink.cluster.seeds").stream().filter(seed -> !seed.equals(selfSeed)).toList()
        : List.of();
    this.promotion = new Promotion(freshStoreAloneAfter, otherSeeds, startedNanos);
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
        .onMessage(PromoteAnswer.class, this::promoteAnswer)
        .onMessage(Fenced.class, this::fenced)
        .onMessage(IsrAnswer.class, this::isrAnswer)
        .onMessage(MemberChange.class, m -> memberChange(m.event()))
        .onMessage(ReplicasChanged.class, this::replicasChanged)
        .onMessage(Tick.class, t -> tick())
        .onMessage(FromRm.class, this::fromRm)
        .onMessage(SeedsProbed.class, this::seedsProbed)
        .build();
  }

  // ---- becoming primary (Promotion)

  private Behavior<Command> ensurePrimary(EnsurePrimary request) {
    if (writes.isPrimary()) {
      if (writes.idle()) {
        request.done().complete(null);
      } else {
        writes.waitForWrites(request.done());
      }
      return this;
    }
    if (promotion.await(request.done())) {
      promote();
    }
    return this;
  }

  private void promote() {
    promotion.requesting();
    StoreInfo info = StoreInfo.of(store);
    if (rmIsUp()) {
      getContext().getLog().info("Asking the rm to make this node the primary (its {})", info.describe());
      String from = promotion.copiedFrom();
      StorePosition at = promotion.copiedAt();
      getContext().ask(RmCommand.PromoteReply.class, rm, RM_TIMEOUT,
          replyTo -> new RmCommand.Promote(self, info, from, at, replyTo), PromoteAnswer::new);
    } else if (!store.wasReplicated() && !info.history().empty()) {
      // No other node ever held a copy of this store, so nobody can have newer data: start alone.
      getContext().getSelf().tell(new PromoteAnswer(new RmCommand.Granted(info.position().epoch() + 1, null), null));
    } else if (!store.wasReplicated()) {
      startAloneOrWait();
    } else {
      refuse("waiting for the replication manager: this store has been replicated, so only the rm can tell whether it is the latest copy");
    }
  }

  /** A new (empty) store with no rm up: see {@link Promotion#whyFreshStoreWaits}. */
  private void startAloneOrWait() {
    String why = promotion.whyFreshStoreWaits(membership.othersAreMembers(), System.nanoTime());
    if (why != null) {
      refuse(why);
    } else {
      getContext().getLog().info("No replication manager and no other router node appeared in {} s: this node starts a new deployment",
          promotion.freshStoreAloneAfter().toSeconds());
      getContext().getSelf().tell(new PromoteAnswer(new RmCommand.Granted(1, null), null));
    }
  }

  private Behavior<Command> promoteAnswer(PromoteAnswer result) {
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
    promotion.ended();
    if (fenced.failure() != null) {
      refuse("could not start epoch " + fenced.epoch() + " in the local store: " + fenced.failure().getMessage());
      return this;
    }
    writes.begin(fenced.epoch(), fenced.position().writeId(), store.history().lineage());
    membership.becamePrimary();
    promotion.promoted();
    getContext().getLog().info("This node is the primary now, at epoch {} ({}); backups catch up before they count as in sync",
        writes.epoch(), store.history());
    promotion.releaseWaiting();
    membership.others().forEach(copies::want);
    pump();
    return this;
  }

  private void refuse(String reason) {
    if (promotion.refuse(reason)) {
      getContext().getLog().warn("Not taking over as primary: {}", reason);
    }
    promotion.failWaiting(reason);
  }

  /** Refused because this store may be behind: copy the store of a node the rm named that is up, then ask again. */
  private void catchUpFrom(List<String> sources) {
    if (promotion.copyRefusedWithin(System.nanoTime(), CatchUpCopies.FIRST_WAIT.multipliedBy(3).toNanos())) {
      return; // this store refused the last copy (it holds acknowledged writes the copy lacks): not every retry
    }
    for (String node : sources) {
      ActorRef<Replica.Command> source = replicas.get(node);
      if (source != null && !node.equals(self) && membership.isMember(node)) {
        getContext().getLog().info("Copying the store of {} before asking again", node);
        source.tell(new Replica.ProvideCopy(localReplica, replies));
        return;
      }
    }
  }

  // ---- the write path (WritePath)

  private Behavior<Command> write(Write w) {
    if (!writes.isPrimary()) {
      w.done().completeExceptionally(new IllegalStateException("this node is not the primary"));
      return this;
    }
    writes.add(w);
    pump();
    return this;
  }

  /** Starts the next write when none is in flight; copies for new backups are taken between writes. */
  private void pump() {
    if (!writes.isPrimary() || writes.busy()) {
      return;
    }
    for (String node : copies.pending()) {
      startCopy(node);
    }
    Write next = writes.next();
    if (next == null) {
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
    writes.start(next, parts, System.nanoTime());
    sendInFlight();
  }

  private void sendInFlight() {
    WritePath.InFlight inFlight = writes.inFlight();
    inFlight.sentAt = System.nanoTime();
    int count = inFlight.parts.size();
    for (String node : membership.receivers()) {
      ActorRef<Replica.Command> replica = node.equals(self) ? localReplica : replicas.get(node);
      if (replica != null && !inFlight.ackedBy.contains(node)) {
        for (int part = 0; part < count; part++) {
          replica.tell(new Replica.Replicate(writes.epoch(), inFlight.writeId, part, count, inFlight.parts.get(part), writes.lineage(), replies));
        }
      }
    }
  }

  private Behavior<Command> fromReplica(ReplicaReply reply) {
    if (reply instanceof ReplicaReply.Acked acked) {
      acknowledged(acked);
    } else if (reply instanceof ReplicaReply.Refused refused) {
      if (writes.isPrimary() && refused.epoch() > writes.epoch()) {
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

  private void acknowledged(ReplicaReply.Acked acked) {
    if (acked.epoch() != writes.epoch()) {
      return;
    }
    membership.acked(acked.node(), acked.writeId());
    if (writes.isInFlight(acked.writeId())) {
      WritePath.InFlight inFlight = writes.inFlight();
      if (inFlight.ackedBy.add(acked.node())) {
        timings.since(acked.node().equals(self) ? "replication.localAck" : "replication.backupAck", inFlight.firstSentAt);
      }
      completeIfReplicated();
    }
    propose(membership.growIfCaughtUp(acked.node(), writes.completed(), System.nanoTime()));
  }

  private void completeIfReplicated() {
    WritePath.InFlight done = writes.finishIfAckedBy(membership.required());
    if (done != null) {
      timings.since("replication.write", done.createdNanos);
      done.done.complete(null);
      pump();
    }
  }

  private void stepDown(String reason) {
    getContext().getLog().error("Stepping down as primary of epoch {}: {}. Nothing more is acknowledged from this node.", writes.epoch(), reason);
    writes.stop(new IllegalStateException("no longer the primary: " + reason));
    membership.steppedDown();
    copies.clear();
  }

  // ---- backups that cannot follow (Membership decides, CatchUpCopies offers copies)

  /**
   * A replica that cannot write (its disk below the free space it keeps, or a failed write). This node's own:
   * what it acknowledged is in doubt here, so it steps down and an in-sync backup takes over. A backup's: it
   * leaves the in-sync set (the writes go on with the others) and is offered a full copy every
   * {@link CatchUpCopies#FIRST_WAIT}, which it takes once it can write again.
   */
  private void cannotWrite(ReplicaReply.CannotWrite c) {
    if (!writes.isPrimary()) {
      return;
    }
    if (c.node().equals(self)) {
      stepDown("this node cannot write to its own store: " + c.reason());
      return;
    }
    if (membership.cannotWrite(c.node(), c.reason())) {
      getContext().getLog().warn("Backup {} cannot take writes: {}. It leaves the in-sync set; a full copy is offered to it again in {} s.",
          c.node(), c.reason(), CatchUpCopies.FIRST_WAIT.toSeconds());
    }
    copies.forget(c.node());
    copies.offerAgainLater(c.node(), System.nanoTime());
    propose(membership.shrink(c.node(), c.node() + " cannot write: " + c.reason(), System.nanoTime()));
  }

  /** A store that will not follow this history (or the copy this node asked for was refused): leave it as it is. */
  private void diverged(ReplicaReply.Diverged d) {
    if (d.node().equals(self)) {
      promotion.copyRefused(System.nanoTime());
      getContext().getLog().error("This node's store refused the copy it asked for: {}", d.reason());
      return;
    }
    if (!writes.isPrimary()) {
      return;
    }
    if (membership.diverged(d.node(), d.reason())) {
      getContext().getLog().error("Backup {} (store {}) will not follow this primary: {}. It is left as it is and is not in sync; "
          + "see docs/replication.md, 'Stores of different histories'.", d.node(), StoreHistory.shortId(d.storeId()), d.reason());
    }
    copies.forget(d.node());
    propose(membership.shrink(d.node(), d.node() + " follows another history", System.nanoTime()));
  }

  private void outOfSync(ReplicaReply.OutOfSync reply) {
    if (!writes.isPrimary()) {
      return;
    }
    if (reply.node().equals(self)) {
      stepDown("the local store is at " + reply.position() + ", not at epoch " + writes.epoch());
      return;
    }
    membership.outOfSync(reply.node());
    propose(membership.shrink(reply.node(), reply.node() + " fell out of sync", System.nanoTime()));
    if (!membership.isDiverged(reply.node())) {
      copies.want(reply.node());
    }
  }

  // ---- backups catching up (CatchUpCopies)

  private void startCopy(String node) {
    ActorRef<Replica.Command> replica = replicas.get(node);
    if (replica == null || !membership.isMember(node)) {
      return; // started again when the node's replica registers
    }
    membership.copySent(node);
    if (copies.offerContinue(node, writes.writeId())) {
      copies.offering(node, replica, System.nanoTime());
      // After a failover or a restart a backup usually stands where this node stood when promoted: then it just
      // continues, and the store is not copied at all (a copy of a large store costs minutes and heap).
      StoreHistory history = store.history();
      StorePosition from = history.epochs().get(history.epochs().size() - 1).from();
      getContext().getLog().info("Offering {} to continue from {} into epoch {} (a full copy if its store is elsewhere)", node, from, writes.epoch());
      replica.tell(new Replica.Continue(writes.epoch(), from, history, store.inSyncRecord(), lastWriteAt(from), store.storeId(), replies));
      return;
    }
    copies.sending(node, replica, System.nanoTime());
    getContext().getLog().info("Sending a full copy at epoch {} write {} to {}", writes.epoch(), writes.writeId(), node);
    Replica.sendCopy(store, replica, replies);
  }

  /**
   * This store's last write, when it is the one at {@code from} and fits one message (wire form), else null: a
   * backup in sync when the old primary stopped lacks at most that write (one write is in flight at a time).
   */
  private byte[] lastWriteAt(StorePosition from) {
    LastWrite last = store.lastWrite();
    if (last == null || !last.position().equals(from)) {
      return null;
    }
    List<byte[]> parts = WireMutations.split(last.mutations(), WireMutations.PART_BYTES);
    return parts.size() == 1 ? parts.get(0) : null;
  }

  /** A copy went to a replica that the listing no longer names for its node: it goes to the new one at once. */
  private void redirectCopiesToNewReplicas() {
    for (String node : copies.redirect(replicas, membership::awaitsCopy)) {
      getContext().getLog().info("The replica of {} changed while its full copy was on the way; sending it to the new one", node);
    }
  }

  /** A copy not installed within its patience is taken as lost and sent again. */
  private void resendOverdueCopies() {
    for (CatchUpCopies.Overdue late : copies.overdue(System.nanoTime(), membership::awaitsCopy)) {
      getContext().getLog().warn("{} has not installed the full copy sent {} s ago; sending it again", late.node(), late.patience().toSeconds());
    }
  }

  private void copyApplied(ReplicaReply.CopyApplied applied) {
    if (!writes.isPrimary()) {
      if (applied.node().equals(self)) { // a copy this node asked for while it was not in sync
        promotion.copied(applied.sourceStore(), applied.position());
        getContext().getLog().info("Copied store {} at {}", StoreHistory.shortId(applied.sourceStore()), applied.position());
      }
      return;
    }
    if (membership.copyInstalled(applied.node(), applied.storeId())) {
      getContext().getLog().info("Backup {} can write again: it installed a full copy at {}", applied.node(), applied.position());
    }
    if (applied.position().epoch() == writes.epoch() && membership.isLearner(applied.node())) {
      copies.installed(applied.node());
      membership.learnerAt(applied.node(), applied.position().writeId());
      propose(membership.growIfCaughtUp(applied.node(), writes.completed(), System.nanoTime()));
    }
  }

  /**
   * Router members that are neither in the in-sync set nor catching up get a copy. A backup whose new
   * incarnation comes Up while the in-sync set still names its old one (the shrink waits for the rm) is such a
   * member: its MemberUp found it "in sync" and started nothing, and when the shrink is recorded nothing else
   * would ever start its copy (found by PartitionNemesisIT: after a backup-rm partition both were downed and
   * restarted, and the backup stayed out of the in-sync set for good).
   */
  private void copyToMembersLeftOut() {
    for (String node : membership.leftOut()) {
      // A backup that could not write waits for its next offer (CatchUpCopies.offerDue), not one a second.
      if (!copies.offersLater(node) && copies.want(node)) {
        getContext().getLog().info("Backup {} is a member but neither in sync nor catching up: sending it a full copy", node);
      }
    }
  }

  // ---- the in-sync set (Membership)

  /** Sends a change of the in-sync set that {@link Membership} proposed (null: none) to the rm. */
  private void propose(Membership.Proposal proposal) {
    if (proposal == null) {
      return;
    }
    Set<String> next = proposal.next();
    if (!rmIsUp() && !store.wasReplicated() && next.size() <= membership.isr().size()) {
      getContext().getSelf().tell(new IsrAnswer(new RmCommand.IsrChanged(writes.epoch(), List.copyOf(next)), null));
      return;
    }
    long askedEpoch = writes.epoch();
    String askedLineage = writes.lineage();
    List<String> stores = next.stream().map(this::storeOf).toList();
    StorePosition acked = new StorePosition(writes.epoch(), writes.completed());
    String reason = proposal.reason();
    getContext().ask(RmCommand.IsrReply.class, rm, RM_TIMEOUT,
        replyTo -> new RmCommand.ChangeIsr(askedEpoch, self, List.copyOf(next), stores, askedLineage, acked, reason, replyTo), IsrAnswer::new);
  }

  private Behavior<Command> isrAnswer(IsrAnswer answer) {
    if (!writes.isPrimary() || !membership.proposing()) {
      return this;
    }
    if (answer.failure() != null) {
      membership.answerLost(); // the tick asks again
      return this;
    }
    if (answer.reply() instanceof RmCommand.IsrRefused refused) {
      stepDown("the rm refused an in-sync change: " + refused.reason());
      return this;
    }
    if (answer.reply() instanceof RmCommand.IsrChanged changed && !answers(changed, membership.proposal())) {
      // An answer to an earlier proposal (of this term, or of an earlier term of this node, arriving late): taking
      // it would record a set the rm never recorded. The waiting proposal is asked again when its answer is overdue.
      getContext().getLog().warn("Ignoring the rm's record of {} at epoch {}: it answers another proposal than the waiting one ({} at epoch {})",
          changed.isr(), changed.epoch(), membership.proposal().next(), writes.epoch());
      return this;
    }
    String reason = membership.proposal().reason();
    membership.accepted();
    getContext().getLog().info("In-sync set is now {} ({})", membership.isr(), reason);
    recordInSyncSet();
    if (membership.isr().size() > 1 && !store.wasReplicated()) {
      writes.addFirst(new Write(s -> List.of(LevelDbEventLog.replicatedMarker()), new CompletableFuture<>()));
    }
    completeIfReplicated();
    reconsiderMembership();
    copyToMembersLeftOut();
    pump();
    return this;
  }

  /** Whether the rm's record is the one {@code waiting} asked for, at this node's epoch. */
  private boolean answers(RmCommand.IsrChanged changed, Membership.Proposal waiting) {
    return changed.epoch() == writes.epoch() && Set.copyOf(changed.isr()).equals(waiting.next());
  }

  /** The in-sync set, by store, written into the replicated store: what an rm that lost its record learns from. */
  private void recordInSyncSet() {
    List<InSyncRecord.Member> members = new ArrayList<>();
    for (String node : membership.isr()) {
      members.add(new InSyncRecord.Member(storeOf(node), node));
    }
    InSyncRecord record = new InSyncRecord(writes.epoch(), members);
    writes.addFirst(new Write(s -> List.of(LevelDbEventLog.inSyncRecordWrite(record)), new CompletableFuture<>()));
  }

  private String storeOf(String node) {
    return membership.storeOf(node, store::storeId);
  }

  private void reconsiderMembership() {
    propose(membership.reconsider(writes.completed(), System.nanoTime()));
  }

  // ---- cluster membership and replica discovery

  private Behavior<Command> memberChange(ClusterEvent.MemberEvent event) {
    Member member = event.member();
    if (!member.hasRole("router")) {
      return this;
    }
    String node = member.address().toString();
    if (event instanceof ClusterEvent.MemberUp) {
      membership.memberUp(node);
      if (writes.isPrimary() && membership.needsCopy(node)) {
        copies.want(node);
        pump();
      }
    } else if (event instanceof ClusterEvent.MemberDowned || event instanceof ClusterEvent.MemberRemoved || event instanceof ClusterEvent.MemberExited) {
      membership.memberGone(node);
      copies.forget(node);
      if (writes.isPrimary() && membership.inSync(node) && !node.equals(self)) { // this node leaving is a shutdown, not a lost backup
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
    if (writes.isPrimary()) {
      redirectCopiesToNewReplicas();
    }
    if (writes.isPrimary() && !writes.busy()) {
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

  // ---- periodic work: resends and the reports to the rm (LeaderReports)

  private Behavior<Command> fromRm(FromRm message) {
    if (message.notice() instanceof RmCommand.StepDown stepDown && writes.isPrimary()) {
      stepDown("the replication manager says this node may not be the primary: " + stepDown.reason());
    }
    return this;
  }

  private Behavior<Command> seedsProbed(SeedsProbed probed) {
    if (promotion.probed(probed.listening())) {
      getContext().getLog().info("Other nodes of the deployment run at {}: this node's new store waits for the replication manager", probed.listening());
    }
    return this;
  }

  /** While this node's store is new and nothing was decided yet, look for other nodes of the deployment at the seeds. */
  private void probeSeedsIfNew() {
    if (!writes.isPrimary() && promotion.startProbe(() -> store.history().empty())) {
      getContext().pipeToSelf(SeedsListening.probe(promotion.otherSeeds(), getContext().getSystem().dispatchers().lookup(
              org.apache.pekko.actor.typed.DispatcherSelector.blocking())),
          (listening, failure) -> new SeedsProbed(listening == null ? List.of() : listening));
    }
  }

  private Behavior<Command> tick() {
    probeSeedsIfNew();
    if (rmIsUp()) {
      rm.tell(LeaderReports.store(self, StoreInfo.of(store), writes, membership, store::storeId, notices,
          () -> space.low() ? "its disk is nearly full: " + space.describe() : null));
    }
    if (!writes.isPrimary()) {
      return this;
    }
    if (writes.resendDue(System.nanoTime(), RESEND_AFTER.toNanos())) {
      sendInFlight(); // messages to a replica can be lost while it is unreachable; replicas ignore repeats
    }
    redirectCopiesToNewReplicas();
    resendOverdueCopies();
    copies.offerDue(System.nanoTime());
    copyToMembersLeftOut();
    if (copies.hasPending() && !writes.busy()) {
      pump();
    }
    propose(membership.askAgainIfUnanswered(System.nanoTime(), RM_TIMEOUT.toNanos()));
    if (rmIsUp()) {
      rm.tell(new RmCommand.Report(LeaderReports.progress(System.currentTimeMillis(), self, writes, membership,
          store.latestSnapshotInfo(REGISTRY_ID))));
    }
    return this;
  }
}
