package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, part 1: a peer that was away while more than 10 MiB queued for it logs in through the backup
 * node, whose session reaches the router (on the primary) only through cluster messages. It must be let in
 * and get every queued message once, in order, with each DELIVERED back at the sender. Before backlogs
 * travelled in pages, the login's answer carried the whole backlog in one cluster message, which the remote
 * transport dropped as too large, again at every retry: the login was never answered.
 */
class BacklogThroughBackupIT {
  private static final long BACKLOG_BYTES = 10L * 1024 * 1024 + 512 * 1024;

  @TempDir Path temp;

  @Test
  void aPeerWithATenMegabyteBacklogLogsInThroughTheBackupAndGetsEveryMessageOnceInOrder() throws Exception {
    Scenario.repeat("BacklogThroughBackupIT", temp, 1, s -> {
      Cluster3 cluster = s.cluster.start();
      Peer sender = s.peer("sender", List.of(cluster.p1.server(), cluster.p2.server()));
      Peer away = s.peer("away", List.of(cluster.p2.server()));
      s.registerAll();
      away.close(Duration.ofSeconds(30));
      s.queueBacklog(sender, away, BACKLOG_BYTES);

      long login = System.nanoTime();
      away.start(s.runtime);
      s.drainAndVerify();
      System.out.printf("login through the backup -> %.1f MiB backlog received and DELIVERED: %.1f s%n",
          BACKLOG_BYTES / (double) (1 << 20), Await.seconds(System.nanoTime() - login));
      assertEquals(cluster.p2.server(), away.connectedTo(), "the peer came in through the backup: " + away.events());
      assertEquals(cluster.p1.address(), cluster.rmView().path("primary").asText(), "the router stayed on the primary");
    });
  }
}
