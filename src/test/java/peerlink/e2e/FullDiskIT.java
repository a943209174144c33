package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.client.PeerLinkException;
import peerlink.protocol.ErrorCode;

/**
 * Issue 24, part 2: a full disk is an error, not a crash. Both router nodes keep their data on small file
 * systems of their own (tmpfs, mounted by the test as root) with 32 MiB to be kept free; the test fills them
 * as a growing disk would, and frees them again:
 *
 * <ul>
 *   <li>the backup's disk runs low: it stops taking writes and leaves the in-sync set, saying why, and the
 *       primary goes on alone (sends are SENT and delivered);
 *   <li>the primary's disk runs low: a send is refused with STORAGE_FULL and a sentence, /ready and
 *       {@code status} say why, and a peer that was away still logs in, gets what waited and acknowledges it
 *       (its sender sees DELIVERED);
 *   <li>space comes back: sends are taken again, and the backup takes a full copy and is in sync again,
 *       with no step by anyone.
 * </ul>
 *
 * <p>At the end every message acknowledged as SENT was delivered once, in order.
 */
class FullDiskIT {
  private static final long MIB = 1024 * 1024;
  private static final Duration SPACE = Duration.ofSeconds(60);

  @TempDir Path temp;

  @Test
  void aDiskThatRunsFullRefusesNewMessagesAndEverythingResumesWhenSpaceReturns() throws Exception {
    Scenario.repeat("FullDiskIT", temp, 1, s -> {
      Cluster3 cluster = s.cluster;
      try (SmallDisk primaryDisk = SmallDisk.mount(cluster.p1.dataDir(), 128);
           SmallDisk backupDisk = SmallDisk.mount(cluster.p2.dataDir(), 128)) {
        for (NodeProcess router : List.of(cluster.p1, cluster.p2)) {
          router.javaOptions("-Dpeerlink.storage.min-free-space=32MiB");
        }
        cluster.start();
        Peer alice = s.peer("alice", cluster.servers());
        Peer bob = s.peer("bob", List.of(cluster.p2.server(), cluster.p1.server()));
        s.registerAll();
        sendAndAwaitSent(s, alice, "bob", 5);

        // The backup's disk runs low: it leaves the in-sync set at the next write, and the primary goes on.
        backupDisk.fillLeaving(16 * MIB);
        Await.until(SPACE, () -> spaceLow(cluster.p2), () -> "p2's /status to report its disk low: " + cluster.p2.status());
        sendAndAwaitSent(s, alice, "bob", 5);
        cluster.awaitOutOfSync(cluster.p2, SPACE);
        Await.until(SPACE, () -> rmHistorySays(cluster, "cannot write") && rmHistorySays(cluster, "nearly full"),
            () -> "the rm's history to say why p2 left the in-sync set: " + cluster.rmView());
        sendAndAwaitSent(s, alice, "bob", 5);

        // Messages wait for bob, then the primary's disk runs low too.
        bob.close(Duration.ofSeconds(30));
        sendAndAwaitSent(s, alice, "bob", 3);
        primaryDisk.fillLeaving(16 * MIB);
        // The node looks at its free space at most every 200 ms: a send right after the fill may still go through.
        Await.until(SPACE, () -> spaceLow(cluster.p1), () -> "p1's /status to report its disk low: " + cluster.p1.status());

        PeerLinkException refused = refusal(alice);
        assertEquals(ErrorCode.STORAGE_FULL, refused.code(), refused.getMessage());
        assertTrue(refused.getMessage().contains("nearly full") && refused.getMessage().contains("Try again later"), refused.getMessage());
        String ready = cluster.p1.ready();
        assertTrue(ready != null && ready.startsWith("503") && ready.contains("nearly full"), "p1 /ready: " + ready);
        Await.until(SPACE, () -> diskProblemOf(cluster, cluster.p1).contains("nearly full"),
            () -> "the rm to show p1's disk problem: " + cluster.rmView());

        // What was accepted still reaches bob, and his acknowledgements are stored: alice sees DELIVERED.
        bob.start(s.runtime);
        Await.until(SPACE, s.ledger::settled, s.ledger::progress);

        // Space comes back: sends are taken again, and the backup copies the primary and is in sync again.
        primaryDisk.free();
        Await.until(SPACE, () -> accepted(alice), () -> "a send to be accepted again after the primary's disk was freed");
        backupDisk.free();
        cluster.awaitInSync(cluster.p2, Duration.ofSeconds(90));
        sendAndAwaitSent(s, alice, "bob", 5);
        Await.until(SPACE, () -> diskProblemOf(cluster, cluster.p1).isEmpty(), () -> "the rm to show p1's disk as fine again: " + cluster.rmView());
        String readyAgain = cluster.p1.ready();
        assertTrue(readyAgain != null && readyAgain.startsWith("200"), "p1 /ready after the disk was freed: " + readyAgain);
        s.drainAndVerify();
        assertTrue(cluster.p1.alive() && cluster.p2.alive(), "no node died of its full disk");
      }
    });
  }

  private static void sendAndAwaitSent(Scenario s, Peer from, String to, int count) {
    List<Ledger.Send> sends = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(from.send(to));
    }
    Await.until(SPACE, () -> sends.stream().allMatch(Ledger.Send::done), () -> "sends to be answered: " + s.ledger.progress());
    for (Ledger.Send send : sends) {
      assertTrue(send.sent(), "a send to " + to + " was refused: " + send.failure);
    }
  }

  /** A send outside the ledger that the router must refuse; its failure. */
  private static PeerLinkException refusal(Peer alice) throws Exception {
    try {
      alice.client().send("bob", "refused?").toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PeerLinkException refused) {
        return refused;
      }
      throw e;
    }
    throw new AssertionError("a send on a primary below its free-space minimum was accepted");
  }

  /** Whether a probe send (outside the ledger) is accepted now. */
  private static boolean accepted(Peer alice) {
    try {
      alice.sendForeign("bob", "space again?").toCompletableFuture().get(30, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean spaceLow(NodeProcess node) {
    JsonNode status = node.status();
    return status != null && status.path("store").path("spaceLow").asBoolean();
  }

  /** What the rm's view says is wrong with {@code node}'s disk ("" when nothing, or when it has no report of it). */
  private static String diskProblemOf(Cluster3 cluster, NodeProcess node) {
    JsonNode view = cluster.rmView();
    if (view != null) {
      for (JsonNode store : view.path("stores")) {
        if (store.path("node").asText().equals(node.address())) {
          return store.path("diskProblem").asText("");
        }
      }
    }
    return "";
  }

  private static boolean rmHistorySays(Cluster3 cluster, String text) {
    JsonNode view = cluster.rmView();
    if (view == null) {
      return false;
    }
    for (JsonNode entry : view.path("history")) {
      if (entry.path("text").asText().contains(text)) {
        return true;
      }
    }
    return false;
  }
}
