package peerlink.bench.abuse;

import java.io.IOException;
import java.security.KeyPair;
import peerlink.protocol.Signatures;

/** Registers a fresh peer on an abuser's socket the way the protocol says (welcome's nonce, signed). */
final class Registration {
  private Registration() {}

  /** The welcome's nonce; throws if the node closed first. */
  static String nonce(AbuseSocket socket) throws IOException {
    String welcome = socket.readText();
    if (welcome == null) {
      throw new IOException("closed before the welcome");
    }
    int at = welcome.indexOf("\"nonce\":\"") + 9;
    return welcome.substring(at, welcome.indexOf('"', at));
  }

  /** Sends a register for {@code peer} with a new key and returns the node's answer (null if it closed). */
  static String register(AbuseSocket socket, String peer) throws IOException {
    String nonce = nonce(socket);
    KeyPair keys = Signatures.newKeyPair();
    socket.sendText("{\"type\":\"register\",\"id\":\"r\",\"version\":1,\"peer\":\"" + peer + "\",\"publicKey\":\""
        + Signatures.encode(keys.getPublic()) + "\",\"signature\":\"" + Signatures.sign(keys.getPrivate(), nonce, peer) + "\"}");
    return socket.readText();
  }
}
