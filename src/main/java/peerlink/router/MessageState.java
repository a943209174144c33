package peerlink.router;

/**
 * The states a sender sees, in the only order they may occur: SENT then DELIVERED per recipient, or REJECTED
 * for a recipient that could not take it when it was sent (its inbox full), which never changes again, or
 * SENT then EXPIRED for a recipient that had not acknowledged it when its time-to-live ran out.
 */
public enum MessageState {
  SENT,
  DELIVERED,
  REJECTED,
  EXPIRED
}
