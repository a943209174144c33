package peerlink.client;

import peerlink.protocol.ErrorCode;
import peerlink.protocol.ServerFrame;

/** A request the router refused, with its stable code and the router's sentence. */
public final class PeerLinkException extends RuntimeException {
  private final String code;

  public PeerLinkException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public PeerLinkException(ErrorCode code, String message) {
    this(code.name(), message);
  }

  static PeerLinkException of(ServerFrame.Error error) {
    return new PeerLinkException(error.code(), error.message());
  }

  public String code() {
    return code;
  }
}
