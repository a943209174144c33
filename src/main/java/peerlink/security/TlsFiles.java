package peerlink.security;

import java.nio.file.Path;

/**
 * Where one node's TLS files are: the deployment CA's certificate, and the node's own certificate and
 * private key, the three files Pekko's {@code RotatingKeysSSLEngineProvider} reads.
 */
public record TlsFiles(Path caCert, Path cert, Path key) {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String NODE_CERT = "tls.crt";
  public static final String NODE_KEY = "tls.key";

  /** The layout of a TLS directory: {@code ca.crt} at its top and {@code <node>/tls.crt}, {@code <node>/tls.key}. */
  public static TlsFiles in(Path dir, String node) {
    Path nodeDir = dir.resolve(node);
    return new TlsFiles(dir.resolve(CA_CERT), nodeDir.resolve(NODE_CERT), nodeDir.resolve(NODE_KEY));
  }

  /** The CA's private key beside its certificate: present only where certificates are made. */
  public Path caKey() {
    return caCert.resolveSibling(CA_KEY);
  }
}
