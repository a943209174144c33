package peerlink.node;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import peerlink.replication.ReplicationReport;
import peerlink.replication.RmStatus;
import peerlink.storage.StoreHistory;

/** Renders what the rm knows as the text table shown by {@code bin/peerlink rm} and {@code bin/peerlink status}. */
public final class StatusTable {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private StatusTable() {}

  public static String render(RmStatus status) {
    StringBuilder out = new StringBuilder();
    out.append("primary: ").append(status.primary() == null ? "(none yet)" : status.primary())
        .append("   epoch: ").append(status.epoch())
        .append("   in sync: ").append(status.isr()).append('\n');
    if (status.lineage() != null) {
      out.append("history: lineage ").append(StoreHistory.shortId(status.lineage())).append("   acknowledged up to ").append(status.acked()).append('\n');
    }
    out.append(String.format("%-36s %-8s %-8s %-10s %-34s %s%n", "member", "roles", "status", "reachable", "store", "replication"));
    ReplicationReport report = status.lastReport();
    for (RmStatus.Member m : status.members()) {
      out.append(String.format("%-36s %-8s %-8s %-10s %-34s %s%n", m.address(), String.join(",", m.roles()), m.status(), m.reachable() ? "yes" : "NO",
          store(m.address(), status), replication(m.address(), status, report)));
    }
    if (status.stores() != null) {
      for (RmStatus.Store s : status.stores()) {
        if (s.diskProblem() != null) {
          String effect = s.node().equals(status.primary())
              ? "as primary it refuses new messages, registrations and group changes (STORAGE_FULL)"
              : "as a backup it takes no writes and is not in sync";
          out.append("DISK LOW on ").append(s.node()).append(": ").append(s.diskProblem()).append("; ").append(effect)
              .append(" until space is freed\n");
        }
      }
    }
    if (report != null) {
      out.append("writes: ").append(report.writeId()).append(" in epoch ").append(report.epoch());
      if (report.checkpointSeqNr() > 0) {
        out.append("   last checkpoint: event ").append(report.checkpointSeqNr()).append(" at ").append(TIME.format(Instant.ofEpochMilli(report.checkpointAt())));
      }
      out.append("   (reported ").append(TIME.format(Instant.ofEpochMilli(report.at()))).append(")\n");
    }
    return out.toString();
  }

  public static String historyLine(RmStatus.HistoryEntry entry) {
    return TIME.format(Instant.ofEpochMilli(entry.at())) + "  " + entry.kind() + ": " + entry.text();
  }

  /** The store a router node last reported: short id, and its position or that it is new. */
  private static String store(String address, RmStatus status) {
    RmStatus.Store s = reported(address, status);
    if (s == null) {
      return "";
    }
    return StoreHistory.shortId(s.storeId()) + (s.lineage() == null ? " (new, empty)" : " at " + s.position().epoch() + "/" + s.position().writeId());
  }

  private static RmStatus.Store reported(String address, RmStatus status) {
    if (status.stores() == null) {
      return null;
    }
    return status.stores().stream().filter(s -> s.node().equals(address)).findFirst().orElse(null);
  }

  private static String replication(String address, RmStatus status, ReplicationReport report) {
    if (address.equals(status.primary())) {
      RmStatus.Store reported = reported(address, status);
      if (reported != null && status.primaryStore() != null && !status.primaryStore().equals(reported.storeId())) {
        return "NOT PRIMARY: the recorded primary's store " + StoreHistory.shortId(status.primaryStore()) + " is not on this node now";
      }
      return "PRIMARY";
    }
    if (report != null) {
      for (ReplicationReport.BackupProgress b : report.backups()) {
        if (b.node().equals(address)) {
          long lag = b.ackedWriteId() < 0 ? -1 : report.writeId() - b.ackedWriteId();
          return b.state() + (lag < 0 ? " (copying)" : ", " + lag + " writes behind");
        }
      }
    }
    return status.isr().contains(address) ? "in-sync" : "";
  }
}
