package peerlink.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Frames a client sends to the router. Requests carry a client-chosen {@code id} that the reply echoes;
 * for {@code send} the id is also the idempotency key: resending the same id never creates a second message.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientFrame.Register.class, name = "register"),
  @JsonSubTypes.Type(value = ClientFrame.Login.class, name = "login"),
  @JsonSubTypes.Type(value = ClientFrame.Send.class, name = "send"),
  @JsonSubTypes.Type(value = ClientFrame.CreateGroup.class, name = "create_group"),
  @JsonSubTypes.Type(value = ClientFrame.JoinGroup.class, name = "join_group"),
  @JsonSubTypes.Type(value = ClientFrame.LeaveGroup.class, name = "leave_group"),
  @JsonSubTypes.Type(value = ClientFrame.ListGroups.class, name = "groups"),
  @JsonSubTypes.Type(value = ClientFrame.ListMembers.class, name = "members"),
  @JsonSubTypes.Type(value = ClientFrame.QueryStatus.class, name = "status"),
  @JsonSubTypes.Type(value = ClientFrame.Ack.class, name = "ack"),
})
public sealed interface ClientFrame {

  /** A frame that expects exactly one reply carrying the same id. */
  sealed interface Request extends ClientFrame {
    String id();
  }

  /**
   * Claims a peer ID with an Ed25519 public key, proving the key by signing the server's nonce.
   * {@code invitation} (optional) is an operator's invitation token, which a router whose registration
   * policy is {@code invite} requires for a new ID.
   */
  record Register(String id, Integer version, String peer, String publicKey, String signature, Long lastSeq, String invitation)
      implements Request {
    /** A registration without an invitation (what an open router needs, and every client before the field sent). */
    public Register(String id, Integer version, String peer, String publicKey, String signature, Long lastSeq) {
      this(id, version, peer, publicKey, signature, lastSeq, null);
    }

    public Register {
      Fields.require(id, "id");
      Fields.require(peer, "peer");
      Fields.require(publicKey, "publicKey");
      Fields.require(signature, "signature");
    }
  }

  /**
   * Proves the key of an already registered peer; {@code lastSeq} says what this client already has.
   * {@code publicKey} (optional, may be null) is the key the client claims is registered for {@code peer}:
   * with it the session verifies the signature itself, in parallel with other sessions, and the router only
   * compares the key with the registered one. Without it the router verifies against the registered key.
   */
  record Login(String id, Integer version, String peer, String publicKey, String signature, Long lastSeq)
      implements Request {
    public Login {
      Fields.require(id, "id");
      Fields.require(peer, "peer");
      Fields.require(signature, "signature");
    }
  }

  /**
   * A message to a peer or to a group (the router tells which by the name). {@code body} is Unicode text
   * (the protocol carries no bytes; docs/protocol.md, section 7). {@code receipts} (optional) {@code false}
   * asks the router for no {@code delivered} pushes about this message; absent or {@code true}, one comes
   * per recipient that acknowledges it. {@code ttl} (optional) is the message's time-to-live in seconds:
   * a recipient that has not acknowledged it within that time never gets it (EXPIRED); absent, the router's
   * default applies (by default none).
   */
  record Send(String id, String to, String body, Boolean receipts, Integer ttl) implements Request {
    public Send {
      Fields.require(id, "id");
      Fields.require(to, "to");
      Fields.require(body, "body");
      if (ttl != null && ttl < 1) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "Field 'ttl' must be at least 1 (seconds); leave it out for no time-to-live.");
      }
    }

    /** A send with receipts, as every client before the {@code receipts} field sent. */
    public Send(String id, String to, String body) {
      this(id, to, body, null, null);
    }

    /** A send without a time-to-live of its own, as every client before the {@code ttl} field sent. */
    public Send(String id, String to, String body, Boolean receipts) {
      this(id, to, body, receipts, null);
    }

    /** Whether the sender wants a {@code delivered} push per recipient (the default). */
    public boolean wantsReceipts() {
      return !Boolean.FALSE.equals(receipts);
    }
  }

  record CreateGroup(String id, String group) implements Request {
    public CreateGroup {
      Fields.require(id, "id");
      Fields.require(group, "group");
    }
  }

  record JoinGroup(String id, String group) implements Request {
    public JoinGroup {
      Fields.require(id, "id");
      Fields.require(group, "group");
    }
  }

  record LeaveGroup(String id, String group) implements Request {
    public LeaveGroup {
      Fields.require(id, "id");
      Fields.require(group, "group");
    }
  }

  /**
   * Asks for a page of the groups, sorted by name: those after the name {@code after} (optional; absent for
   * the first page), at most {@code limit} (optional, 1 to {@link PageLimits#MAX_LIST}, default that).
   */
  record ListGroups(String id, String after, Integer limit) implements Request {
    public ListGroups {
      Fields.require(id, "id");
      requireLimit(limit);
    }

    /** The first page, as large as pages go (what a client that does not page asks). */
    public ListGroups(String id) {
      this(id, null, null);
    }
  }

  /** Asks for a page of a group's members, sorted, in the same way as {@link ListGroups}. */
  record ListMembers(String id, String group, String after, Integer limit) implements Request {
    public ListMembers {
      Fields.require(id, "id");
      Fields.require(group, "group");
      requireLimit(limit);
    }

    public ListMembers(String id, String group) {
      this(id, group, null, null);
    }
  }

  private static void requireLimit(Integer limit) {
    if (limit != null && (limit < 1 || limit > PageLimits.MAX_LIST)) {
      throw new ProtocolException(ErrorCode.BAD_FRAME, "Field 'limit' must be from 1 to " + PageLimits.MAX_LIST + ".");
    }
  }

  /** Asks for the state of a message this peer sent. */
  record QueryStatus(String id, String msgId) implements Request {
    public QueryStatus {
      Fields.require(id, "id");
      Fields.require(msgId, "msgId");
    }
  }

  /** Cumulative acknowledgement: the client has everything pushed to it up to and including {@code upTo}. */
  record Ack(Long upTo) implements ClientFrame {
    public Ack {
      Fields.require(upTo, "upTo");
      if (upTo < 0) {
        throw new ProtocolException(ErrorCode.BAD_FRAME, "Field 'upTo' must not be negative.");
      }
    }
  }
}
