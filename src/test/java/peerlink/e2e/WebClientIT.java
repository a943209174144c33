package peerlink.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25: the JavaScript client library (src/main/resources/web) against real router nodes serving TLS
 * with the deployment's CA, which Node trusts through NODE_EXTRA_CA_CERTS. The scenarios are the files of
 * src/test/js, run with {@code node --test}; skipped, with the reason, on a machine without Node.
 */
class WebClientIT {
  @TempDir Path temp;

  @BeforeEach
  void needsNode() {
    NodeJs.assumeNode();
  }

  @Test
  void theLibraryRegistersSendsReceivesJoinsGroupsAndResumesAgainstOneNode() throws Exception {
    // two test files register about 25 peers from 127.0.0.1, more than the per-address default of 20
    try (ServerProcess server = new ServerProcess(temp, "node").withJavaOptions("-Dpeerlink.session.registrations.per-address=100").start()) {
      Map<String, String> env = Map.of("PEERLINK_SERVERS", server.address(), "NODE_EXTRA_CA_CERTS", Launcher.caFile().toString());
      NodeJs.test("library.test.js", env, Duration.ofMinutes(6));
      // the same library where WebCrypto has no Ed25519: keys through @noble/ed25519
      NodeJs.test("noble-identity.test.js", env, Duration.ofMinutes(2));
      // the type declarations against the modules (needs no node; the env is harmless)
      NodeJs.test("types.test.js", env, Duration.ofMinutes(2));
    }
  }

  @Test
  void theLibraryFailsOverToTheBackupWhenThePrimaryIsKilledLosingAndDoublingNothing() throws Exception {
    Cluster3 cluster = new Cluster3(temp);
    try (cluster) {
      cluster.start();
      NodeJs.test("failover.test.js", Map.of(
          "PEERLINK_SERVERS", String.join(",", cluster.servers()),
          "PEERLINK_PRIMARY_PID", Long.toString(cluster.p1.pid()),
          "NODE_EXTRA_CA_CERTS", Launcher.caFile().toString()), Duration.ofMinutes(5));
    } catch (AssertionError failed) {
      System.out.println("node logs kept in " + cluster.preserveLogs("WebClientIT"));
      throw failed;
    }
  }
}
