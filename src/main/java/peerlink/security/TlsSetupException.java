package peerlink.security;

/** A node's TLS files are missing or unusable; the message is one line that names the file and the problem. */
public final class TlsSetupException extends Exception {
  public TlsSetupException(String message) {
    super(message);
  }
}
