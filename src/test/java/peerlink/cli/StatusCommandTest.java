package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.testing.FreePorts;
import peerlink.testing.InProcessNode;
import picocli.CommandLine;

/** What an operator sees from {@code bin/peerlink status} when router nodes are gone, and when one is there. */
class StatusCommandTest {
  @TempDir Path data;

  @Test
  void everyNodeGoneIsSaidNodeByNode() {
    int first = FreePorts.next();
    int second = FreePorts.next();
    Run run = status("--ops", "127.0.0.1:" + first + ",127.0.0.1:" + second);

    assertEquals(1, run.exitCode);
    assertEquals("peerlink status: no router node answered: 127.0.0.1:" + first + ": connection refused (no router node's operations port "
        + "listens there); 127.0.0.1:" + second + ": connection refused (no router node's operations port listens there)", run.err.strip());
  }

  @Test
  void aServerIsAskedOnItsOperationsPortWhichIsItsPortPlus2000() {
    int port = FreePorts.next();
    Run run = status("--server", "127.0.0.1:" + port);

    assertEquals(1, run.exitCode);
    assertTrue(run.err.contains("127.0.0.1:" + (port + 2000) + " (operations port of 127.0.0.1:" + port + ")"), run.err);
  }

  @Test
  void theNextNodeIsAskedWhenTheFirstIsGone() {
    int gone = FreePorts.next();
    try (InProcessNode node = InProcessNode.start(data)) {
      Run run = status("--ops", "127.0.0.1:" + gone + ",127.0.0.1:" + node.opsPort());

      assertEquals(0, run.exitCode, run.err);
      assertTrue(run.out.startsWith("asked 127.0.0.1:" + node.opsPort() + " ("), run.out);
      assertTrue(run.out.contains("clients connected, store at epoch"), run.out);
    }
  }

  @Test
  void aServerWhosePortPlus2000IsPastTheLastPortNeedsOps() {
    Run run = status("--server", "localhost:64000");

    assertEquals(2, run.exitCode);
    assertEquals("peerlink status: --server: localhost:64000 has no default operations port (64000 + 2000 is past 65535): give its operations "
        + "port with --ops host:port", run.err.strip());
  }

  @Test
  void aServerThatIsNotHostAndPortIsRefusedBeforeAnythingIsAsked() {
    Run run = status("--server", "localhost:8008,nonsense");

    assertEquals(2, run.exitCode);
    assertEquals("peerlink status: --server: 'nonsense' is not a router node's address (no port), e.g. localhost:8008 or wss://localhost:8008", run.err.strip());
  }

  private static Run status(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StatusCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private record Run(int exitCode, String out, String err) {}
}
