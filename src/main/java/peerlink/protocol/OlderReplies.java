package peerlink.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Replies in the form an older protocol version knows: a connection that negotiated version 1 or 2 gets
 * {@code group_list} and {@code member_list} without the fields version 3 added for private groups
 * ({@code private}, {@code invited}, {@code owner}), exactly as before they existed (docs/protocol.md, section 2).
 */
public final class OlderReplies {
  private OlderReplies() {}

  /** {@code frame} as a client speaking {@code version} (null: none named, read as 1) expects it. */
  public static ServerFrame forVersion(ServerFrame frame, Integer version) {
    if (version != null && version >= Protocol.FIRST_OWNERS_VERSION) {
      return frame;
    }
    if (frame instanceof ServerFrame.MemberList m && m.owner() != null) {
      return new ServerFrame.MemberList(m.id(), m.group(), m.members(), m.next());
    }
    if (frame instanceof ServerFrame.GroupList g && g.groups().stream().anyMatch(OlderReplies::hasNewFields)) {
      List<ServerFrame.GroupInfo> groups = new ArrayList<>(g.groups().size());
      g.groups().forEach(info -> groups.add(new ServerFrame.GroupInfo(info.name(), info.members(), info.member())));
      return new ServerFrame.GroupList(g.id(), groups, g.next());
    }
    return frame;
  }

  /**
   * The JSON of a reply (one that came in parts, being long) as a client speaking {@code version} expects it:
   * as it is for version 3 and for every reply but the two lists, which are read and written again without
   * the newer fields.
   */
  public static String inVersion(String json, Integer version, FrameCodec codec) {
    if (version != null && version >= Protocol.FIRST_OWNERS_VERSION) {
      return json;
    }
    ServerFrame frame = codec.decodeServer(json);
    return frame instanceof ServerFrame.MemberList || frame instanceof ServerFrame.GroupList ? FrameCodec.encode(forVersion(frame, version)) : json;
  }

  private static boolean hasNewFields(ServerFrame.GroupInfo info) {
    return info.privateGroup() != null || info.invited() != null;
  }
}
