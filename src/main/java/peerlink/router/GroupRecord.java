package peerlink.router;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Set;
import java.util.TreeSet;

/** A group and its current members. */
public final class GroupRecord {
  @JsonProperty private String creator;
  @JsonProperty private TreeSet<String> members = new TreeSet<>();

  private GroupRecord() {}

  GroupRecord(String creator) {
    this.creator = creator;
    members.add(creator);
  }

  GroupRecord copy() {
    GroupRecord copy = new GroupRecord();
    copy.creator = creator;
    copy.members = new TreeSet<>(members);
    return copy;
  }

  public String creator() {
    return creator;
  }

  public Set<String> members() {
    return java.util.Collections.unmodifiableSet(members);
  }

  public boolean hasMember(String peer) {
    return members.contains(peer);
  }

  void add(String peer) {
    members.add(peer);
  }

  void remove(String peer) {
    members.remove(peer);
  }
}
