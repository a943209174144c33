package peerlink.router;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import org.pcollections.TreePSet;

/**
 * A group: who created it, who owns it, whether it is private, its current members, the peers invited to
 * join it and the peers banned from it. Immutable: a change returns a new record sharing the rest.
 *
 * <p>The owner is the creator until it gives the group away. Ownership does not need membership: an owner
 * who left still owns the group (and may join it again, private or not), as every creator who left a group
 * before owners existed does. A checkpoint written before private groups has none of the new fields: its
 * groups read as public, owned by their creators, with no invitations and no bans.
 *
 * <p>Checkpoints hold the fields only: {@link #isPrivate} is no JSON property of its own.
 */
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.NONE)
public final class GroupRecord {
  @JsonProperty private final String creator;
  /** Null while the creator owns it (and in checkpoints from before owners), so the common case costs nothing. */
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_NULL) private final String owner;
  /** True for a private group; null (left out of checkpoints) for a public one. */
  @JsonProperty("private") @JsonInclude(JsonInclude.Include.NON_NULL) private final Boolean privateGroup;
  @JsonProperty private final TreePSet<String> members;
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_EMPTY) private final TreePSet<String> invited;
  @JsonProperty @JsonInclude(JsonInclude.Include.NON_EMPTY) private final TreePSet<String> banned;

  GroupRecord(String creator) {
    this(creator, false);
  }

  GroupRecord(String creator, boolean privateGroup) {
    this(creator, null, privateGroup ? Boolean.TRUE : null, TreePSet.singleton(creator), TreePSet.empty(), TreePSet.empty());
  }

  @JsonCreator
  private GroupRecord(
      @JsonProperty("creator") String creator,
      @JsonProperty("owner") String owner,
      @JsonProperty("private") Boolean privateGroup,
      @JsonProperty("members") Collection<String> members,
      @JsonProperty("invited") Collection<String> invited,
      @JsonProperty("banned") Collection<String> banned) {
    this(
        creator,
        owner == null || owner.equals(creator) ? null : owner,
        Boolean.TRUE.equals(privateGroup) ? Boolean.TRUE : null,
        TreePSet.from(members),
        invited == null ? TreePSet.empty() : TreePSet.from(invited),
        banned == null ? TreePSet.empty() : TreePSet.from(banned));
  }

  private GroupRecord(
      String creator, String owner, Boolean privateGroup, TreePSet<String> members, TreePSet<String> invited, TreePSet<String> banned) {
    this.creator = creator;
    this.owner = owner;
    this.privateGroup = privateGroup;
    this.members = members;
    this.invited = invited;
    this.banned = banned;
  }

  /** Who created the group: its quota place ({@code max-groups-per-peer}) is the creator's until it is deleted. */
  public String creator() {
    return creator;
  }

  /** Who may invite, remove, ban, unban, give the group away and delete it. */
  public String owner() {
    return owner == null ? creator : owner;
  }

  public boolean isOwner(String peer) {
    return owner().equals(peer);
  }

  public boolean isPrivate() {
    return privateGroup != null;
  }

  public Set<String> members() {
    return members;
  }

  /** The members, sorted, for pages of {@code members}. */
  NavigableSet<String> sortedMembers() {
    return members;
  }

  public boolean hasMember(String peer) {
    return members.contains(peer);
  }

  public boolean isInvited(String peer) {
    return invited.contains(peer);
  }

  public boolean isBanned(String peer) {
    return banned.contains(peer);
  }

  public int invitations() {
    return invited.size();
  }

  public int bans() {
    return banned.size();
  }

  public List<String> invitedPeers() {
    return List.copyOf(invited);
  }

  public List<String> bannedPeers() {
    return List.copyOf(banned);
  }

  /**
   * Whether {@code peer} may see the group (in {@code groups}) and, for its members and owner, who is in it:
   * anyone for a public group; its members, its owner and the peers it invited for a private one.
   */
  boolean visibleTo(String peer) {
    return !isPrivate() || hasMember(peer) || isOwner(peer) || isInvited(peer);
  }

  /** Whether {@code peer} may list the members: anyone for a public group; members and the owner for a private one. */
  boolean membersVisibleTo(String peer) {
    return !isPrivate() || hasMember(peer) || isOwner(peer);
  }

  /** {@code peer} joins: a member now, its invitation used up. */
  GroupRecord with(String peer) {
    return new GroupRecord(creator, owner, privateGroup, members.plus(peer), invited.minus(peer), banned);
  }

  GroupRecord without(String peer) {
    return new GroupRecord(creator, owner, privateGroup, members.minus(peer), invited, banned);
  }

  GroupRecord withInvited(String peer) {
    return new GroupRecord(creator, owner, privateGroup, members, invited.plus(peer), banned);
  }

  /** Removed by the owner: no longer a member, nor invited. */
  GroupRecord removed(String peer) {
    return new GroupRecord(creator, owner, privateGroup, members.minus(peer), invited.minus(peer), banned);
  }

  /** Banned: removed, and refused when it joins or is invited, until unbanned. */
  GroupRecord withBanned(String peer) {
    return new GroupRecord(creator, owner, privateGroup, members.minus(peer), invited.minus(peer), banned.plus(peer));
  }

  GroupRecord withoutBan(String peer) {
    return new GroupRecord(creator, owner, privateGroup, members, invited, banned.minus(peer));
  }

  GroupRecord ownedBy(String peer) {
    return new GroupRecord(creator, peer.equals(creator) ? null : peer, privateGroup, members, invited, banned);
  }
}
