package peerlink.router;

import com.typesafe.config.Config;

/**
 * What one peer may hold in the registry, so that no client can grow the state without bound (issue 22):
 * messages and bytes waiting in its inbox, groups it created, members of a group. Read from
 * {@code peerlink.limits} (reference.conf says why each default). The registry decides with these, and
 * its events carry the outcome, so a replay never decides again.
 *
 * @param maxInboxMessages most messages waiting in one peer's inbox (unacknowledged)
 * @param maxInboxBytes most UTF-8 bytes of message bodies waiting in one peer's inbox
 * @param maxGroupsPerPeer most groups one peer may have created and not deleted
 * @param maxMembersPerGroup most members of one group
 * @param maxInvitationsPerGroup most open invitations of one group (invited peers that have not joined yet)
 * @param maxBansPerGroup most peers banned from one group
 * @param maxBlocksPerPeer most peers one peer may block
 */
public record Quotas(
    int maxInboxMessages, long maxInboxBytes, int maxGroupsPerPeer, int maxMembersPerGroup, int maxInvitationsPerGroup, int maxBansPerGroup,
    int maxBlocksPerPeer) {
  public static final Quotas DEFAULT = new Quotas(10_000, 16L * 1024 * 1024, 100, 1000, 1000, 1000, 1000);

  public Quotas {
    if (maxInboxMessages < 1 || maxInboxBytes < 1 || maxGroupsPerPeer < 1 || maxMembersPerGroup < 1 || maxInvitationsPerGroup < 1
        || maxBansPerGroup < 1 || maxBlocksPerPeer < 1) {
      throw new IllegalArgumentException("every peerlink.limits quota must be at least 1: " + this);
    }
  }

  /** The inbox and group quotas, with the default bounds on invitations, bans and blocks (tests that are not about them). */
  public Quotas(int maxInboxMessages, long maxInboxBytes, int maxGroupsPerPeer, int maxMembersPerGroup) {
    this(maxInboxMessages, maxInboxBytes, maxGroupsPerPeer, maxMembersPerGroup, DEFAULT.maxInvitationsPerGroup, DEFAULT.maxBansPerGroup,
        DEFAULT.maxBlocksPerPeer);
  }

  /** The quotas of {@code peerlink.limits}; a value below 1 is refused naming its key (so --check-config says which). */
  public static Quotas from(Config config) {
    return new Quotas(
        (int) atLeastOne("max-inbox-messages", config.getInt("peerlink.limits.max-inbox-messages")),
        atLeastOne("max-inbox-size", config.getMemorySize("peerlink.limits.max-inbox-size").toBytes()),
        (int) atLeastOne("max-groups-per-peer", config.getInt("peerlink.limits.max-groups-per-peer")),
        (int) atLeastOne("max-members-per-group", config.getInt("peerlink.limits.max-members-per-group")),
        (int) atLeastOne("max-invitations-per-group", config.getInt("peerlink.limits.max-invitations-per-group")),
        (int) atLeastOne("max-bans-per-group", config.getInt("peerlink.limits.max-bans-per-group")),
        (int) atLeastOne("max-blocks-per-peer", config.getInt("peerlink.limits.max-blocks-per-peer")));
  }

  private static long atLeastOne(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException("peerlink.limits." + key + " must be at least 1, not " + value);
    }
    return value;
  }

  /** Whether an inbox holding {@code messages} of {@code bytes} can take one more body of {@code body} bytes. */
  boolean inboxHasRoom(long messages, long bytes, long body) {
    return messages < maxInboxMessages && bytes + body <= maxInboxBytes;
  }

  /** The sentence a sender sees for a recipient whose inbox is full. */
  String inboxFull(String peer) {
    return peer + "'s inbox is full (at most " + maxInboxMessages + (maxInboxMessages == 1 ? " message" : " messages") + " or " + size(maxInboxBytes)
        + " may wait to be read); try again later.";
  }

  /** The sentence a sender sees for a recipient who blocked it. */
  static String blockedBy(String peer) {
    return peer + " does not accept messages from you.";
  }

  /** "16 MiB", "512 KiB" or "1000 bytes": the form reference.conf uses. */
  static String size(long bytes) {
    if (bytes % (1024 * 1024) == 0) return bytes / (1024 * 1024) + " MiB";
    if (bytes % 1024 == 0) return bytes / 1024 + " KiB";
    return bytes + " bytes";
  }

  /** The UTF-8 length of {@code text}, counted without encoding it (what MESSAGE_TOO_LARGE counts too). */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3; // a lone surrogate encodes as '?' (1 byte) in Java, but 3 keeps the bound safe
      }
    }
    return bytes;
  }
}
