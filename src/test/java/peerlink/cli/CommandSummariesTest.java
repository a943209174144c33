package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code bin/peerlink --help} lists each command with the first line of its description, so that line
 * must be a whole sentence on its own (bench's once stopped at "... of this checkout on").
 */
class CommandSummariesTest {
  @Test
  void everyCommandSummaryIsAWholeSentence() {
    CommandLine cli = new CommandLine(new Main());
    for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
      if (command.getKey().equals("help")) {
        continue; // picocli's own
      }
      String[] description = command.getValue().getCommandSpec().usageMessage().description();
      assertTrue(description.length > 0, command.getKey() + " has no description");
      String summary = description[0].strip();
      assertTrue(summary.endsWith("."), command.getKey() + "'s summary is cut off: " + summary);
    }
  }
}
