package peerlink.replication;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.storage.StorePosition;

/** Requests to the replication manager (the rm singleton), which decides epochs and the in-sync set. */
public sealed interface RmCommand extends ReplicationSerializable {

  /**
   * {@code node} wants to become primary with {@code store}. It may if that store is in the in-sync set of
   * the latest epoch and holds the acknowledged position, or if it has just installed a full copy from such
   * a store ({@code copiedFrom}, a store id, at {@code copiedAt}).
   */
  record Promote(String node, StoreInfo store, String copiedFrom, StorePosition copiedAt, ActorRef<PromoteReply> replyTo)
      implements RmCommand {}

  /**
   * The primary of {@code epoch} changes its in-sync set (a backup was removed, or has caught up): the
   * nodes' addresses and, in the same order, their stores' ids; {@code acked} is the primary's latest
   * completed write.
   */
  record ChangeIsr(long epoch, String primary, List<String> isr, List<String> isrStores, String lineage, StorePosition acked,
      String reason, ActorRef<IsrReply> replyTo) implements RmCommand {}

  /** The primary's periodic account of replication progress, for the status display. */
  record Report(ReplicationReport report) implements RmCommand {}

  /**
   * Every router node says, every second, what its store holds ({@code leaderEpoch} > 0 when it is the
   * primary, with its in-sync set): what an rm that lost its record learns the deployment from.
   */
  record StoreReport(String node, StoreInfo store, long leaderEpoch, List<String> leaderIsr, List<String> leaderIsrStores,
      ActorRef<RmNotice> replyTo, String diskProblem) implements RmCommand {
    /** A report of a node whose disk has the free space it keeps. */
    public StoreReport(String node, StoreInfo store, long leaderEpoch, List<String> leaderIsr, List<String> leaderIsrStores, ActorRef<RmNotice> replyTo) {
      this(node, store, leaderEpoch, leaderIsr, leaderIsrStores, replyTo, null);
    }
  }

  record GetStatus(ActorRef<RmStatus> replyTo) implements RmCommand {}

  /** Something the rm node's cluster subscription saw; {@code kind} is "failure" or "membership". */
  record ClusterNews(String kind, String text) implements RmCommand {}

  sealed interface PromoteReply extends ReplicationSerializable {}

  /** Promoted to {@code epoch}; {@code lineage} is set when the store is new and starts a deployment's history. */
  record Granted(long epoch, String lineage) implements PromoteReply {}

  /** Not now, and why; {@code copyFrom} names nodes whose stores hold what this one lacks. */
  record Denied(long epoch, List<String> isr, String reason, List<String> copyFrom) implements PromoteReply {}

  sealed interface IsrReply extends ReplicationSerializable {}

  record IsrChanged(long epoch, List<String> isr) implements IsrReply {}

  record IsrRefused(long epoch, String reason) implements IsrReply {}

  /** What the rm tells a router node on its own initiative. */
  sealed interface RmNotice extends ReplicationSerializable {}

  /** This node acts as primary but the rm's record says it is not (another history, or an older epoch). */
  record StepDown(String reason) implements RmNotice {}
}
