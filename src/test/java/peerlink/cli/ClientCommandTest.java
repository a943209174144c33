package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    assertEquals("peerlink client: --server: 'localhost' is not a router node's host:port (no port), e.g. localhost:8008", err.toString().strip());
  }
}
