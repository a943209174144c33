package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.testing.RawSocket;

/**
 * The whole single-node story as users live it: one {@code bin/peerlink server} and three
 * {@code bin/peerlink client --json} consoles, with SIGKILL of a client and of the server in between.
 * Every assertion is on what a console prints.
 */
class SingleNodeScenarioIT {
  @TempDir Path work;

  @Test
  void everySeedCommandOfflineDeliveryStatesAndCrashRecovery() throws Exception {
    Path home = work.resolve("home");
    java.nio.file.Files.createDirectories(home);
    try (ServerProcess server = new ServerProcess(work, "router").start()) {
      List<String> servers = List.of(server.address());
      ConsoleProcess alice = ConsoleProcess.start("alice", home, servers);
      ConsoleProcess bob = ConsoleProcess.start("bob", home, servers);
      ConsoleProcess carol = ConsoleProcess.start("carol", home, servers);
      try {
        for (ConsoleProcess peer : List.of(alice, bob, carol)) {
          peer.type("REGISTER");
        }
        for (ConsoleProcess peer : List.of(alice, bob, carol)) {
          peer.awaitOk("REGISTER");
        }

        // A direct message: the recipient gets it, the sender sees SENT then DELIVERED.
        String hi = alice.send("bob", "hi bob");
        JsonNode received = bob.awaitMessage("hi bob");
        assertEquals("alice", received.get("from").asText());
        assertEquals("bob", received.get("to").asText());
        assertEquals(hi, received.get("msgId").asText());
        alice.awaitStatus(hi, "DELIVERED", "bob");

        // Groups: create, join, members, a message to every other member with per-member delivery.
        alice.type("CREATE_GROUP team");
        alice.awaitOk("CREATE_GROUP");
        bob.type("join_group team");
        bob.awaitOk("JOIN_GROUP");
        carol.type("JOIN_GROUP team");
        carol.awaitOk("JOIN_GROUP");
        alice.type("MEMBERS team");
        assertEquals("[\"alice\",\"bob\",\"carol\"]", alice.awaitOk("MEMBERS").get("members").toString());
        String toTeam = alice.send("team", "hello team");
        assertEquals("team", bob.awaitMessage("hello team").get("group").asText());
        assertEquals("team", carol.awaitMessage("hello team").get("group").asText());
        JsonNode first = alice.await("first group delivery", e -> ConsoleProcess.is(e, "msgId", toTeam) && ConsoleProcess.is(e, "state", "DELIVERED") && e.get("delivered").asInt() == 1);
        JsonNode second = alice.await("second group delivery", e -> ConsoleProcess.is(e, "msgId", toTeam) && ConsoleProcess.is(e, "state", "DELIVERED") && e.get("delivered").asInt() == 2);
        assertEquals(2, second.get("of").asInt());
        assertFalse(first.get("recipient").asText().equals(second.get("recipient").asText()));

        // Leaving: carol gets nothing sent to the group afterwards (her next message is the direct one).
        carol.type("LEAVE_GROUP team");
        carol.awaitOk("LEAVE_GROUP");
        alice.send("team", "after carol left");
        bob.awaitMessage("after carol left");
        alice.send("carol", "just for carol");
        carol.awaitMessage("just for carol");
        assertTrue(carol.all("message").stream().noneMatch(e -> ConsoleProcess.is(e, "body", "after carol left")));
        carol.type("SEND_MSG team can I still post?");
        carol.awaitError("SEND_MSG", "NOT_A_MEMBER");

        // Offline delivery, in order, to a recipient whose console was killed.
        bob.kill();
        String o1 = alice.send("bob", "offline 1");
        String o2 = alice.send("bob", "offline 2");
        String o3 = alice.send("bob", "offline 3");
        bob = ConsoleProcess.start("bob", home, servers);
        bob.awaitMessage("offline 3");
        assertEquals(List.of("offline 1", "offline 2", "offline 3"), bodiesOf(bob, "offline"));
        for (String id : List.of(o1, o2, o3)) {
          alice.awaitStatus(id, "DELIVERED", "bob");
        }

        // A sender that is away when its message is delivered hears of it when it comes back.
        bob.kill();
        String whileAway = alice.send("bob", "while you were both away");
        assertEquals(0, alice.endInput(), "end of input closes the console cleanly");
        bob = ConsoleProcess.start("bob", home, servers);
        bob.awaitMessage("while you were both away");
        alice = ConsoleProcess.start("alice", home, servers);
        alice.awaitStatus(whileAway, "DELIVERED", "bob");

        // SIGKILL of the server: registrations, groups, queued messages and states all come back.
        carol.kill();
        String queued = alice.send("carol", "queued before the crash");
        server.kill();
        server.start();
        alice.type("MEMBERS team");
        assertEquals("[\"alice\",\"bob\"]", alice.awaitOk("MEMBERS").get("members").toString());
        alice.type("STATUS " + hi);
        assertEquals("DELIVERED", alice.await("STATUS of " + hi, e -> ConsoleProcess.is(e, "command", "STATUS")).get("state").asText());
        carol = ConsoleProcess.start("carol", home, servers);
        carol.awaitMessage("queued before the crash");
        alice.awaitStatus(queued, "DELIVERED", "carol");
        String afterCrash = bob.send("alice", "bob is back too");
        alice.awaitMessage("bob is back too");
        bob.awaitStatus(afterCrash, "DELIVERED", "alice");

        // Bad input gets a clear error and nothing else breaks.
        alice.type("FROBNICATE now").awaitError("FROBNICATE", "UNKNOWN_COMMAND");
        alice.type("SEND_MSG bob").awaitError("SEND_MSG", "MISSING_ARGUMENT");
        alice.type("SEND_MSG nobody hello?").awaitError("SEND_MSG", "UNKNOWN_RECIPIENT");
        alice.type("JOIN_GROUP nosuchgroup").awaitError("JOIN_GROUP", "UNKNOWN_GROUP");
        alice.type("CREATE_GROUP team").awaitError("CREATE_GROUP", "GROUP_EXISTS");
        alice.type("CREATE_GROUP bob").awaitError("CREATE_GROUP", "NAME_TAKEN");
        alice.type("CREATE_GROUP " + "x".repeat(65)).awaitError("CREATE_GROUP", "INVALID_NAME");
        alice.type("SEND_MSG bob " + "y".repeat(70_000)).awaitError("SEND_MSG", "MESSAGE_TOO_LARGE");
        try (RawSocket raw = RawSocket.connectTls(server.port(), Launcher.clientTls().caFile())) {
          raw.next(); // welcome
          raw.send("{this is not json");
          assertEquals("BAD_FRAME", raw.next().get("code").asText());
          raw.send("{\"type\":\"send\",\"id\":\"1\",\"to\":\"bob\",\"body\":\"sneaky\"}");
          assertEquals("NOT_AUTHENTICATED", raw.next().get("code").asText());
        }
        String stillFine = alice.send("bob", "still working after all that");
        bob.awaitMessage("still working after all that");
        alice.awaitStatus(stillFine, "DELIVERED", "bob");

        // Identity: another console cannot claim or use bob's ID.
        Path otherHome = work.resolve("mallory-home");
        java.nio.file.Files.createDirectories(otherHome);
        try (ConsoleProcess mallory = ConsoleProcess.start("bob", otherHome, servers)) {
          mallory.type("SEND_MSG alice pretending").awaitError("SEND_MSG", "NOT_REGISTERED");
          mallory.type("REGISTER").awaitError("REGISTER", "ID_TAKEN");
        }
        assertTrue(alice.all("message").stream().noneMatch(e -> ConsoleProcess.is(e, "body", "pretending")));
      } finally {
        alice.close();
        bob.close();
        carol.close();
      }
    }
  }

  private static List<String> bodiesOf(ConsoleProcess console, String prefix) {
    return console.all("message").stream().map(e -> e.get("body").asText()).filter(b -> b.startsWith(prefix)).toList();
  }
}
