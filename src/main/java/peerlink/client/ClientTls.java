package peerlink.client;

import java.nio.file.Path;

/**
 * How a client checks the router nodes it connects to. Addresses without a scheme and {@code wss://} ones
 * use TLS, and the node's certificate must be signed by {@code caFile} (a PEM file; the deployment's
 * {@code ca.crt}) or, when it is null, by a CA of the JVM's trust store, and must name the host the client
 * dialled. A {@code ws://} address (plain text: anyone on the network path reads every message) is refused
 * unless {@code allowPlain} is set; the client never falls back from TLS to plain text by itself.
 */
public record ClientTls(Path caFile, boolean allowPlain) {
  /** Verify against the JVM's trust store (for nodes with certificates from a public CA); no plain text. */
  public static ClientTls systemTrust() {
    return new ClientTls(null, false);
  }

  /** Verify against the deployment's own CA certificate; no plain text. */
  public static ClientTls trusting(Path caFile) {
    return new ClientTls(caFile, false);
  }

  /** The same, also accepting {@code ws://} addresses: for a closed test bench or a TLS-terminating proxy on the same host. */
  public ClientTls withPlainAllowed() {
    return new ClientTls(caFile, true);
  }

  /** What the client trusts, for error messages. */
  public String describeTrust() {
    return caFile != null ? "the CA in " + caFile : "the JVM's trust store";
  }

  /** @throws IllegalArgumentException when {@code address} is plain text and that is not allowed */
  void requireAllowed(ServerAddress address) {
    if (!address.secure() && !allowPlain) {
      throw new IllegalArgumentException(
          "'" + ServerAddress.PLAIN_SCHEME + address.hostPort() + "' is plain text (messages and logins cross the network unencrypted): use "
              + address.hostPort() + " or " + ServerAddress.SECURE_SCHEME + address.hostPort()
              + ", or allow plain text explicitly (console: --allow-plain; library: ClientTls.withPlainAllowed())");
    }
  }
}
