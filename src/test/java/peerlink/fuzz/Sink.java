package peerlink.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.security.KeyPair;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import peerlink.protocol.Signatures;

/**
 * The recipient the fuzzer watches: a registered peer that reads every push, acknowledges it at once (so its
 * push window and inbox never fill) and remembers the message ids it received.
 */
final class Sink implements AutoCloseable {
  private final FuzzWire wire;
  private final Set<String> received = ConcurrentHashMap.newKeySet();
  private final Thread reader;
  private volatile boolean stopped;

  private Sink(FuzzWire wire) {
    this.wire = wire;
    this.reader = new Thread(this::readPushes, "fuzz-sink");
    reader.setDaemon(true);
  }

  static Sink start(int port, String peer) throws IOException, InterruptedException {
    FuzzWire wire = FuzzWire.connect(port);
    String nonce = FrameMutations.parse(wire.poll(30_000)).get("nonce").asText();
    KeyPair keys = Signatures.newKeyPair();
    wire.sendText("{\"type\":\"register\",\"id\":\"r\",\"version\":1,\"peer\":\"" + peer + "\",\"publicKey\":\""
        + Signatures.encode(keys.getPublic()) + "\",\"signature\":\"" + Signatures.sign(keys.getPrivate(), nonce, peer) + "\"}");
    JsonNode ok = FrameMutations.parse(wire.poll(30_000));
    if (ok == null || !ok.path("type").asText().equals("ok")) {
      throw new IllegalStateException("the sink could not register: " + ok);
    }
    Sink sink = new Sink(wire);
    sink.reader.start();
    return sink;
  }

  private void readPushes() {
    try {
      while (!stopped) {
        String text = wire.poll(200);
        JsonNode push = text == null ? null : FrameMutations.parse(text);
        if (push != null && push.path("type").asText().equals("message")) {
          received.add(push.path("msgId").asText());
          wire.sendText("{\"type\":\"ack\",\"upTo\":" + push.path("seq").asLong() + "}");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The message ids received so far. */
  Set<String> received() {
    return received;
  }

  @Override
  public void close() {
    stopped = true;
    wire.close();
  }
}
