package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a router node that lost its store must never become primary over the data that lives on in
 * another store. Each test builds a deployment with the README's commands (primary, backup, rm, as real
 * {@code bin/peerlink} processes), queues messages for an offline peer, stops everything with SIGTERM,
 * loses a store, starts the processes again and checks through the real protocol that every message
 * acknowledged as SENT is delivered once, in order.
 */
class LostStoreIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path temp;

  /** alice (on p1) and bob (on p2) online; carol offline with messages queued for her. Returns carol. */
  private static Peer deploymentWithQueuedMessages(Scenario s) throws Exception {
    Cluster3 cluster = s.cluster.start();
    Peer alice = s.peer("alice", List.of(cluster.p1.server(), cluster.p2.server()));
    Peer bob = s.peer("bob", List.of(cluster.p2.server(), cluster.p1.server()));
    Peer carol = s.peer("carol", List.of(cluster.p1.server(), cluster.p2.server()));
    s.registerAll();
    carol.close(WAIT);
    sendSome(s, alice, bob, 20);
    return carol;
  }

  /** {@code count} sends, most to the offline carol, some between alice and bob; waits until each is answered. */
  private static void sendSome(Scenario s, Peer alice, Peer bob, int count) {
    for (int i = 0; i < count; i++) {
      Peer from = s.random.nextBoolean() ? alice : bob;
      from.send(s.random.nextInt(4) == 0 ? (from == alice ? "bob" : "alice") : "carol");
    }
    Await.until(WAIT, () -> s.ledger.unanswered() == 0, s.ledger::progress);
  }

  /**
   * SIGTERM to the rm, then the backup, then the primary. The rm goes first so that its record keeps both
   * stores in sync: a router that leaves while the rm runs is taken out of the in-sync set, and then only
   * the other store may lead (as it should, but these tests want a lost store that the other one refills).
   */
  private static void stopAll(Cluster3 cluster) throws Exception {
    cluster.rm.stop();
    cluster.p2.stop();
    cluster.p1.stop();
  }

  private static long epoch(Cluster3 cluster) {
    return cluster.rmView().path("epoch").asLong();
  }

  /** Waits until some router node is primary at an epoch of at least {@code minEpoch} and the other one is in sync. */
  private static NodeProcess awaitServing(Cluster3 cluster, long minEpoch) {
    NodeProcess primary = cluster.awaitAnyPrimary(minEpoch, Cluster3.START);
    cluster.awaitInSync(primary == cluster.p1 ? cluster.p2 : cluster.p1, Cluster3.START);
    return primary;
  }

  /** Whether the rm's history has an entry about {@code node} that contains {@code text}. */
  private static boolean rmSaid(Cluster3 cluster, NodeProcess node, String text) {
    JsonNode view = cluster.rmView();
    if (view == null) {
      return false;
    }
    for (JsonNode entry : view.path("history")) {
      if (entry.path("text").asText().contains(node.address()) && entry.path("text").asText().contains(text)) {
        return true;
      }
    }
    return false;
  }

  private static Peer peer(Scenario s, String id) {
    return s.peers.stream().filter(p -> p.id.equals(id)).findFirst().orElseThrow();
  }

  /** The issue's own steps: stop all three, lose the primary's store, start the rm, then the primary, then the backup. */
  @Test
  void aPrimaryWhoseStoreWasLostWaitsForTheBackupAndCopiesItInsteadOfErasingIt() throws Exception {
    Scenario.repeat("LostStoreIT-wipedPrimary", temp, 1, s -> {
      Peer carol = deploymentWithQueuedMessages(s);
      Cluster3 cluster = s.cluster;
      long before = epoch(cluster);
      stopAll(cluster);
      cluster.p1.wipeData();

      cluster.rm.launch();
      cluster.p1.launch();
      cluster.p1.awaitHttp(Cluster3.START);
      Await.until(WAIT, () -> rmSaid(cluster, cluster.p1, "its store is new (empty)"),
          () -> "the rm to refuse p1's new store and say why; rm view " + cluster.rmView() + "\n" + cluster.logTails(20));
      assertEquals(before, epoch(cluster), "nothing is promoted while the only copy of the data is away");
      assertTrue(cluster.p1.logContains("Not taking over as primary"), cluster.p1.tail(30));

      cluster.p2.launch();
      NodeProcess primary = awaitServing(cluster, before + 1);
      System.out.println("after the backup returned: primary " + primary.name() + " at epoch " + epoch(cluster));

      sendSome(s, peer(s, "alice"), peer(s, "bob"), 10);
      carol.start(s.runtime);
      s.drainAndVerify();
    });
  }

  /** The wiped node is the first started, and without --backup, so it forms the cluster and hosts the router. */
  @Test
  void aBackupWhoseStoreWasLostStartedFirstDoesNotTakeOverAndCopiesThePrimary() throws Exception {
    Scenario.repeat("LostStoreIT-wipedBackupFirst", temp, 1, s -> {
      Peer carol = deploymentWithQueuedMessages(s);
      Cluster3 cluster = s.cluster;
      long before = epoch(cluster);
      stopAll(cluster);
      cluster.p2.wipeData();
      cluster.p2.backup(false);

      cluster.p2.launch();
      cluster.rm.launch();
      cluster.p2.awaitHttp(Cluster3.START);
      Await.until(WAIT, () -> rmSaid(cluster, cluster.p2, "its store is new (empty)"),
          () -> "the rm to refuse p2's new store; rm view " + cluster.rmView() + "\n" + cluster.logTails(20));
      assertEquals(before, epoch(cluster));

      cluster.p1.backup(true);
      cluster.p1.launch();
      awaitServing(cluster, before + 1);
      carol.start(s.runtime);
      s.drainAndVerify();
    });
  }

  /**
   * A store whose CURRENT file is gone is never opened as an empty one: its node stops at start with exit code 2
   * and says which file is missing; the backup takes over with everything, and the operator's documented
   * step (start it again with --reseed) brings the node back as a backup that copies the data.
   */
  @Test
  void aStoreWithoutItsCurrentFileStopsItsNodeAndTheBackupServesEverything() throws Exception {
    Scenario.repeat("LostStoreIT-missingCurrent", temp, 1, s -> {
      Peer carol = deploymentWithQueuedMessages(s);
      Cluster3 cluster = s.cluster;
      long before = epoch(cluster);
      stopAll(cluster);
      Files.delete(cluster.p1.dataDir().resolve("store/CURRENT"));

      cluster.p1.launch();
      Integer exit = cluster.p1.awaitExit(Cluster3.START);
      assertEquals(2, exit, "a damaged store stops the node at start: " + cluster.p1.tail(10));
      assertTrue(cluster.p1.latestRunLogContains("its CURRENT file is missing") && cluster.p1.latestRunLogContains("never replaced by an empty one"),
          cluster.p1.tail(10));

      cluster.p2.backup(false);
      cluster.p2.launch();
      cluster.rm.launch();
      cluster.awaitPrimary(cluster.p2, before + 1, Cluster3.START);
      sendSome(s, peer(s, "alice"), peer(s, "bob"), 10);

      // The documented step: start it again with --reseed, which moves the damaged store aside.
      cluster.p1.backup(true);
      cluster.p1.extraArguments("--reseed");
      cluster.p1.launch();
      cluster.awaitInSync(cluster.p1, Cluster3.START);
      assertTrue(cluster.p1.latestRunLogContains("--reseed moved it to " + cluster.p1.dataDir().resolve("store.damaged-")), cluster.p1.tail(20));
      try (var kept = Files.list(cluster.p1.dataDir())) {
        assertTrue(kept.anyMatch(f -> f.getFileName().toString().startsWith("store.damaged-")), "the damaged store is kept aside");
      }
      carol.start(s.runtime);
      s.drainAndVerify();
    });
  }

  /** The rm's record is lost: it trusts no store until every in-sync store has reported, then promotes the most advanced. */
  @Test
  void anRmWhoseDataWasLostLearnsTheDeploymentFromTheStores() throws Exception {
    Scenario.repeat("LostStoreIT-wipedRm", temp, 1, s -> {
      Peer carol = deploymentWithQueuedMessages(s);
      Cluster3 cluster = s.cluster;
      long before = epoch(cluster);
      stopAll(cluster);
      cluster.rm.wipeData();

      List<NodeProcess> order = new ArrayList<>(cluster.nodes());
      java.util.Collections.shuffle(order, s.random);
      System.out.println("start order " + order.stream().map(NodeProcess::name).toList());
      for (NodeProcess node : order) {
        node.launch();
      }
      NodeProcess primary = awaitServing(cluster, before + 1);
      JsonNode view = cluster.rmView();
      assertTrue(view.path("history").toString().contains("the rm had no record"), "promoted by what the stores hold: " + view.path("history"));
      System.out.println("new rm promoted " + primary.name());
      carol.start(s.runtime);
      s.drainAndVerify();
    });
  }

  /**
   * Both routers' stores are lost and the rm remembers the deployment: the rm promotes neither empty store
   * (before, it promoted one "(restarted)"); the operator's explicit rm --accept-data-loss starts anew.
   */
  @Test
  void whenEveryStoreIsLostTheRmPromotesNothingUntilTheOperatorAcceptsTheLoss() throws Exception {
    Scenario.repeat("LostStoreIT-everyStoreLost", temp, 1, s -> {
      deploymentWithQueuedMessages(s);
      Cluster3 cluster = s.cluster;
      long before = epoch(cluster);
      stopAll(cluster);
      cluster.p1.wipeData();
      cluster.p2.wipeData();
      for (NodeProcess node : cluster.nodes()) {
        node.launch();
      }
      cluster.p1.awaitHttp(Cluster3.START);
      Await.until(WAIT, () -> rmSaid(cluster, cluster.p1, "its store is new (empty)"), () -> "the rm to refuse; " + cluster.rmView());
      Await.keepRunningFor(Duration.ofSeconds(5));
      assertEquals(before, epoch(cluster), "no empty store is promoted: " + cluster.rmView());

      cluster.rm.stop();
      cluster.rm.extraArguments("--accept-data-loss");
      cluster.rm.launch();
      NodeProcess primary = awaitServing(cluster, before + 1);
      assertTrue(cluster.rmView().path("history").toString().contains("FORCED by the operator (--accept-data-loss)"), cluster.rmView().toString());
      assertTrue(cluster.rm.latestRunLogContains("Started with --accept-data-loss"), cluster.rm.tail(20));
      System.out.println("after --accept-data-loss: primary " + primary.name());
      // A new history: registering works again (the old registrations are gone, as the operator accepted).
      Peer dave = s.peer("dave", List.of(cluster.p1.server(), cluster.p2.server()));
      dave.register(Scenario.REGISTER);
    });
  }

  /**
   * Every start order of the three processes after a full stop, each time with one router's store lost (p1 and p2 in
   * turn): carol's queue must come through all six restarts whole.
   */
  @Test
  void inEveryStartOrderALostStoreIsRefilledAndNothingAcknowledgedIsLost() throws Exception {
    Scenario.repeat("LostStoreIT-everyOrder", temp, 1, s -> {
      Peer carol = deploymentWithQueuedMessages(s);
      Cluster3 cluster = s.cluster;
      List<List<NodeProcess>> orders = new ArrayList<>();
      for (NodeProcess a : cluster.nodes()) {
        for (NodeProcess b : cluster.nodes()) {
          for (NodeProcess c : cluster.nodes()) {
            if (a != b && b != c && a != c) {
              orders.add(List.of(a, b, c));
            }
          }
        }
      }
      java.util.Collections.shuffle(orders, s.random);
      for (int round = 0; round < orders.size(); round++) {
        long before = epoch(cluster);
        NodeProcess lost = round % 2 == 0 ? cluster.p1 : cluster.p2;
        stopAll(cluster);
        lost.wipeData();
        List<NodeProcess> order = orders.get(round);
        System.out.printf("round %d: %s's store lost; start order %s%n", round + 1, lost.name(), order.stream().map(NodeProcess::name).toList());
        for (NodeProcess node : order) {
          node.launch();
          Await.keepRunningFor(s.between(0, 2_000));
        }
        awaitServing(cluster, before + 1);
        sendSome(s, peer(s, "alice"), peer(s, "bob"), 5);
      }
      carol.start(s.runtime);
      s.drainAndVerify();
    });
  }
}
