package peerlink.router;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ServerFrame;

/**
 * Messages to the router singleton. Sessions send the {@link Decidable} ones; {@code peer} in them is always
 * the identity the session authenticated, never a value taken from the client's frame.
 */
public sealed interface RouterCommand extends CborSerializable {

  /** A command the registry decides on against its state; the router queues these in arrival order. */
  sealed interface Decidable extends RouterCommand {
    ActorRef<ToSession> session();
  }

  /** Log in: prove the key registered for {@code peer} by its signature of this connection's nonce. */
  record Authenticate(
      String requestId, String peer, String nonce, String signature, long lastSeq, ActorRef<ToSession> session)
      implements Decidable {}

  /** Claim {@code peer} with a public key, proven by the signature of this connection's nonce. */
  record RegisterPeer(
      String requestId,
      String peer,
      String publicKey,
      String nonce,
      String signature,
      long lastSeq,
      ActorRef<ToSession> session)
      implements Decidable {}

  /**
   * A session that was attached to an earlier router instance (before a failover) attaches to this one;
   * the session's node already authenticated the peer, so no signature is needed.
   */
  record Resume(String peer, long ackedUpTo, ActorRef<ToSession> session) implements Decidable {}

  /** Any other request of an authenticated peer (send, groups, status...). */
  record Execute(String peer, ClientFrame.Request request, ActorRef<ToSession> session) implements Decidable {}

  /** Cumulative acknowledgement of the pushes to {@code peer}. */
  record Acknowledge(String peer, long upTo, ActorRef<ToSession> session) implements Decidable {}

  /** From the registry: a batch is durable; these are its replies (in order) and the new pushes per peer. */
  record BatchDone(List<Delivery> replies, Map<String, List<ServerFrame.Push>> pushes) implements RouterCommand {}

  /** From the registry: it has recovered (at start or after a restart) and takes batches. */
  record RegistryReady() implements RouterCommand {}

  /** Timer: repeat the announcement that this instance runs. */
  record Announce() implements RouterCommand {}

  /** A session the router knew has stopped. */
  record SessionEnded(String peer, ActorRef<ToSession> session) implements RouterCommand {}

  /** One message to one session. */
  record Delivery(ActorRef<ToSession> to, ToSession message) implements CborSerializable {}
}
