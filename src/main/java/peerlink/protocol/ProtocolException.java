package peerlink.protocol;

/** A request or frame that breaks the protocol, carrying the code and the sentence the peer will see. */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ProtocolException(ErrorCode code) {
    this(code, code.sentence());
  }

  public ErrorCode code() {
    return code;
  }
}
