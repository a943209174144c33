package peerlink.bench.abuse;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The node an abuser attacks: host, port, and the TLS context trusting the deployment CA (null for a
 * node serving plain ws://, as with --plain-clients). Abusers speak TLS like any client, since a node that
 * serves wss:// refuses anything else before it gets to the protocol.
 */
public record Target(String host, int port, SSLContext tls) {
  /** From a server address as bench clients get it ({@code 127.0.0.1:8008} or {@code ws://127.0.0.1:8008}). */
  public static Target of(String server, Path caFile) {
    boolean plain = server.startsWith("ws://");
    String address = server.replaceFirst("^wss?://", "");
    int colon = address.lastIndexOf(':');
    return new Target(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), plain ? null : trusting(caFile));
  }

  /**
   * A connection: {@code socket} to talk through, and {@code tcp} under it (the same socket without TLS). Closing
   * {@code tcp} from another thread frees a write blocked on a node that stopped reading, which closing the TLS
   * socket does not: its close waits for that write's lock.
   */
  record Connection(Socket socket, Socket tcp) {}

  /** A TCP connection, with the TLS handshake done when the node serves TLS. */
  Connection open() throws IOException {
    Socket socket = new Socket(host, port);
    socket.setTcpNoDelay(true);
    if (tls == null) {
      return new Connection(socket, socket);
    }
    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
    secure.startHandshake();
    return new Connection(secure, socket);
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("abusers cannot trust the deployment CA " + caFile + ": " + e.getMessage(), e);
    }
  }
}
