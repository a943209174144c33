package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A bad setting stops {@code server} and {@code rm} before they start, with the setting named: for the
 * store, instead of a node that serves while its store never opens (Pekko's plugin supervision would only
 * log it); for the gateway, instead of an actor system that fails half-started.
 */
class SettingsAtStartTest {
  @TempDir Path dir;

  @AfterEach
  void restore() {
    System.clearProperty("peerlink.storage.checkpoint-max-share");
    System.clearProperty("peerlink.storage.checkpoint-max-pause");
    System.clearProperty("peerlink.gateway.io-threads");
    System.clearProperty("peerlink.gateway.stalled-timeout");
    System.clearProperty("peerlink.limits.max-message-size");
    System.clearProperty("peerlink.ops.host");
    System.clearProperty("peerlink.session.max-requests-in-flight-per-node");
    System.clearProperty("config.file");
    ConfigFactory.invalidateCaches();
  }

  @Test
  void aServerWithAShareOfZeroDoesNotStartAndSaysWhich() {
    CliRun run = peerlink("peerlink.storage.checkpoint-max-share", "0", "server", "--data", dir.resolve("data").toString(), "--port", "1", "--cluster-port", "1");

    assertEquals(2, run.exitCode());
    assertEquals(
        "peerlink server: invalid setting: peerlink.storage.checkpoint-max-share must be more than 0 and at most 1, not 0.0\n",
        run.stderr());
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started, not even the data directory's lock");
  }

  @Test
  void anRmWithANegativePauseDoesNotStart() {
    CliRun run = peerlink("peerlink.storage.checkpoint-max-pause", "-1s", "rm", "--data", dir.resolve("rm").toString(), "--cluster-port", "1");

    assertEquals(2, run.exitCode());
    assertEquals("peerlink rm: invalid setting: peerlink.storage.checkpoint-max-pause cannot be negative: PT-1S\n", run.stderr());
  }

  @Test
  void checkConfigReportsAPauseThatIsNotADuration() {
    CliRun run = peerlink("peerlink.storage.checkpoint-max-pause", "soon", "server", "--check-config");

    assertEquals(2, run.exitCode());
    assertTrue(run.stderr().startsWith("peerlink server: invalid setting: "), run.stderr());
    assertTrue(run.stderr().contains("peerlink.storage.checkpoint-max-pause"), run.stderr());
    assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
  }

  @Test
  void aServerWithANegativeIoThreadCountDoesNotStartAndSaysWhich() {
    CliRun run = peerlink("peerlink.gateway.io-threads", "-1", "server", "--data", dir.resolve("data").toString(), "--port", "1", "--cluster-port", "1");

    assertEquals(2, run.exitCode());
    assertEquals("peerlink server: invalid setting: peerlink.gateway.io-threads must be 0 (one per core) or more, not -1\n", run.stderr());
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started, not even the data directory's lock");
  }

  @Test
  void aRequestBudgetTheClustersSendQueueCannotHoldStopsTheServerAndNamesBothSettings() {
    // Pekko drops what does not fit its send queue to a node: the requests would be lost between nodes.
    CliRun run = peerlink("peerlink.session.max-requests-in-flight-per-node", "10000", "server", "--check-config");

    assertEquals(2, run.exitCode());
    assertEquals("peerlink server: invalid setting: peerlink.session.max-requests-in-flight-per-node is 10000, but "
        + "pekko.remote.artery.advanced.outbound-message-queue-size is 16384: the requests and what else goes between the nodes "
        + "would not fit, and Pekko drops what does not. Keep the queue at least twice the requests in flight\n", run.stderr());
  }

  @Test
  void aMessageSizeTheClustersFrameCannotCarryStopsTheServerAndSaysHowLargeTheFrameMustBe() {
    // 1 MiB bodies would be dropped between nodes (Artery's frame is 256 KiB), again at every retry (issue 20).
    CliRun run = peerlink("peerlink.limits.max-message-size", "1MiB", "server", "--check-config");

    assertEquals(2, run.exitCode());
    assertEquals("peerlink server: invalid setting: pekko.remote.artery.advanced.maximum-frame-size is 262144 bytes, but with "
        + "peerlink.limits.max-message-size = 1048576 bytes a message between nodes may take 1069248 bytes: raise the frame to at "
        + "least that, or lower the message size\n", run.stderr());
  }

  @Test
  void checkConfigReportsAStalledTimeoutOfZero() {
    CliRun run = peerlink("peerlink.gateway.stalled-timeout", "0s", "server", "--check-config");

    assertEquals(2, run.exitCode());
    assertEquals("peerlink server: invalid setting: peerlink.gateway.stalled-timeout must be longer than 0, not PT0S\n", run.stderr());
  }

  @Test
  void aServerWhoseOperationsPortIsOpenBeyondThisMachineWithoutATokenDoesNotStartAndSaysWhatToDo() {
    CliRun run;
    try {
      run = peerlink("peerlink.ops.host", "0.0.0.0", "server", "--data", dir.resolve("data").toString(), "--port", "1", "--cluster-port", "1");
    } finally {
      System.clearProperty("peerlink.ops.host");
      ConfigFactory.invalidateCaches();
    }

    assertEquals(2, run.exitCode());
    assertEquals("peerlink server: invalid setting: peerlink.ops.host is 0.0.0.0, which is not a loopback address, and peerlink.ops.token is "
        + "empty: anyone who reaches it would read the cluster's status; set peerlink.ops.token (or PEERLINK_OPS_TOKEN), or keep "
        + "peerlink.ops.host at 127.0.0.1\n", run.stderr());
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started, not even the data directory's lock");
  }

  @Test
  void checkConfigShowsTheOperationsPortOfTheFlagOrWebSocketPortPlus2000() {
    assertTrue(checkConfig("--port", "8100").contains("opsPort=10100"));
    assertTrue(checkConfig("--port", "8100", "--ops-port", "7777").contains("opsPort=7777"));
  }

  private static String checkConfig(String... args) {
    System.setProperty("config.file", "conf/peerlink.conf");
    ConfigFactory.invalidateCaches();
    java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("server", "--check-config"));
      all.addAll(java.util.List.of(args));
      assertEquals(0, new CommandLine(new Main()).execute(all.toArray(String[]::new)));
      return stdout.toString(StandardCharsets.UTF_8);
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void checkConfigReportsAQuotaOfZeroByItsKey() {
    CliRun run;
    try {
      run = peerlink("peerlink.limits.max-inbox-messages", "0", "server", "--check-config");
    } finally {
      System.clearProperty("peerlink.limits.max-inbox-messages"); // it is checked before the settings of the other tests
      ConfigFactory.invalidateCaches();
    }

    assertEquals(2, run.exitCode());
    assertEquals("peerlink server: invalid setting: peerlink.limits.max-inbox-messages must be at least 1, not 0\n", run.stderr());
  }

  private static CliRun peerlink(String key, String value, String... args) {
    return CliRun.peerlink(key, value, args);
  }
}
