package peerlink.client;

import io.netty.handler.ssl.NotSslRecordException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns a failed TLS handshake into a sentence that names the problem and what to do, instead of the
 * JDK's "PKIX path building failed".
 */
final class TlsFailure {
  private TlsFailure() {}

  static String describe(Throwable failure, ServerAddress server, ClientTls tls) {
    // The JDK wraps the cause several levels deep, and the most specific one must win over its wrappers.
    Throwable expired = find(failure, CertificateExpiredException.class);
    if (expired != null) {
      return "TLS: the certificate of " + server.hostPort() + " has expired (" + expired.getMessage()
          + "); its operator must renew it (bin/peerlink certs --force, README 'Cluster TLS')";
    }
    Throwable early = find(failure, CertificateNotYetValidException.class);
    if (early != null) {
      return "TLS: the certificate of " + server.hostPort() + " is not valid yet (" + early.getMessage() + "); check the clocks of both machines";
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof NotSslRecordException || isPlainTextAnswer(cause)) {
        return "TLS: " + server.hostPort() + " did not answer in TLS: it may serve plain ws:// (then use ws://" + server.hostPort()
            + " with --allow-plain, only on a network you trust) or not be a PeerLink node";
      }
      String message = String.valueOf(cause.getMessage());
      if (message.contains("bad_certificate") || message.contains("certificate_required")) {
        return "TLS: " + server.hostPort() + " asks for a client certificate: it is probably a cluster port, not a client port "
            + "(clients use the node's --port; its cluster port is usually that + 1000)";
      }
      if (message.contains("No subject alternative") || message.contains("No name matching")) {
        return "TLS: the certificate of " + server.hostPort() + " is not made out to '" + server.bareHost()
            + "' (" + message + "); dial a name the certificate lists, or have its operator add this one (bin/peerlink certs --host)";
      }
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof CertPathValidatorException || message.contains("PKIX path") || message.contains("unable to find valid certification path")) {
        return "TLS: the certificate of " + server.hostPort() + " is not signed by " + tls.describeTrust()
            + "; pass the deployment's CA certificate (console: --ca <dir>/ca.crt; library: ClientTls.trusting(caFile))";
      }
    }
    String what = failure instanceof SSLHandshakeException ? "the TLS handshake failed" : "TLS failed";
    return "TLS: " + what + " with " + server.hostPort() + ": " + failure.getMessage();
  }

  private static Throwable find(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return cause;
      }
    }
    return null;
  }

  private static boolean isPlainTextAnswer(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    return message.contains("Unsupported or unrecognized SSL message") || message.contains("not an SSL/TLS record");
  }
}
