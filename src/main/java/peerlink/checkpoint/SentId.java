package peerlink.checkpoint;

/**
 * A client id its sender gave a message, kept beside the journal so that a resend of it is recognised
 * ({@link KeptAside#sentIdToStore}): the number of the message it got, and its position among the sender's
 * sends (0 for the first), by which the oldest is forgotten once the sender's window has passed it.
 *
 * @param number the router's message number, or -1 where only the position matters (a forgotten id)
 */
public record SentId(String sender, String clientId, long number, long position) {}
