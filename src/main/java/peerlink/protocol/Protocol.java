package peerlink.protocol;

import java.util.List;

/** Constants every side of the protocol agrees on. */
public final class Protocol {
  private Protocol() {}

  /** The protocol versions this build speaks, newest last. */
  public static final List<Integer> VERSIONS = List.of(1, 2, 3);

  public static final int CURRENT_VERSION = 3;

  /** From this version on, a WebSocket message may carry several frames (docs/protocol.md, section 1). */
  public static final int FIRST_BATCHING_VERSION = 2;

  /**
   * From this version on, {@code group_list} and {@code member_list} say which groups are private, where you
   * are invited and who owns a group (docs/protocol.md, section 10); older versions get them as before.
   */
  public static final int FIRST_OWNERS_VERSION = 3;

  /**
   * From this version on, a connection gets {@code expired} pushes and sees the state EXPIRED with its
   * {@code expired} recipients (docs/protocol.md, section 9); an older one sees an expired message as one
   * that is never acknowledged: SENT, and no push.
   */
  public static final int FIRST_EXPIRY_VERSION = 3;

  /** HTTP path of the WebSocket endpoint. */
  public static final String WEBSOCKET_PATH = "ws";

  /** Prefix of the text a client signs to prove its key, so a signature is never valid elsewhere. */
  public static final String AUTH_CONTEXT = "peerlink-auth-v1";
}
