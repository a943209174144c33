package peerlink.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerAddressTest {
  @Test
  void hostAndPortPass() {
    for (String ok : List.of("localhost:8008", "127.0.0.1:1", "router.example:65535", "[::1]:8009", "wss://localhost:8008", "ws://localhost:8008")) {
      assertEquals(ok, ServerAddress.requireValid(ok));
    }
  }

  @Test
  void anAddressWithoutSchemeIsTlsAndOnlyWsIsPlain() {
    assertEquals(new ServerAddress(true, "localhost", 8008, "localhost:8008"), ServerAddress.parse("localhost:8008"));
    assertEquals(new ServerAddress(true, "[::1]", 8009, "[::1]:8009"), ServerAddress.parse("wss://[::1]:8009"));
    assertEquals("::1", ServerAddress.parse("[::1]:8009").bareHost());
    assertEquals(new ServerAddress(false, "127.0.0.1", 8008, "127.0.0.1:8008"), ServerAddress.parse("ws://127.0.0.1:8008"));
    assertEquals("wss://localhost:8008/ws", ServerAddress.parse("localhost:8008").uri("ws").toString());
  }

  @Test
  void anythingElseIsRefusedWithTheReason() {
    assertEquals("'nonsense' is not a router node's address (no port), e.g. localhost:8008 or wss://localhost:8008", refusal("nonsense"));
    assertEquals("'localhost:99999' is not a router node's address (the port must be from 1 to 65535), e.g. localhost:8008 or wss://localhost:8008",
        refusal("localhost:99999"));
    assertEquals("'localhost:0' is not a router node's address (the port must be from 1 to 65535), e.g. localhost:8008 or wss://localhost:8008",
        refusal("localhost:0"));
    assertEquals("'' is not a router node's address (it is empty), e.g. localhost:8008 or wss://localhost:8008", refusal(""));
    for (String bad : List.of("http://localhost:8008", "wss://localhost:8008/ws", "localhost:8008/ws", "me@localhost:8008", ":8008", "local host:8008")) {
      assertThrows(IllegalArgumentException.class, () -> ServerAddress.requireValid(bad), bad);
    }
  }

  @Test
  void clientOptionsRefuseABadAddressBeforeAnythingConnects() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.inMemory("alice", List.of("localhost:8008", "nonsense")));
    assertEquals("'nonsense' is not a router node's address (no port), e.g. localhost:8008 or wss://localhost:8008", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClientOptions.inMemory("alice", List.of()));
  }

  private static String refusal(String server) {
    return assertThrows(IllegalArgumentException.class, () -> ServerAddress.requireValid(server)).getMessage();
  }
}
