package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21 (DESIGN.md §4 invariant 8, "only our own nodes"): a TLS deployment under load, and two processes
 * that are not part of it try to join it through its cluster ports: one with no certificate at all (plain
 * TCP), one with a certificate of its own CA. Neither becomes a member or gets a message through, and the
 * deployment keeps serving and loses nothing. The attacks of the issue (asking a replica for a copy,
 * Execute or Resume as another peer, a copy at a higher epoch) all need a cluster connection first.
 */
class OutsidersIT {
  /** How long each outsider keeps trying: Pekko retries a join every few seconds. */
  private static final Duration TRYING = Duration.ofSeconds(15);

  @TempDir Path temp;

  @Test
  void processesWithoutTheDeploymentsCertificateNeitherJoinNorStopItServing() throws Exception {
    Scenario.repeat("OutsidersIT", temp, 1, s -> { // one run: what it checks (nobody without the CA gets in) does not depend on timing
      Cluster3 cluster = s.cluster.start();
      cluster.awaitPrimary(cluster.p1, 1, Cluster3.START);
      assertTrue(cluster.p1.logContains("transport [Artery tls-tcp]"), "the deployment runs its cluster links over TLS\n" + cluster.p1.tail(30));
      s.peersOnBothNodes(4);
      s.registerAll();
      s.startLoad(s.peers, 20);

      Path work = temp.resolve("outsiders-" + System.nanoTime());
      Files.createDirectories(work);
      List<String> seeds = List.of(cluster.p1.seed(), cluster.p2.seed(), cluster.rm.seed());
      try (NodeProcess plain = NodeProcess.router(work, "no-certificate", true);
          NodeProcess foreign = NodeProcess.router(work, "other-ca", true)) {
        plain.seeds(seeds);
        plain.javaOptions("-Dpeerlink.tls.enabled=off");
        foreign.seeds(seeds);
        // A directory of its own: the node makes a CA of its own there and a certificate that CA signs.
        foreign.javaOptions("-Dpeerlink.tls.dir=" + work.resolve("other-tls"));
        plain.launch();
        foreign.launch();
        plain.awaitHttp(Cluster3.START);
        foreign.awaitHttp(Cluster3.START);
        assertTrue(foreign.logContains("Cluster TLS: created a new deployment CA"), foreign.tail(30));

        long until = System.nanoTime() + TRYING.toNanos();
        while (System.nanoTime() < until) {
          assertNoMember(cluster, plain);
          assertNoMember(cluster, foreign);
          Await.keepRunningFor(Duration.ofMillis(500));
        }
        for (NodeProcess outsider : List.of(plain, foreign)) {
          assertFalse(outsider.logContains("Welcome from"), outsider + " was let into the cluster:\n" + outsider.tail(40));
          assertFalse(outsider.logContains("is JOINING"), outsider + " joined something:\n" + outsider.tail(40));
        }
        System.out.println("outsiders kept out for " + TRYING.toSeconds() + " s; the other CA's node logged: "
            + (foreign.logContains("SSLHandshakeException") || foreign.logContains("PKIX") ? "a TLS handshake failure" : "no handshake line"));
      }

      // The deployment kept serving throughout: every send acknowledged and delivered, nothing lost.
      Await.keepRunningFor(Duration.ofSeconds(2));
      s.drainAndVerify();
      JsonNode view = cluster.rmView();
      assertTrue(view.path("members").size() == 3, "only the deployment's three nodes are members: " + view.path("members"));
    });
  }

  private static void assertNoMember(Cluster3 cluster, NodeProcess outsider) {
    JsonNode view = cluster.rmView();
    if (view == null) {
      return;
    }
    for (JsonNode member : view.path("members")) {
      assertFalse(member.path("address").asText().equals(outsider.address()), outsider + " became a member: " + view.path("members"));
    }
  }
}
