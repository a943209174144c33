package peerlink.protocol;

/** Every error the router (or the console) can report, each with a stable code and a default sentence. */
public enum ErrorCode {
  BAD_FRAME("The frame is not a valid JSON object of the PeerLink protocol."),
  UNKNOWN_TYPE("The frame type is not part of the PeerLink protocol."),
  FRAME_TOO_LARGE("The frame is larger than the server accepts."),
  NOT_AUTHENTICATED("Register or log in before sending this frame."),
  ALREADY_AUTHENTICATED("This connection is already authenticated."),
  UNSUPPORTED_VERSION("The server does not speak this protocol version."),
  AUTH_FAILED("The signature does not prove the key registered for this peer."),
  /**
   * Not sent for logins (a login as an unknown ID gets AUTH_FAILED, so logins do not tell which IDs exist);
   * sent when an invite, remove, ban, unban, give_group, block or unblock names no registered peer.
   */
  UNKNOWN_PEER("No peer is registered with this ID."),
  ID_TAKEN("This ID is already registered with another key."),
  NAME_TAKEN("This name is already used by a peer or a group."),
  INVALID_NAME("IDs and group names are 1 to 64 characters without spaces or control characters."),
  UNKNOWN_RECIPIENT("No peer or group has this name."),
  UNKNOWN_GROUP("No group has this name."),
  GROUP_EXISTS("A group with this name already exists."),
  NOT_A_MEMBER("You are not a member of this group."),
  MESSAGE_TOO_LARGE("The message body is larger than the server accepts."),
  UNKNOWN_MESSAGE("No message with this ID was sent by you."),
  BAD_ACK("The acknowledgement is beyond the last sequence number sent to you."),
  SESSION_REPLACED("This peer logged in on another connection; this one is closed."),
  UNAVAILABLE("The router is temporarily unavailable; retry."),
  // Client-side errors: never sent by the server, but reported by the client library and the console in
  // the same shape.
  UNKNOWN_COMMAND("Unknown command; type HELP for the list."),
  MISSING_ARGUMENT("The command needs more arguments; type HELP for its form."),
  NOT_REGISTERED("This peer has no key yet; register first."),
  NOT_CONNECTED("The client is not connected to a router right now."),
  TIMED_OUT("The router did not answer within the request's deadline; the request may or may not have taken effect."),
  CLOSED("The client was closed before the router answered; the request may or may not have taken effect."),
  UNKNOWN_ERROR("The router reported an error code this client does not know."),
  // Server errors added later (after the client-side ones, so that existing code keeps its place).
  NOT_STORABLE("The router cannot store this request, so it was not carried out; the other requests are not affected."),
  LOGIN_THROTTLED("Too many failed logins; wait before trying again."),
  // Quotas (issue 22): sent by the server.
  INBOX_FULL("The recipient's inbox is full; try again later."),
  TOO_MANY_GROUPS("You have created as many groups as one peer may."),
  GROUP_FULL("The group has as many members as a group may."),
  // Private groups and blocking (issue 22, item 5): sent by the server.
  NOT_OWNER("Only the group's owner may do this."),
  NOT_INVITED("This group is private: you may join it once its owner invites you."),
  BANNED("This peer is banned from this group."),
  BLOCKED("The recipient does not accept messages from you."),
  NOT_PERMITTED("This request is not allowed."),
  TOO_MANY_INVITATIONS("The group has as many open invitations as a group may."),
  TOO_MANY_BANS("The group has banned as many peers as a group may."),
  TOO_MANY_BLOCKS("You have blocked as many peers as one peer may."),
  // Message time-to-live and registration limits (issue 22): sent by the server.
  TTL_OUT_OF_RANGE("The message's time-to-live is longer than this router allows; send it with a shorter one."),
  REGISTRATION_THROTTLED("Too many registrations from your address; wait before registering again."),
  REGISTRATION_CLOSED("This router takes no new registrations; registered peers can still log in."),
  INVITATION_REQUIRED("This router registers new peers only with an invitation; ask its operator for one."),
  INVITATION_INVALID("The invitation is not valid here (wrong deployment, expired, already used or damaged); ask for a new one."),
  STORAGE_FULL("The router's disk is nearly full, so it takes no new messages or changes for now; what it accepted is still delivered. Try again later.");

  private final String sentence;

  ErrorCode(String sentence) {
    this.sentence = sentence;
  }

  public String sentence() {
    return sentence;
  }

  /** The code a frame names, or {@link #UNKNOWN_ERROR} for one this build does not know (a newer server's). */
  public static ErrorCode fromWire(String code) {
    if (code != null) {
      for (ErrorCode known : values()) {
        if (known.name().equals(code)) {
          return known;
        }
      }
    }
    return UNKNOWN_ERROR;
  }
}
