package peerlink.router;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ServerFrame;

/**
 * Messages to the router singleton. Sessions send the {@link Decidable} ones; {@code peer} in them is always
 * the identity the session authenticated, never a value taken from the client's frame.
 *
 * <p>These commands are trusted: only sessions (and the router's own parts) build them, never clients,
 * which send frames that a session decodes and checks. So when a command says the session verified a
 * signature ({@link Authenticate#verifiedKey}, {@link RegisterPeer#publicKey}), the registry does not
 * verify it again; that keeps the Ed25519 arithmetic out of the singleton and spreads it over the session
 * actors, which run in parallel.
 */
public sealed interface RouterCommand extends CborSerializable {

  /** A command the registry decides on against its state; the router queues these in arrival order. */
  sealed interface Decidable extends RouterCommand {
    ActorRef<ToSession> session();
  }

  /**
   * Log in as {@code peer}. When {@code verifiedKey} is set, the session has already verified
   * {@code signature} of this connection's {@code nonce} with that key, and the registry only checks that
   * it is the key registered for {@code peer}; when it is null (a client that sent no public key), the
   * registry verifies the signature with the registered key.
   */
  record Authenticate(
      String requestId,
      String peer,
      String nonce,
      String signature,
      String verifiedKey,
      long lastSeq,
      ActorRef<ToSession> session)
      implements Decidable {}

  /**
   * Claim {@code peer} with {@code publicKey}. The session has already checked that the name is valid, that
   * the key is an Ed25519 key and that the client signed this connection's nonce with it; the registry
   * applies the rules about names and its state (valid name, taken ID, group name) and verifies nothing.
   * {@code invitation} is the invitation token the client sent, whose MAC the session has checked (null
   * when it sent none); the registry judges its expiry and use.
   */
  record RegisterPeer(
      String requestId, String peer, String publicKey, long lastSeq, ActorRef<ToSession> session, peerlink.protocol.Invitations.Invitation invitation)
      implements Decidable {
    /** A registration without an invitation (all an open router needs). */
    public RegisterPeer(String requestId, String peer, String publicKey, long lastSeq, ActorRef<ToSession> session) {
      this(requestId, peer, publicKey, lastSeq, session, null);
    }
  }

  /**
   * A session that was attached to an earlier router instance (before a failover) attaches to this one,
   * and wants the first page of the pushes after {@code after} (the last one it holds). It proves its
   * peer's login with that login's {@code nonce} and {@code signature}, which the registry verifies with
   * the peer's registered key: the new instance never saw that login, and without the proof any router
   * node's session could name any peer and read its backlog. Answered with {@link ToSession.Resumed}, or
   * {@link ToSession.ResumeRefused} when the proof does not verify.
   */
  record Resume(String peer, long after, String nonce, String signature, ActorRef<ToSession> session) implements Decidable {}

  /**
   * The next page of {@code peer}'s inbox, after {@code after} (the last push the session holds): a session
   * asks for it when its client's push window has room. Answered with {@link ToSession.Page}.
   */
  record FetchPushes(String peer, long after, ActorRef<ToSession> session) implements Decidable {}

  /** Any other request of an authenticated peer (send, groups, status...). */
  record Execute(String peer, ClientFrame.Request request, ActorRef<ToSession> session) implements Decidable {}

  /** Cumulative acknowledgement of the pushes to {@code peer}. */
  record Acknowledge(String peer, long upTo, ActorRef<ToSession> session) implements Decidable {}

  /** From the registry: a batch is durable; these are its replies (in order) and the new pushes per peer. */
  record BatchDone(List<Delivery> replies, Map<String, List<ServerFrame.Push>> pushes) implements RouterCommand {}

  /** From the registry: it has recovered (at start or after a restart) and takes batches. */
  record RegistryReady() implements RouterCommand {}

  /** From the registry: its recovery failed (it retries with backoff); {@code reason} says why, e.g. no primary granted. */
  record RegistryFailed(String reason) implements RouterCommand {}

  /** From a node's readiness check ({@code /ready}): can this router serve clients now? */
  record CheckReady(ActorRef<RouterHealth> replyTo) implements RouterCommand {}

  /** Timer: repeat the announcement that this instance runs. */
  record Announce() implements RouterCommand {}

  /** Timer: drop the commands that waited too long for their session to be attached ({@link SessionGate}). */
  record ExpireHeld() implements RouterCommand {}

  /** Timer: let an idle registry expire the messages whose time-to-live ran out. */
  record CheckExpiry() implements RouterCommand {}

  /** A session the router knew has stopped. */
  record SessionEnded(String peer, ActorRef<ToSession> session) implements RouterCommand {}

  /** One message to one session. */
  record Delivery(ActorRef<ToSession> to, ToSession message) implements CborSerializable {}
}
