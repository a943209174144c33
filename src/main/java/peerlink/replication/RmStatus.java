package peerlink.replication;

import java.util.List;

/** Everything the rm knows, for {@code bin/peerlink rm} and {@code bin/peerlink status}. */
public record RmStatus(
    long epoch,
    String primary,
    List<String> isr,
    List<Member> members,
    ReplicationReport lastReport,
    List<HistoryEntry> history)
    implements ReplicationSerializable {

  public record Member(String address, String status, List<String> roles, boolean reachable) {}

  /** A failure detected or a promotion, with its epoch-millisecond time. */
  public record HistoryEntry(long at, String kind, String text) {}
}
