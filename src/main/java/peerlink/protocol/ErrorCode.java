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
  // Console-side errors: never sent by the server, but reported in the same shape.
  UNKNOWN_COMMAND("Unknown command; type HELP for the list."),
  MISSING_ARGUMENT("The command needs more arguments; type HELP for its form."),
  NOT_REGISTERED("This console has no key for the peer ID; type REGISTER first."),
  NOT_CONNECTED("The console is not connected to a router right now.");

  private final String sentence;

  ErrorCode(String sentence) {
    this.sentence = sentence;
  }

  public String sentence() {
    return sentence;
  }
}
