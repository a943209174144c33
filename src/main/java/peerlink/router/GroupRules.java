package peerlink.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.function.Consumer;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.Names;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.ServerFrame;

/**
 * The router's rules for groups and blocks (issue 22: "no client can hurt another"): who may create, join,
 * list and leave a group, what its owner may do (invite, remove, ban, unban, give it away, delete it), and
 * whom a peer blocks. Part of {@link Decisions}: pure, against the state before the batch, each request in
 * a batch of its own ({@link Decisions#changesStructure}); a refusal is a {@link ProtocolException}, a change
 * an event handed to {@code emit}. docs/protocol.md, section 10, states the same rules for clients.
 *
 * <p>Requests that would change nothing (joining a group you are in, banning a banned peer, blocking a
 * blocked one) succeed without an event, so a client that retries after a timeout gets the same answer.
 */
final class GroupRules {
  private final RouterState state;
  private final Quotas quotas;
  private final long now;
  private final Consumer<RouterEvent> emit;

  GroupRules(RouterState state, Quotas quotas, long now, Consumer<RouterEvent> emit) {
    this.state = state;
    this.quotas = quotas;
    this.now = now;
    this.emit = emit;
  }

  /** Whether this class answers the request. */
  static boolean handles(ClientFrame.Request request) {
    return request instanceof ClientFrame.CreateGroup
        || request instanceof ClientFrame.JoinGroup
        || request instanceof ClientFrame.LeaveGroup
        || request instanceof ClientFrame.ListGroups
        || request instanceof ClientFrame.ListMembers
        || request instanceof ClientFrame.OwnerRequest
        || request instanceof ClientFrame.DeleteGroup
        || request instanceof ClientFrame.Block
        || request instanceof ClientFrame.Unblock;
  }

  /** Whether the request may change groups or blocks, so it must be decided alone (reads may share a batch). */
  static boolean changesStructure(ClientFrame.Request request) {
    return handles(request) && !(request instanceof ClientFrame.ListGroups || request instanceof ClientFrame.ListMembers);
  }

  ServerFrame answer(String peer, ClientFrame.Request request) {
    if (request instanceof ClientFrame.CreateGroup c) return create(peer, c);
    if (request instanceof ClientFrame.JoinGroup j) return join(peer, j);
    if (request instanceof ClientFrame.LeaveGroup l) return leave(peer, l);
    if (request instanceof ClientFrame.ListGroups g) return listGroups(peer, g);
    if (request instanceof ClientFrame.ListMembers m) return listMembers(peer, m);
    if (request instanceof ClientFrame.Invite i) return invite(peer, i);
    if (request instanceof ClientFrame.RemoveMember r) return remove(peer, r);
    if (request instanceof ClientFrame.Ban b) return ban(peer, b);
    if (request instanceof ClientFrame.Unban u) return unban(peer, u);
    if (request instanceof ClientFrame.GiveGroup g) return give(peer, g);
    if (request instanceof ClientFrame.DeleteGroup d) return delete(peer, d);
    if (request instanceof ClientFrame.Block b) return block(peer, b);
    if (request instanceof ClientFrame.Unblock u) return unblock(peer, u);
    throw new IllegalArgumentException("not a group request: " + request);
  }

  // ---- every peer ----

  private ServerFrame create(String peer, ClientFrame.CreateGroup c) {
    Names.requireNewName("Group name", c.group());
    if (state.group(c.group()) != null) {
      throw new ProtocolException(ErrorCode.GROUP_EXISTS, "Group '" + c.group() + "' already exists.");
    }
    if (state.peer(c.group()) != null) {
      throw new ProtocolException(ErrorCode.NAME_TAKEN, "'" + c.group() + "' is the ID of a peer.");
    }
    if (state.groupsCreatedBy(peer) >= quotas.maxGroupsPerPeer()) {
      throw new ProtocolException(
          ErrorCode.TOO_MANY_GROUPS,
          "You have created " + state.groupsCreatedBy(peer) + " groups; the limit is " + quotas.maxGroupsPerPeer() + " per peer.");
    }
    emit.accept(new RouterEvent.GroupCreated(c.group(), peer, now, c.wantsPrivate() ? Boolean.TRUE : null));
    return ServerFrame.Ok.plain(c.id());
  }

  private ServerFrame join(String peer, ClientFrame.JoinGroup j) {
    GroupRecord group = existingGroup(j.group());
    if (group.hasMember(peer)) {
      return ServerFrame.Ok.plain(j.id()); // joining twice is harmless, so a retried join succeeds
    }
    if (group.isBanned(peer)) {
      throw new ProtocolException(ErrorCode.BANNED, "You are banned from group '" + j.group() + "'.");
    }
    if (group.isPrivate() && !group.isInvited(peer) && !group.isOwner(peer)) {
      throw new ProtocolException(ErrorCode.NOT_INVITED, "Group '" + j.group() + "' is private: you may join it once its owner invites you.");
    }
    if (group.members().size() >= quotas.maxMembersPerGroup()) {
      throw new ProtocolException(
          ErrorCode.GROUP_FULL,
          "Group '" + j.group() + "' has " + group.members().size() + " members; the limit is " + quotas.maxMembersPerGroup() + ".");
    }
    emit.accept(new RouterEvent.GroupJoined(j.group(), peer));
    return ServerFrame.Ok.plain(j.id());
  }

  /** Anyone may leave, the owner too: it stays the owner (and may join again), as docs/protocol.md says. */
  private ServerFrame leave(String peer, ClientFrame.LeaveGroup l) {
    if (!existingGroup(l.group()).hasMember(peer)) {
      throw new ProtocolException(ErrorCode.NOT_A_MEMBER, "You are not a member of group '" + l.group() + "'.");
    }
    emit.accept(new RouterEvent.GroupLeft(l.group(), peer));
    return ServerFrame.Ok.plain(l.id());
  }

  /**
   * A page of the groups {@code peer} may see after {@code g.after()}, by name: every public group, and the
   * private ones it is in, owns or is invited to (flagged so). Reads the groups up to the end of that page,
   * skipping the private groups hidden from {@code peer}.
   */
  private ServerFrame listGroups(String peer, ClientFrame.ListGroups g) {
    int limit = g.limit() == null ? PageLimits.MAX_LIST : g.limit();
    Map<String, GroupRecord> rest = g.after() == null ? state.sortedGroups() : state.sortedGroups().tailMap(g.after(), false);
    List<ServerFrame.GroupInfo> groups = new ArrayList<>();
    String next = null;
    for (Map.Entry<String, GroupRecord> entry : rest.entrySet()) {
      GroupRecord group = entry.getValue();
      if (!group.visibleTo(peer)) {
        continue;
      }
      if (groups.size() == limit) {
        next = groups.get(limit - 1).name();
        break;
      }
      boolean member = group.hasMember(peer);
      groups.add(
          new ServerFrame.GroupInfo(
              entry.getKey(), group.members().size(), member, group.isPrivate() ? Boolean.TRUE : null,
              group.isInvited(peer) ? Boolean.TRUE : null));
    }
    return new ServerFrame.GroupList(g.id(), groups, next);
  }

  /** A page of a group's members after {@code m.after()}, with its owner; a private group's only to its members and owner. */
  private ServerFrame listMembers(String peer, ClientFrame.ListMembers m) {
    GroupRecord group = existingGroup(m.group());
    if (!group.membersVisibleTo(peer)) {
      throw new ProtocolException(ErrorCode.NOT_A_MEMBER, "Group '" + m.group() + "' is private: only its members see who is in it.");
    }
    int limit = m.limit() == null ? PageLimits.MAX_LIST : m.limit();
    NavigableSet<String> all = group.sortedMembers();
    List<String> members = new ArrayList<>();
    String next = null;
    for (String member : m.after() == null ? all : all.tailSet(m.after(), false)) {
      if (members.size() == limit) {
        next = members.get(limit - 1);
        break;
      }
      members.add(member);
    }
    return new ServerFrame.MemberList(m.id(), m.group(), members, next, group.owner());
  }

  // ---- the owner ----

  private ServerFrame invite(String owner, ClientFrame.Invite i) {
    GroupRecord group = ownedGroup(owner, i.group(), "invite peers to it");
    if (!group.isPrivate()) {
      throw new ProtocolException(ErrorCode.NOT_PERMITTED, "Group '" + i.group() + "' is public: anyone may join it without an invitation.");
    }
    existingPeer(i.peer());
    if (group.isBanned(i.peer())) {
      throw new ProtocolException(ErrorCode.BANNED, i.peer() + " is banned from group '" + i.group() + "'; unban it first.");
    }
    if (group.hasMember(i.peer()) || group.isInvited(i.peer()) || group.isOwner(i.peer())) {
      return ServerFrame.Ok.plain(i.id()); // nothing to add: it is in, or may join already
    }
    if (group.invitations() >= quotas.maxInvitationsPerGroup()) {
      throw new ProtocolException(
          ErrorCode.TOO_MANY_INVITATIONS,
          "Group '" + i.group() + "' has " + group.invitations() + " open invitations; the limit is " + quotas.maxInvitationsPerGroup()
              + ". Withdraw one with remove, or wait until the invited peers join.");
    }
    emit.accept(new RouterEvent.GroupInvited(i.group(), i.peer()));
    return ServerFrame.Ok.plain(i.id());
  }

  /** Takes a member out, or withdraws an invitation; a public group's member may join again (ban keeps it out). */
  private ServerFrame remove(String owner, ClientFrame.RemoveMember r) {
    GroupRecord group = ownedGroup(owner, r.group(), "remove members");
    if (r.peer().equals(owner)) {
      throw new ProtocolException(ErrorCode.NOT_PERMITTED, "You own group '" + r.group() + "': leave it with leave_group instead.");
    }
    if (!group.hasMember(r.peer()) && !group.isInvited(r.peer())) {
      throw new ProtocolException(ErrorCode.NOT_A_MEMBER, r.peer() + " is not a member of group '" + r.group() + "', nor invited to it.");
    }
    emit.accept(new RouterEvent.GroupMemberRemoved(r.group(), r.peer()));
    return ServerFrame.Ok.plain(r.id());
  }

  private ServerFrame ban(String owner, ClientFrame.Ban b) {
    GroupRecord group = ownedGroup(owner, b.group(), "ban peers");
    if (b.peer().equals(owner)) {
      throw new ProtocolException(ErrorCode.NOT_PERMITTED, "You cannot ban yourself from your own group '" + b.group() + "'.");
    }
    existingPeer(b.peer());
    if (group.isBanned(b.peer())) {
      return ServerFrame.Ok.plain(b.id());
    }
    if (group.bans() >= quotas.maxBansPerGroup()) {
      throw new ProtocolException(
          ErrorCode.TOO_MANY_BANS,
          "Group '" + b.group() + "' has banned " + group.bans() + " peers; the limit is " + quotas.maxBansPerGroup() + ".");
    }
    emit.accept(new RouterEvent.GroupBanned(b.group(), b.peer()));
    return ServerFrame.Ok.plain(b.id());
  }

  private ServerFrame unban(String owner, ClientFrame.Unban u) {
    GroupRecord group = ownedGroup(owner, u.group(), "unban peers");
    if (group.isBanned(u.peer())) {
      emit.accept(new RouterEvent.GroupUnbanned(u.group(), u.peer()));
    } else {
      existingPeer(u.peer()); // a peer that is not banned: nothing to do, but a name nobody has is a typo worth telling
    }
    return ServerFrame.Ok.plain(u.id());
  }

  private ServerFrame give(String owner, ClientFrame.GiveGroup g) {
    GroupRecord group = ownedGroup(owner, g.group(), "give it away");
    if (g.peer().equals(owner)) {
      return ServerFrame.Ok.plain(g.id());
    }
    if (!group.hasMember(g.peer())) {
      throw new ProtocolException(ErrorCode.NOT_A_MEMBER, g.peer() + " is not a member of group '" + g.group() + "'; only a member can take it over.");
    }
    emit.accept(new RouterEvent.GroupGiven(g.group(), g.peer()));
    return ServerFrame.Ok.plain(g.id());
  }

  private ServerFrame delete(String owner, ClientFrame.DeleteGroup d) {
    ownedGroup(owner, d.group(), "delete it");
    emit.accept(new RouterEvent.GroupDeleted(d.group()));
    return ServerFrame.Ok.plain(d.id());
  }

  // ---- blocks ----

  private ServerFrame block(String peer, ClientFrame.Block b) {
    if (b.peer().equals(peer)) {
      throw new ProtocolException(ErrorCode.NOT_PERMITTED, "You cannot block yourself.");
    }
    existingPeer(b.peer());
    if (state.blocks(peer, b.peer())) {
      return ServerFrame.Ok.plain(b.id());
    }
    if (state.blockCount(peer) >= quotas.maxBlocksPerPeer()) {
      throw new ProtocolException(
          ErrorCode.TOO_MANY_BLOCKS, "You have blocked " + state.blockCount(peer) + " peers; the limit is " + quotas.maxBlocksPerPeer() + ". Unblock one first.");
    }
    emit.accept(new RouterEvent.PeerBlocked(peer, b.peer()));
    return ServerFrame.Ok.plain(b.id());
  }

  private ServerFrame unblock(String peer, ClientFrame.Unblock u) {
    if (state.blocks(peer, u.peer())) {
      emit.accept(new RouterEvent.PeerUnblocked(peer, u.peer()));
    } else {
      existingPeer(u.peer());
    }
    return ServerFrame.Ok.plain(u.id());
  }

  // ---- lookups ----

  private GroupRecord existingGroup(String name) {
    GroupRecord group = state.group(name);
    if (group == null) {
      throw new ProtocolException(ErrorCode.UNKNOWN_GROUP, "No group is named '" + name + "'.");
    }
    return group;
  }

  /** The group, if {@code peer} owns it; {@code what} ends the refusal "Only the owner of group 'x' may ...". */
  private GroupRecord ownedGroup(String peer, String name, String what) {
    GroupRecord group = existingGroup(name);
    if (!group.isOwner(peer)) {
      throw new ProtocolException(ErrorCode.NOT_OWNER, "Only the owner of group '" + name + "' may " + what + ".");
    }
    return group;
  }

  private void existingPeer(String id) {
    if (state.peer(id) == null) {
      throw new ProtocolException(ErrorCode.UNKNOWN_PEER, "No peer is registered as '" + id + "'.");
    }
  }
}
