package peerlink.replication;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** Requests to the replication manager (the rm singleton), which decides epochs and the in-sync set. */
public sealed interface RmCommand extends ReplicationSerializable {

  /**
   * {@code node} wants to become primary. It may if it is in the in-sync set of the latest epoch, or if it
   * has just installed a full copy from a member of that set at that epoch ({@code copiedEpoch}).
   */
  record Promote(String node, long storeEpoch, String copiedFrom, long copiedEpoch, ActorRef<PromoteReply> replyTo)
      implements RmCommand {}

  /** The primary of {@code epoch} changes its in-sync set (a backup was removed, or has caught up). */
  record ChangeIsr(long epoch, String primary, List<String> isr, String reason, ActorRef<IsrReply> replyTo) implements RmCommand {}

  /** The primary's periodic account of replication progress, for the status display. */
  record Report(ReplicationReport report) implements RmCommand {}

  record GetStatus(ActorRef<RmStatus> replyTo) implements RmCommand {}

  /** Something the rm node's cluster subscription saw; {@code kind} is "failure" or "membership". */
  record ClusterNews(String kind, String text) implements RmCommand {}

  sealed interface PromoteReply extends ReplicationSerializable {}

  record Granted(long epoch) implements PromoteReply {}

  record Denied(long epoch, List<String> isr, String reason) implements PromoteReply {}

  sealed interface IsrReply extends ReplicationSerializable {}

  record IsrChanged(long epoch, List<String> isr) implements IsrReply {}

  record IsrRefused(long epoch, String reason) implements IsrReply {}
}
