package peerlink.client;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Netty's TLS settings for one client, made once from its {@link ClientTls}: TLS 1.3 or 1.2, the node's
 * certificate checked against the CA file (or the JVM's trust store) and against the host name dialled
 * (HTTPS rules, as a browser checks a site).
 */
final class ClientTlsContext {
  private ClientTlsContext() {}

  /** @throws IllegalArgumentException naming the CA file when it cannot be read or holds no certificate */
  static SslContext of(ClientTls tls) {
    // BoringSSL when netty-tcnative is on the class path (the server's is; a slim client may add it), else the JDK.
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    SslContextBuilder builder =
        SslContextBuilder.forClient().sslProvider(provider).protocols("TLSv1.3", "TLSv1.2").endpointIdentificationAlgorithm("HTTPS");
    if (tls.caFile() != null) {
      builder.trustManager(readCertificates(tls));
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot set up TLS with " + tls.describeTrust() + ": " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> readCertificates(ClientTls tls) {
    try (InputStream in = Files.newInputStream(tls.caFile())) {
      List<X509Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(X509Certificate.class::cast).toList();
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(tls.caFile() + " holds no certificate; it should be the deployment's ca.crt (PEM)");
      }
      return certificates;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the CA file " + tls.caFile() + " (" + e + "); it should be the deployment's ca.crt", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(tls.caFile() + " is not a PEM certificate file (" + e.getMessage() + "); it should be the deployment's ca.crt", e);
    }
  }
}
