package peerlink.client;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;

/**
 * Why a request of the client library failed: the router refused it, or the client gave up on it (deadline,
 * close, no identity). Every future of {@link PeerLinkClient} fails with this type itself, never wrapped.
 */
public final class PeerLinkException extends RuntimeException {
  private final ErrorCode code;

  public PeerLinkException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** The router's refusal; a code this build does not know becomes {@link ErrorCode#UNKNOWN_ERROR}, named in the message. */
  static PeerLinkException of(ServerFrame.Error error) {
    ErrorCode code = ErrorCode.fromWire(error.code());
    String message = code == ErrorCode.UNKNOWN_ERROR ? error.code() + ": " + error.message() : error.message();
    return new PeerLinkException(code, message);
  }

  /**
   * The PeerLinkException behind a failure seen through {@code join()} or {@code get()} (which wrap it in a
   * {@link CompletionException} or {@link ExecutionException}) or through a dependent stage; any other
   * failure becomes one with {@link ErrorCode#UNKNOWN_ERROR}.
   */
  public static PeerLinkException from(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof PeerLinkException e ? e : new PeerLinkException(ErrorCode.UNKNOWN_ERROR, String.valueOf(cause));
  }

  public ErrorCode code() {
    return code;
  }
}
