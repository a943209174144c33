package peerlink.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Replies and pushes in the form an older protocol version knows (docs/protocol.md, section 2). A connection
 * that negotiated version 1 or 2 gets {@code group_list} and {@code member_list} without the fields version 3
 * added for private groups ({@code private}, {@code invited}, {@code owner}), exactly as before they existed;
 * and it never meets time-to-live's additions: no {@code expired} push, no {@code expired} field, and the
 * state EXPIRED reads SENT, which is what such a client saw of a message nobody acknowledges (the message
 * was accepted and will not be DELIVERED).
 */
public final class OlderReplies {
  private OlderReplies() {}

  /** {@code frame} as a client speaking {@code version} (null: none named, read as 1) expects it. */
  public static ServerFrame forVersion(ServerFrame frame, Integer version) {
    if (!before(Protocol.FIRST_OWNERS_VERSION, version) && !before(Protocol.FIRST_EXPIRY_VERSION, version)) {
      return frame;
    }
    boolean noOwners = before(Protocol.FIRST_OWNERS_VERSION, version);
    boolean noExpiry = before(Protocol.FIRST_EXPIRY_VERSION, version);
    if (noOwners && frame instanceof ServerFrame.MemberList m && m.owner() != null) {
      return new ServerFrame.MemberList(m.id(), m.group(), m.members(), m.next());
    }
    if (noOwners && frame instanceof ServerFrame.GroupList g && g.groups().stream().anyMatch(OlderReplies::hasNewFields)) {
      List<ServerFrame.GroupInfo> groups = new ArrayList<>(g.groups().size());
      g.groups().forEach(info -> groups.add(new ServerFrame.GroupInfo(info.name(), info.members(), info.member())));
      return new ServerFrame.GroupList(g.id(), groups, g.next());
    }
    if (noExpiry && frame instanceof ServerFrame.MessageStatus s && (s.expired() != null || EXPIRED.equals(s.state()))) {
      return new ServerFrame.MessageStatus(s.id(), s.msgId(), olderState(s.state()), s.recipients(), s.delivered(), s.rejected(), null);
    }
    if (noExpiry && frame instanceof ServerFrame.Ok ok && EXPIRED.equals(ok.state())) { // a resent send whose message expired
      return new ServerFrame.Ok(ok.id(), ok.peer(), ok.lastSeq(), ok.msgId(), olderState(ok.state()), ok.recipients(), ok.duplicate(), ok.rejected());
    }
    return frame;
  }

  /**
   * Whether a connection speaking {@code version} is sent {@code push}: not an {@code expired} one before
   * version 3. Its sequence number is skipped, and the session acknowledges it for the client (which cannot).
   */
  public static boolean knows(ServerFrame.Push push, Integer version) {
    return !(push instanceof ServerFrame.Expired) || !before(Protocol.FIRST_EXPIRY_VERSION, version);
  }

  /**
   * The JSON of a reply (one that came in parts, being long) as a client speaking {@code version} expects it:
   * as it is for version 3 and for every reply that has nothing an older version does not know; the others
   * are read and written again without it.
   */
  public static String inVersion(String json, Integer version, FrameCodec codec) {
    if (!before(Protocol.FIRST_OWNERS_VERSION, version) && !before(Protocol.FIRST_EXPIRY_VERSION, version)) {
      return json;
    }
    ServerFrame frame = codec.decodeServer(json);
    ServerFrame older = forVersion(frame, version);
    return older == frame ? json : FrameCodec.encode(older);
  }

  private static final String EXPIRED = "EXPIRED";

  /** Whether {@code version} (null: none named, read as 1) comes before {@code first}. */
  private static boolean before(int first, Integer version) {
    return version == null || version < first;
  }

  private static String olderState(String state) {
    return EXPIRED.equals(state) ? "SENT" : state;
  }

  private static boolean hasNewFields(ServerFrame.GroupInfo info) {
    return info.privateGroup() != null || info.invited() != null;
  }
}
