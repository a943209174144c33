package peerlink.router;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collection;
import java.util.NavigableSet;
import java.util.Set;
import org.pcollections.TreePSet;

/** A group and its current members. Immutable: a change returns a new record sharing the rest. */
public final class GroupRecord {
  @JsonProperty private final String creator;
  @JsonProperty private final TreePSet<String> members;

  GroupRecord(String creator) {
    this(creator, TreePSet.singleton(creator));
  }

  @JsonCreator
  private GroupRecord(@JsonProperty("creator") String creator, @JsonProperty("members") Collection<String> members) {
    this.creator = creator;
    this.members = TreePSet.from(members);
  }

  private GroupRecord(String creator, TreePSet<String> members) {
    this.creator = creator;
    this.members = members;
  }

  public String creator() {
    return creator;
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

  GroupRecord with(String peer) {
    return new GroupRecord(creator, members.plus(peer));
  }

  GroupRecord without(String peer) {
    return new GroupRecord(creator, members.minus(peer));
  }
}
