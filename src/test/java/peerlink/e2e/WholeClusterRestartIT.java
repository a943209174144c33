package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.ServerFrame;

/**
 * Issue 3, "what a user can do" 6: stop everything (SIGKILL of all three nodes, in a random order) and start
 * it again on the same data: registrations, groups, queued messages and message states all come back; the
 * queued messages reach their recipients, in order, when they connect. One of them, dave, comes back to a
 * backlog of several MiB through the backup node (issue 20).
 */
class WholeClusterRestartIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long BACKLOG_BYTES = 3L * 1024 * 1024;

  @TempDir Path temp;

  @Test
  void afterAllThreeNodesAreKilledAndRestartedQueuedMessagesAreDeliveredAndStatesAreAsBefore() throws Exception {
    // Once per build (a random kill order each time; -Dpeerlink.e2e.repeat=N for more): the suite must stay well
    // within CI's 30 minutes on two cores.
    Scenario.repeat("WholeClusterRestartIT", temp, 1, s -> {
      Cluster3 cluster = s.cluster.start();
      long epochBefore = cluster.awaitPrimary(cluster.p1, 1, Cluster3.START);
      List<String> p1First = List.of(cluster.p1.server(), cluster.p2.server());
      List<String> p2First = List.of(cluster.p2.server(), cluster.p1.server());
      Peer alice = s.peer("alice", p1First);
      Peer bob = s.peer("bob", p2First);
      Peer carol = s.peer("carol", p1First);
      Peer dave = s.peer("dave", p2First);
      s.registerAll();
      get(alice.client().createGroup("team"));
      get(bob.client().joinGroup("team"));
      get(carol.client().joinGroup("team"));
      carol.close(WAIT);
      dave.close(WAIT);

      // Messages between the online peers, and queued ones for the offline peers, in a seeded mix.
      List<Peer> senders = List.of(alice, bob);
      List<Peer> everyone = List.of(alice, bob, carol, dave);
      for (int i = 0; i < 40; i++) {
        Peer from = senders.get(s.random.nextInt(2));
        Peer to = everyone.get(s.random.nextInt(4));
        from.send((to == from ? (from == alice ? bob : alice) : to).id);
      }
      List<String> groupMessages = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        groupMessages.add(get(alice.sendForeign("team", "team message " + i)).msgId());
      }
      s.queueBacklog(bob, dave, BACKLOG_BYTES);
      Await.until(WAIT, () -> s.ledger.unanswered() == 0, s.ledger::progress);
      Await.until(WAIT, () -> onlineSettled(s, carol, dave), s.ledger::progress);
      Await.until(WAIT, () -> s.ledger.notesOf(groupMessages.get(2)).size() == 1, () -> "bob's DELIVERED of the last team message");
      Map<String, String> before = states(s, alice, bob);
      List<ServerFrame.MessageStatus> groupBefore = groupStatuses(alice, groupMessages);
      for (ServerFrame.MessageStatus status : groupBefore) {
        assertEquals("SENT", status.state(), "carol has not got it yet: " + status);
        assertEquals(List.of("bob"), status.delivered(), status.toString());
      }
      assertTrue(before.containsValue("SENT") && before.containsValue("DELIVERED"), "the mix has queued and delivered messages: " + before);

      // Stop everything at once, in a random order, and start it again on the same data.
      List<NodeProcess> order = new ArrayList<>(cluster.nodes());
      Collections.shuffle(order, s.random);
      for (NodeProcess node : order) {
        node.kill();
      }
      System.out.println("killed " + order.stream().map(NodeProcess::name).toList() + "; restarting all three");
      long restart = System.nanoTime();
      for (NodeProcess node : cluster.nodes()) {
        node.launch();
      }
      cluster.p1.awaitHttp(Cluster3.START);
      cluster.p2.awaitHttp(Cluster3.START);
      long epochAfter = cluster.awaitPrimary(cluster.p1, epochBefore + 1, Cluster3.START);
      cluster.awaitInSync(cluster.p2, Cluster3.START);
      // Every write had settled before the kill, so the backup's store stood where the primary's did: it continues
      // into the new epoch, and the store is not copied (a copy of a large store costs minutes and the primary's heap).
      assertTrue(cluster.p2.logContains("into epoch " + epochAfter + " of store"), "the backup continued without a copy:\n" + cluster.p2.tail(30));
      assertFalse(cluster.p1.logContains("Sending a full copy at epoch " + epochAfter + " "), "no full copy after the restart:\n" + cluster.p1.tail(30));
      Await.until(WAIT, () -> alice.connects.get() >= 2 && bob.connects.get() >= 2 && alice.connectedTo() != null && bob.connectedTo() != null,
          () -> "alice and bob to reconnect: " + alice.events() + " " + bob.events());
      System.out.printf("whole-cluster restart -> primary at epoch %d, clients back: %.1f s%n", epochAfter, Await.seconds(System.nanoTime() - restart));

      // States are as before; the group is still there with its members.
      assertEquals(before, states(s, alice, bob), "message states after the restart");
      assertEquals(groupBefore.stream().map(ServerFrame.MessageStatus::delivered).toList(),
          groupStatuses(alice, groupMessages).stream().map(ServerFrame.MessageStatus::delivered).toList());
      assertEquals(List.of("alice", "bob", "carol"), get(bob.client().members("team")).members());

      // New sends work, and the offline peers get everything queued for them when they come back.
      for (int i = 0; i < 5; i++) {
        alice.send("bob");
        bob.send("carol");
      }
      carol.start(s.runtime);
      dave.start(s.runtime);
      s.drainAndVerify();
      assertEquals(cluster.p2.server(), dave.connectedTo(), "dave's backlog came through the backup: " + dave.events());
      List<String> teamAtCarol = s.ledger.receivedBy("carol").stream().filter(r -> r.body().startsWith(Ledger.FOREIGN_PREFIX)).map(r -> r.body()).toList();
      assertEquals(List.of("x:team message 1", "x:team message 2", "x:team message 3"), teamAtCarol, "carol gets the team's messages once, in order");
      Await.until(WAIT, () -> groupMessages.stream().allMatch(id -> s.ledger.notesOf(id).size() == 2), () -> "DELIVERED of the team messages for carol");
      for (ServerFrame.MessageStatus status : groupStatuses(alice, groupMessages)) {
        assertEquals("DELIVERED", status.state(), status.toString());
        assertEquals(List.of("bob", "carol"), status.delivered().stream().sorted().toList(), status.toString());
      }
    });
  }

  /**
   * DESIGN.md §5: "a node that is not in sync must not take over as primary with missing data: it waits".
   * The backup misses writes (it is down while the primary goes on alone), then everything stops, and the
   * stale backup is the first router started again (without --backup, so it forms the cluster and hosts the
   * router singleton). It must not become primary until the up-to-date node is back; then nothing
   * acknowledged may be missing. Runs once by default ({@code -Dpeerlink.e2e.repeat=N} for more).
   */
  @Test
  void aStaleBackupStartedFirstAfterAFullStopWaitsForTheUpToDateNodeAndLosesNothing() throws Exception {
    Scenario.repeat("WholeClusterRestartIT-staleBackupFirst", temp, 1, s -> {
      Cluster3 cluster = s.cluster.start();
      long epoch = cluster.awaitPrimary(cluster.p1, 1, Cluster3.START);
      List<String> p1First = List.of(cluster.p1.server(), cluster.p2.server());
      List<String> p2First = List.of(cluster.p2.server(), cluster.p1.server());
      Peer alice = s.peer("alice", p1First);
      Peer bob = s.peer("bob", p2First);
      Peer carol = s.peer("carol", p1First);
      s.registerAll();
      carol.close(WAIT);
      List<Peer> everyone = List.of(alice, bob, carol);
      sendMix(s, List.of(alice, bob), everyone, 10);
      Await.until(WAIT, () -> s.ledger.unanswered() == 0, s.ledger::progress);

      // The backup goes down; the primary goes on alone and acknowledges more.
      cluster.p2.kill();
      cluster.awaitOutOfSync(cluster.p2, Cluster3.FAILOVER);
      sendMix(s, List.of(alice, bob), everyone, 20);
      Await.until(WAIT, () -> s.ledger.unanswered() == 0, s.ledger::progress);
      long acknowledged = s.ledger.sentCount();

      // Everything stops; the stale backup and the rm come back first.
      cluster.p1.kill();
      cluster.rm.kill();
      cluster.p2.backup(false);
      cluster.p2.launch();
      cluster.rm.launch();
      cluster.p2.awaitHttp(Cluster3.START);
      Await.until(Cluster3.START, () -> cluster.memberUp(cluster.rm), () -> "the rm to join the stale backup; rm view " + cluster.rmView());
      long waiting = System.nanoTime();
      Await.until(WAIT, () -> cluster.p2.logContains("Not taking over as primary: not in sync"),
          () -> "the stale backup to say in its log why it does not take over\n" + cluster.p2.tail(30));
      Await.until(WAIT, () -> {
        JsonNode rmView = cluster.rmView();
        if (rmView == null) {
          return false;
        }
        for (JsonNode entry : rmView.path("history")) {
          if (entry.path("text").asText().contains(cluster.p2.address()) && entry.path("text").asText().contains("not in sync")) {
            return true;
          }
        }
        return false;
      }, () -> "/status to say why the stale backup does not take over; rm view: " + cluster.rmView());
      bob.send("alice"); // bob is on the stale node now (or reconnecting to it): this must wait
      Await.keepRunningFor(Duration.ofSeconds(5));
      JsonNode view = cluster.rmView();
      assertEquals(cluster.p1.address(), view.path("primary").asText(), "the stale backup must not become primary: " + view);
      assertEquals(epoch, view.path("epoch").asLong(), "no promotion while only the stale backup is up: " + view);
      assertEquals(0, s.ledger.sentSubmittedAfter(waiting), "nothing is acknowledged while no node with the latest data is up");
      // Its registry was refused at every recovery attempt meanwhile: said in one line, not as Pekko's ERROR with
      // two stack traces per attempt (conf/logback.xml's RegistryWaitFilter).
      assertTrue(cluster.p2.logContains("Registry cannot recover yet (not the primary: "), "the wait is logged once:\n" + cluster.p2.tail(30));
      assertFalse(cluster.p2.logContains("Caused by: java.lang.IllegalStateException: not the primary: "),
          "no stack trace for an expected wait:\n" + cluster.p2.tail(30));
      System.out.println("stale backup waits; rm view: primary " + view.path("primary").asText() + ", isr " + view.path("isr"));

      // The up-to-date node returns: the cluster recovers with everything.
      cluster.p1.launch();
      cluster.p1.awaitHttp(Cluster3.START);
      long upToDateBack = System.nanoTime();
      // Generous: the stale node retries its promotion only when Pekko's snapshot-store circuit breaker lets
      // it (see the report of issue 3's e2e tests); that can take two breaker resets of 60 s.
      Cluster3.expectRejoin(cluster.p1);
      NodeProcess primary = cluster.awaitAnyPrimary(epoch + 1, Duration.ofSeconds(200));
      System.out.printf("up-to-date node back -> %s primary at epoch %d: %.1f s%n", primary.name(), epoch + 1, Await.seconds(System.nanoTime() - upToDateBack));
      NodeProcess other = primary == cluster.p1 ? cluster.p2 : cluster.p1;
      cluster.awaitInSync(other, Cluster3.START);
      System.out.println("after the up-to-date node returned: primary " + primary.name() + "; history " + cluster.rmView().path("history"));
      carol.start(s.runtime);
      s.drainAndVerify();
      assertTrue(s.ledger.sentCount() > acknowledged);
    });
  }

  private static void sendMix(Scenario s, List<Peer> senders, List<Peer> everyone, int count) {
    for (int i = 0; i < count; i++) {
      Peer from = senders.get(s.random.nextInt(senders.size()));
      List<Peer> others = new ArrayList<>(everyone);
      others.remove(from);
      from.send(others.get(s.random.nextInt(others.size())).id);
    }
  }

  /** Every answered send to an online peer was received and reported DELIVERED. */
  private static boolean onlineSettled(Scenario s, Peer... offline) {
    List<String> away = java.util.Arrays.stream(offline).map(p -> p.id).toList();
    return s.ledger.sends().stream()
        .filter(x -> !away.contains(x.to))
        .allMatch(x -> x.sent() && s.ledger.notesOf(x.msgId()).size() == 1);
  }

  /** msgId -> state, as each sender's router status says. */
  private static Map<String, String> states(Scenario s, Peer... senders) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (Ledger.Send send : s.ledger.sends()) {
      Peer sender = java.util.Arrays.stream(senders).filter(p -> p.id.equals(send.sender)).findFirst().orElseThrow();
      out.put(send.msgId(), get(sender.client().status(send.msgId())).state());
    }
    return out;
  }

  private static List<ServerFrame.MessageStatus> groupStatuses(Peer sender, List<String> msgIds) throws Exception {
    List<ServerFrame.MessageStatus> out = new ArrayList<>();
    for (String id : msgIds) {
      out.add(get(sender.client().status(id)));
    }
    return out;
  }

  static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
