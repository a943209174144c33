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

  /**
   * Issue 23: the bodies of queued messages wait in the store beside the journal, not in the registry. Two
   * peers are away while backlogs queue for them; the primary is SIGKILLed, the backup takes over with that
   * state (it rebuilds its registry from a checkpoint and events without bodies, and reads each body from its
   * own store), the killed node comes back as a backup, and one peer logs in through each node: every message
   * reaches both, once and in order, and is DELIVERED at its sender.
   */
  @Test
  void queuedBacklogsSurviveATakeoverAndReachPeersOnBothNodesOnceInOrder() throws Exception {
    Scenario.repeat("BacklogThroughBackupIT-takeover", temp, 1, s -> {
      Cluster3 cluster = s.cluster.start();
      Peer sender = s.peer("sender", List.of(cluster.p1.server(), cluster.p2.server()));
      Peer awayOnP1 = s.peer("away1", List.of(cluster.p1.server()));
      Peer awayOnP2 = s.peer("away2", List.of(cluster.p2.server()));
      s.registerAll();
      awayOnP1.close(Duration.ofSeconds(30));
      awayOnP2.close(Duration.ofSeconds(30));
      s.queueBacklog(sender, awayOnP1, TAKEOVER_BACKLOG_BYTES);
      s.queueBacklog(sender, awayOnP2, TAKEOVER_BACKLOG_BYTES);

      long epochBefore = cluster.awaitPrimary(cluster.p1, 1, Cluster3.START);
      cluster.p1.kill();
      cluster.awaitPrimary(cluster.p2, epochBefore + 1, Cluster3.FAILOVER);
      cluster.p1.launch();
      Cluster3.expectRejoin(cluster.p1);
      cluster.awaitInSync(cluster.p1, Cluster3.START);

      awayOnP1.start(s.runtime);
      awayOnP2.start(s.runtime);
      s.drainAndVerify();
      assertEquals(cluster.p1.server(), awayOnP1.connectedTo(), "away1 came in through the new backup: " + awayOnP1.events());
      assertEquals(cluster.p2.server(), awayOnP2.connectedTo(), "away2 came in through the new primary: " + awayOnP2.events());
    });
  }

  /**
   * Four clients on the backup each pipeline 6,000 sends without waiting for answers, to two peers also on
   * the backup: every request crosses to the primary. Pekko's remote transport drops what does not fit its
   * send queue to a node (3,072 messages by default), and nobody answered a dropped request until the request
   * timeout (UNAVAILABLE after 30 s; tried by hand, one client's 10,001 sends lost 1,533 this way). Here the
   * nodes wait 10 minutes before UNAVAILABLE, so a dropped request would stay unanswered past the drain: every
   * send must be SENT, received once and in order, and DELIVERED.
   */
  @Test
  void clientsPipeliningThousandsOfSendsThroughTheBackupHaveEveryOneAnswered() throws Exception {
    Scenario.repeat("BacklogThroughBackupIT-pipelining", temp, 1, s -> {
      s.cluster.p1.javaOptions("-Dpeerlink.session.request-timeout=10m");
      s.cluster.p2.javaOptions("-Dpeerlink.session.request-timeout=10m");
      Cluster3 cluster = s.cluster.start();
      List<String> backup = List.of(cluster.p2.server());
      List<Peer> senders = List.of(s.peer("s1", backup), s.peer("s2", backup), s.peer("s3", backup), s.peer("s4", backup));
      List<Peer> recipients = List.of(s.peer("r1", backup), s.peer("r2", backup));
      s.registerAll();

      long t0 = System.nanoTime();
      for (int i = 0; i < PIPELINED_PER_CLIENT; i++) {
        for (Peer sender : senders) {
          sender.send(recipients.get(i % 2).id);
        }
      }
      s.drainAndVerify();
      System.out.printf("%d sends pipelined through the backup: all SENT, received and DELIVERED in %.1f s%n",
          senders.size() * PIPELINED_PER_CLIENT, Await.seconds(System.nanoTime() - t0));
      assertEquals(cluster.p1.address(), cluster.rmView().path("primary").asText(), "the router stayed on the primary");
    });
  }

  private static final int PIPELINED_PER_CLIENT = 6_000;

  /** 100 messages of 60 KB per peer: more than one checkpoint's worth of events in the ITs' settings. */
  private static final long TAKEOVER_BACKLOG_BYTES = 100L * Scenario.BACKLOG_PADDING;
}
