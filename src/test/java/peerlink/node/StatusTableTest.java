package peerlink.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import peerlink.replication.RmStatus;
import peerlink.storage.StorePosition;

/** What {@code bin/peerlink status} (and the rm's console) prints about a node whose disk runs low. */
class StatusTableTest {
  private static final String P1 = "pekko://peerlink@127.0.0.1:9008";
  private static final String P2 = "pekko://peerlink@127.0.0.1:9009";

  @Test
  void aNodeWhoseDiskIsLowIsNamedWithTheReasonAndWhatItDoesAboutIt() {
    String table = StatusTable.render(status(
        store(P1, "its disk is nearly full: only 15 MB free on the disk of /data/store, below the minimum of 268 MB (peerlink.storage.min-free-space)"),
        store(P2, "its disk is nearly full: only 3 MB free on the disk of /data2/store, below the minimum of 268 MB (peerlink.storage.min-free-space)")));

    List<String> lines = table.lines().filter(line -> line.startsWith("DISK LOW")).toList();
    assertEquals(List.of(
        "DISK LOW on " + P1 + ": its disk is nearly full: only 15 MB free on the disk of /data/store, below the minimum of 268 MB "
            + "(peerlink.storage.min-free-space); as primary it refuses new messages, registrations and group changes (STORAGE_FULL) until space is freed",
        "DISK LOW on " + P2 + ": its disk is nearly full: only 3 MB free on the disk of /data2/store, below the minimum of 268 MB "
            + "(peerlink.storage.min-free-space); as a backup it takes no writes and is not in sync until space is freed"),
        lines);
  }

  @Test
  void disksWithTheirFreeSpaceAreNotMentioned() {
    assertFalse(StatusTable.render(status(store(P1, null), store(P2, null))).contains("DISK"));
  }

  private static RmStatus status(RmStatus.Store... stores) {
    return new RmStatus(3, P1, List.of(P1), List.of(), null, List.of(), List.of("a"), "L", new StorePosition(3, 10), List.of(stores), "a");
  }

  private static RmStatus.Store store(String node, String diskProblem) {
    return new RmStatus.Store(node, node.endsWith("9008") ? "a" : "b", "L", new StorePosition(3, 10), new StorePosition(3, 10), 0, diskProblem);
  }
}
