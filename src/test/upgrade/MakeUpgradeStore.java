import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientRuntime;
import peerlink.client.ClientTls;
import peerlink.client.PeerDirectory;
import peerlink.client.PeerLinkClient;
import peerlink.protocol.ServerFrame;

/**
 * Fills a router node of an OLDER build with the state the upgrade test reads back with the new one
 * (src/test/upgrade/make-store.sh runs it; it is not part of the test build). It speaks only the public client
 * API, so it compiles against any build's client jar:
 *
 * <pre>java -cp 'target/peerlink-client.jar:target/client-lib/*' MakeUpgradeStore.java SERVER CA_FILE HOME EXPECTED_JSON</pre>
 *
 * <p>Four peers (keys under HOME, as the console keeps them); alice owns "team", which bob, carol and dave
 * join; carol and dave go away. Then, in three rounds, messages queued for them (direct and to the team,
 * some bodies large or not ASCII) around a run of messages alice sends bob, which he receives and
 * acknowledges (DELIVERED, kept records) in the first two. With a small checkpoint interval on the node, the
 * first rounds lie in a checkpoint and the last in the events after it. EXPECTED_JSON records what the new build must
 * show: each away peer's messages in order, and the states each sender must see.
 */
public final class MakeUpgradeStore {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    String server = args[0];
    ClientTls tls = ClientTls.trusting(Path.of(args[1]));
    Path home = Path.of(args[2]);
    Path expectedFile = Path.of(args[3]);
    ObjectNode expected = JSON.createObjectNode();
    ObjectNode queued = expected.putObject("queued");
    ArrayNode toCarol = queued.putArray("carol");
    ArrayNode toDave = queued.putArray("dave");
    ArrayNode states = expected.putArray("states");
    try (ClientRuntime runtime = new ClientRuntime()) {
      PeerLinkClient alice = start(runtime, server, tls, home, "alice");
      PeerLinkClient bob = start(runtime, server, tls, home, "bob");
      PeerLinkClient carol = start(runtime, server, tls, home, "carol");
      PeerLinkClient dave = start(runtime, server, tls, home, "dave");
      for (PeerLinkClient peer : List.of(alice, bob, carol, dave)) {
        PeerLinkClient.await(peer.register());
      }
      PeerLinkClient.await(alice.createGroup("team"));
      for (PeerLinkClient member : List.of(bob, carol, dave)) {
        PeerLinkClient.await(member.joinGroup("team"));
      }
      PeerLinkClient.await(carol.close(WAIT));
      PeerLinkClient.await(dave.close(WAIT));

      for (int round = 1; round <= 3; round++) {
        toCarol.add(queue(alice, "alice", "carol", null, "round " + round + ": a direct message for carol", states));
        toDave.add(queue(bob, "bob", "dave", null, "round " + round + ": für dave, ünïcödé and 😀", states));
        ObjectNode toTeam = queue(alice, "alice", "team", "team", "round " + round + ": a large body " + "x".repeat(20_000 * round), states);
        toCarol.add(toTeam);
        toDave.add(toTeam);
        // Rounds 1 and 2 fill the log past a checkpoint; round 3 only queues, so it stays in the events after it.
        for (int i = 0; i < (round < 3 ? 15 : 0); i++) {
          String clientId = "r" + round + "-to-bob-" + i;
          ServerFrame.Ok ok = PeerLinkClient.await(alice.send(clientId, "bob", "round " + round + " to bob " + i));
          ObjectNode state = states.addObject().put("msgId", ok.msgId()).put("from", "alice").put("clientId", clientId)
              .put("state", "DELIVERED");
          state.putArray("delivered").add("bob");
        }
        awaitStates(java.util.Map.of("alice", alice, "bob", bob), states);
      }
      PeerLinkClient.await(alice.close(WAIT));
      PeerLinkClient.await(bob.close(WAIT));
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(expectedFile.toFile(), expected);
    System.out.println("wrote " + expectedFile);
  }

  /** Sends a message that waits for an away peer; returns what that peer must receive, and adds what its sender must see. */
  private static ObjectNode queue(PeerLinkClient sender, String from, String to, String group, String body, ArrayNode states) {
    ServerFrame.Ok ok = PeerLinkClient.await(sender.send(to, body));
    ObjectNode message = JSON.createObjectNode().put("msgId", ok.msgId()).put("from", from).put("body", body);
    if (group != null) {
      message.put("group", group);
    }
    ObjectNode state = JSON.createObjectNode().put("msgId", ok.msgId()).put("from", from).put("state", "SENT");
    ArrayNode delivered = state.putArray("delivered");
    if (group != null) {
      delivered.add("bob"); // bob is online and acknowledges; carol and dave are away
    }
    states.add(state);
    return message;
  }

  /** Waits until each sender sees its messages so far as expected (bob has acknowledged what he was sent). */
  private static void awaitStates(java.util.Map<String, PeerLinkClient> senders, ArrayNode states) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (var state : states) {
      while (true) {
        PeerLinkClient sender = senders.get(state.get("from").asText());
        ServerFrame.MessageStatus status = PeerLinkClient.await(sender.status(state.get("msgId").asText()));
        boolean done = status.state().equals(state.get("state").asText()) && status.delivered().size() == state.get("delivered").size();
        if (done) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not delivered in time: " + state + " is " + status);
        }
        Thread.sleep(50);
      }
    }
  }

  /** A client that acknowledges what it receives (the library's default), its key and resume point under {@code home}. */
  private static PeerLinkClient start(ClientRuntime runtime, String server, ClientTls tls, Path home, String id) {
    PeerDirectory directory = new PeerDirectory(home, id);
    ClientOptions options = ClientOptions.of(id, List.of(server), directory.keys(), directory.resume(), tls);
    return PeerLinkClient.start(runtime, options, new ClientListener() { });
  }
}
