package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** An operator writing a service unit reads what each exit code of a node means in its --help. */
class ExitCodesHelpTest {
  @Test
  void serverAndRmListTheirExitCodes() {
    for (String command : new String[] {"server", "rm"}) {
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(new Main());
      cli.setOut(new PrintWriter(out));
      cli.execute(command, "--help");

      String help = out.toString();
      assertTrue(help.contains("Exit codes:"), command + ": " + help);
      assertTrue(help.contains("0   stopped"), help);
      assertTrue(help.contains("1   stopped by the cluster"), help);
      assertTrue(help.contains("2   could not start"), help);
    }
  }
}
