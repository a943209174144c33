package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A console started with a mistyped address says so and stops, instead of waiting for nothing. */
class ClientCommandTest {
  @Test
  void aServerThatIsNotHostAndPortStopsTheConsoleWithTheReason() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ClientCommand());
    cli.setErr(new PrintWriter(err, true));

    int exitCode = cli.execute("--id", "alice", "--server", "localhost:8008,localhost");

    assertEquals(2, exitCode);
    assertEquals("peerlink client: --server: 'localhost' is not a router node's address (no port), e.g. localhost:8008 or wss://localhost:8008",
        err.toString().strip());
  }

  @Test
  void aPlainTextAddressNeedsAllowPlain() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ClientCommand());
    cli.setErr(new PrintWriter(err, true));

    int exitCode = cli.execute("--id", "alice", "--server", "ws://localhost:8008");

    assertEquals(2, exitCode);
    assertTrue(err.toString().startsWith("peerlink client: --server: 'ws://localhost:8008' is plain text"), err.toString());
    assertTrue(err.toString().contains("--allow-plain"), err.toString());
  }

  @Test
  void aCaFileThatCannotBeReadStopsTheConsoleWithItsName() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ClientCommand());
    cli.setErr(new PrintWriter(err, true));

    int exitCode = cli.execute("--id", "alice", "--server", "localhost:8008", "--ca", "/nonexistent/ca.crt");

    assertEquals(2, exitCode);
    assertTrue(err.toString().startsWith("peerlink client: --ca: cannot read the CA file /nonexistent/ca.crt"), err.toString());
  }
}
