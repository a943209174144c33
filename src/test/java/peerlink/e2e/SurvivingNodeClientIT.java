package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3, "what a user can do" 2: a client connected to a node that survives keeps working through a
 * failover without reconnecting. Its only server is the backup; the primary is SIGKILLed while it sends and
 * receives; it must never see its connection drop, and everything it sent and was sent must arrive.
 */
class SurvivingNodeClientIT {
  @TempDir Path temp;

  @Test
  void aClientOfTheSurvivingNodeSendsAndReceivesThroughTheFailoverWithoutEverReconnecting() throws Exception {
    Scenario.repeat("SurvivingNodeClientIT", temp, s -> {
      Cluster3 cluster = s.cluster.start();
      long epochBefore = cluster.awaitPrimary(cluster.p1, 1, Cluster3.START);
      Peer stayer = s.peer("stayer", List.of(cluster.p2.server()));
      s.peer("peer1", List.of(cluster.p1.server(), cluster.p2.server()));
      s.peer("peer2", List.of(cluster.p1.server(), cluster.p2.server()));
      s.peer("peer3", List.of(cluster.p2.server(), cluster.p1.server()));
      s.registerAll();
      s.startLoad(s.peers, 20);

      Await.keepRunningFor(s.between(2_000, 6_000));
      long kill = System.nanoTime();
      cluster.p1.kill();
      long firstNewSent = s.awaitFirstSentAfter(kill, Cluster3.FAILOVER, "the kill of the primary");
      System.out.printf("kill -> first new SENT: %.2f s%n", Await.seconds(firstNewSent));
      assertEquals(epochBefore + 1, cluster.awaitPrimary(cluster.p2, epochBefore + 1, Cluster3.FAILOVER));
      Await.keepRunningFor(Duration.ofSeconds(5));
      s.drainAndVerify();

      assertEquals(0, stayer.disconnects.get(), "the client of the surviving node must never lose its connection: " + stayer.events());
      assertEquals(1, stayer.connects.get(), "the client of the surviving node must connect once: " + stayer.events());
      List<Ledger.Send> stayerSends = s.ledger.sends().stream().filter(x -> x.sender.equals(stayer.id)).toList();
      long sentAfterKill = stayerSends.stream().filter(x -> x.submittedAt > kill && x.sent()).count();
      long receivedAfterKill = s.ledger.receivedBy(stayer.id).stream().filter(r -> r.at() > kill).count();
      assertTrue(sentAfterKill > 0, "the stayer's sends after the kill should be SENT");
      assertTrue(receivedAfterKill > 0, "the stayer should receive messages after the kill");
      for (Ledger.Send send : stayerSends) {
        assertTrue(send.sent() && s.ledger.notesOf(send.msgId()).size() == 1, "every send of the stayer is SENT and DELIVERED once: " + send);
      }
      System.out.printf("stayer: %d sends (%d after the kill), %d received after the kill, connects=%d disconnects=%d%n",
          stayerSends.size(), sentAfterKill, receivedAfterKill, stayer.connects.get(), stayer.disconnects.get());
    });
  }
}
