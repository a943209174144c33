package peerlink.router;

/** The states a sender sees, in the only order they may occur. */
public enum MessageState {
  SENT,
  DELIVERED
}
