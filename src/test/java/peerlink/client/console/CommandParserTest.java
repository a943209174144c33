package peerlink.client.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;

/** The console's command lines for private groups, owners and blocks, parsed without a router. */
class CommandParserTest {

  @Test
  void createGroupTakesPrivateOrPublicAsAnOptionalSecondWordInAnyCase() {
    assertEquals(new ConsoleCommand.CreateGroup("team", false), CommandParser.parse("CREATE_GROUP team"));
    assertEquals(new ConsoleCommand.CreateGroup("team", true), CommandParser.parse("create_group team Private"));
    assertEquals(new ConsoleCommand.CreateGroup("team", false), CommandParser.parse("CREATE_GROUP team public"));
    ProtocolException other = assertThrows(ProtocolException.class, () -> CommandParser.parse("CREATE_GROUP team secret"));
    assertEquals(ErrorCode.MISSING_ARGUMENT, other.code());
    assertTrue(other.getMessage().contains("private or public"), other.getMessage());
  }

  @Test
  void anOwnersCommandsTakeAGroupAndAPeer() {
    assertEquals(new ConsoleCommand.Moderate(ConsoleCommand.Action.INVITE, "team", "bob"), CommandParser.parse("INVITE team bob"));
    assertEquals(new ConsoleCommand.Moderate(ConsoleCommand.Action.REMOVE, "team", "bob"), CommandParser.parse("remove team bob"));
    assertEquals(new ConsoleCommand.Moderate(ConsoleCommand.Action.BAN, "team", "bob"), CommandParser.parse("Ban  team   bob"));
    assertEquals(new ConsoleCommand.Moderate(ConsoleCommand.Action.UNBAN, "team", "bob"), CommandParser.parse("UNBAN team bob"));
    assertEquals(new ConsoleCommand.Moderate(ConsoleCommand.Action.GIVE_GROUP, "team", "bob"), CommandParser.parse("GIVE_GROUP team bob"));
    assertEquals(new ConsoleCommand.DeleteGroup("team"), CommandParser.parse("DELETE_GROUP team"));
    for (String line : List.of("INVITE", "INVITE team", "BAN team bob carol", "DELETE_GROUP")) {
      assertEquals(ErrorCode.MISSING_ARGUMENT, assertThrows(ProtocolException.class, () -> CommandParser.parse(line)).code(), line);
    }
  }

  @Test
  void blockAndUnblockTakeOnePeer() {
    assertEquals(new ConsoleCommand.Block("mallory"), CommandParser.parse("BLOCK mallory"));
    assertEquals(new ConsoleCommand.Unblock("mallory"), CommandParser.parse("unblock mallory"));
    assertEquals(ErrorCode.MISSING_ARGUMENT, assertThrows(ProtocolException.class, () -> CommandParser.parse("BLOCK")).code());
  }

  @Test
  void helpListsEveryNewCommand() {
    for (String word : List.of("CREATE_GROUP <name> [private]", "INVITE", "REMOVE", "BAN", "UNBAN", "GIVE_GROUP", "DELETE_GROUP", "BLOCK", "UNBLOCK")) {
      assertTrue(CommandParser.HELP.contains(word), word);
    }
  }
}
