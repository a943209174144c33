package peerlink.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import peerlink.protocol.Invitations;
import peerlink.protocol.Signatures;
import peerlink.router.RegistrationPolicy;
import peerlink.testing.InProcessNode;
import peerlink.testing.Poll;
import peerlink.testing.RawSocket;

/**
 * Replays every {@code transcript} block of docs/protocol.md against a fresh router node, so the examples in
 * the protocol document are exactly what a client sees. {@code -Dtranscript.only=TEXT} runs only the blocks
 * whose title contains TEXT.
 */
class ProtocolTranscriptTest {
  private static final Path DOC = Path.of("docs/protocol.md");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> examplesInProtocolDocument() throws IOException {
    List<Transcript> blocks = Transcript.parse(Files.readAllLines(DOC));
    assertFalse(blocks.isEmpty(), DOC + " has no transcript blocks");
    return blocks.stream()
        .filter(block -> block.title().contains(System.getProperty("transcript.only", "")))
        .map(block -> DynamicTest.dynamicTest(block.title() + " (" + DOC + ":" + block.line() + ")", () -> replay(block)));
  }

  private static void replay(Transcript block) throws Exception {
    Path data = Files.createTempDirectory("transcript");
    Config settings = ConfigFactory.parseString(String.join("\n", block.settings()));
    try (InProcessNode node = InProcessNode.start(data, settings); Replay replay = new Replay(node.port(), settings)) {
      for (Transcript.Step step : block.steps()) {
        try {
          replay.run(step);
        } catch (AssertionError | RuntimeException e) {
          throw failure(block, step.line() + " (" + step.connection() + ")", e);
        }
      }
      try {
        replay.checkNothingUnread();
      } catch (AssertionError | RuntimeException e) {
        throw failure(block, block.line() + " (end of block)", e);
      }
    } finally {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static AssertionError failure(Transcript block, String where, Throwable e) {
    return new AssertionError("\"" + block.title() + "\", " + DOC + ":" + where + ":\n" + e.getMessage(), e);
  }

  /** The connections and key pairs of one transcript, by name. */
  private static final class Replay implements AutoCloseable {
    private final int port;
    private final Map<String, RawSocket> sockets = new LinkedHashMap<>();
    private final Map<String, String> nonces = new HashMap<>();
    private final Map<String, KeyPair> keys = new HashMap<>();
    private final Set<String> closed = new HashSet<>();
    /** The block's settings: where $INVITATION finds the deployment's secret. */
    private final Config settings;
    private final Map<String, String> invitations = new HashMap<>();

    Replay(int port, Config settings) {
      this.port = port;
      this.settings = settings;
    }

    void run(Transcript.Step step) throws Exception {
      String name = step.connection();
      RawSocket socket = sockets.computeIfAbsent(name, n -> RawSocket.connect(port));
      switch (step.action()) {
        case SEND -> socket.send(expand(step.text(), name));
        case EXPECT -> {
          JsonNode expected = JSON.readTree(expand(step.text(), name));
          JsonNode actual;
          try {
            actual = socket.next();
          } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (the connection is " + (socket.isClosed() ? "closed" : "open") + ")");
          }
          String mismatch = Transcript.mismatch(expected, actual, "$");
          if (mismatch != null) {
            throw new AssertionError(
                "expected " + cut(expected.toString()) + "\n     got " + cut(actual.toString()) + "\n    (" + cut(mismatch) + ")");
          }
          if (actual.path("type").asText().equals("welcome")) {
            nonces.put(name, actual.get("nonce").asText());
          }
        }
        case EXPECT_CLOSED -> {
          Poll.until(Duration.ofSeconds(15), socket::isClosed, "the server to close connection " + name);
          if (!socket.quietFor(0)) throw new AssertionError("frames were left unread before the connection closed");
          closed.add(name);
        }
        case DISCONNECT -> {
          socket.close();
          closed.add(name);
        }
      }
    }

    /**
     * Each open connection has no frame left that the transcript did not show: a probe request's reply must
     * be the next frame (an error: no message is named "-", or the connection is not authenticated).
     */
    void checkNothingUnread() {
      sockets.forEach(
          (name, socket) -> {
            if (closed.contains(name)) return;
            socket.send("{\"type\":\"status\",\"id\":\"end-of-transcript\",\"msgId\":\"-\"}");
            JsonNode next = socket.next();
            if (!next.path("id").asText().equals("end-of-transcript")) {
              throw new AssertionError("connection " + name + " received a frame the transcript does not show: " + cut(next.toString()));
            }
          });
    }

    /** $KEY(peer), $SIG(peer) or $SIG(keyOwner,peer) over this connection's nonce, $TEXT(length), $INVITATION(name). */
    private String expand(String text, String connection) {
      Map<String, Function<String[], String>> placeholders =
          Map.of(
              "KEY", args -> Signatures.encode(key(args[0]).getPublic()),
              "SIG", args -> Signatures.sign(key(args[0]).getPrivate(), nonce(connection), args[args.length - 1]),
              "TEXT", args -> "x".repeat(Integer.parseInt(args[0])),
              "INVITATION", args -> invitation(args[0]));
      return Transcript.expand(text, placeholders);
    }

    private static String cut(String text) {
      return text.length() <= 1000 ? text : text.substring(0, 1000) + "... (" + text.length() + " characters)";
    }

    /**
     * An invitation token issued as bin/peerlink invite does, with the block's
     * {@code peerlink.registration.invite-secret}, valid for a day; the same token each time for one name.
     */
    private String invitation(String name) {
      return invitations.computeIfAbsent(
          name, n -> Invitations.issue(RegistrationPolicy.secret(settings), Instant.now().plus(Duration.ofDays(1))));
    }

    private KeyPair key(String name) {
      return keys.computeIfAbsent(name, n -> Signatures.newKeyPair());
    }

    private String nonce(String connection) {
      String nonce = nonces.get(connection);
      if (nonce == null) throw new IllegalStateException("$SIG before a welcome was read on " + connection);
      return nonce;
    }

    @Override
    public void close() {
      sockets.forEach((name, socket) -> {
        if (!closed.contains(name)) socket.close();
      });
    }
  }
}
