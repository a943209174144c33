package peerlink.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
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
  @JsonSubTypes.Type(value = ClientFrame.Invite.class, name = "invite"),
  @JsonSubTypes.Type(value = ClientFrame.RemoveMember.class, name = "remove"),
  @JsonSubTypes.Type(value = ClientFrame.Ban.class, name = "ban"),
  @JsonSubTypes.Type(value = ClientFrame.Unban.class, name = "unban"),
  @JsonSubTypes.Type(value = ClientFrame.GiveGroup.class, name = "give_group"),
  @JsonSubTypes.Type(value = ClientFrame.DeleteGroup.class, name = "delete_group"),
  @JsonSubTypes.Type(value = ClientFrame.Block.class, name = "block"),
  @JsonSubTypes.Type(value = ClientFrame.Unblock.class, name = "unblock"),
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

  /**
   * Creates a group whose owner is the sender. {@code private} (optional, JSON {@code "private"}) {@code true}
   * makes it private: hidden from non-members, joined only by invitation (docs/protocol.md, section 10).
   */
  record CreateGroup(String id, String group, @JsonProperty("private") Boolean privateGroup) implements Request {
    public CreateGroup {
      Fields.require(id, "id");
      Fields.require(group, "group");
    }

    /** A public group, as every client before private groups created. */
    public CreateGroup(String id, String group) {
      this(id, group, null);
    }

    /** Whether the group is to be private (not a bean getter, so JSON has only the {@code private} field). */
    public boolean wantsPrivate() {
      return Boolean.TRUE.equals(privateGroup);
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

  /** Something a group's owner does to a peer in it (invite, remove, ban, unban, give ownership): a group and a peer. */
  sealed interface OwnerRequest extends Request {
    String group();

    String peer();
  }

  /** The owner lets {@code peer} join the private {@code group} (once, with {@code join_group}). */
  record Invite(String id, String group, String peer) implements OwnerRequest {
    public Invite {
      requireGroupAndPeer(id, group, peer);
    }
  }

  /** The owner takes {@code peer} out of {@code group} (or withdraws its invitation). */
  record RemoveMember(String id, String group, String peer) implements OwnerRequest {
    public RemoveMember {
      requireGroupAndPeer(id, group, peer);
    }
  }

  /** The owner removes {@code peer} from {@code group} and keeps it out until {@link Unban}. */
  record Ban(String id, String group, String peer) implements OwnerRequest {
    public Ban {
      requireGroupAndPeer(id, group, peer);
    }
  }

  record Unban(String id, String group, String peer) implements OwnerRequest {
    public Unban {
      requireGroupAndPeer(id, group, peer);
    }
  }

  /** The owner hands {@code group} over to {@code peer}, a member, who becomes its owner. */
  record GiveGroup(String id, String group, String peer) implements OwnerRequest {
    public GiveGroup {
      requireGroupAndPeer(id, group, peer);
    }
  }

  /** The owner deletes {@code group}; messages already accepted for its members are still delivered. */
  record DeleteGroup(String id, String group) implements Request {
    public DeleteGroup {
      Fields.require(id, "id");
      Fields.require(group, "group");
    }
  }

  /** From now on, {@code peer}'s messages to the sender are refused (BLOCKED), direct or in a group. */
  record Block(String id, String peer) implements Request {
    public Block {
      Fields.require(id, "id");
      Fields.require(peer, "peer");
    }
  }

  record Unblock(String id, String peer) implements Request {
    public Unblock {
      Fields.require(id, "id");
      Fields.require(peer, "peer");
    }
  }

  private static void requireGroupAndPeer(String id, String group, String peer) {
    Fields.require(id, "id");
    Fields.require(group, "group");
    Fields.require(peer, "peer");
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
