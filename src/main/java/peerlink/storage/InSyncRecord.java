package peerlink.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-sync set as the primary of {@code epoch} last recorded it in the replicated store: which stores
 * (by id, with their node's address) held every acknowledged write. An rm that lost its own record learns
 * from it which stores it must hear from before it may trust any of them to be the most advanced.
 */
public record InSyncRecord(long epoch, List<Member> members) {
  public static final InSyncRecord NONE = new InSyncRecord(0, List.of());

  /** One store of the set and the node that held it. */
  public record Member(String storeId, String address) {}

  public InSyncRecord {
    members = List.copyOf(members);
  }

  public List<String> storeIds() {
    return members.stream().map(Member::storeId).toList();
  }

  byte[] encode() {
    StringBuilder out = new StringBuilder().append(epoch);
    for (Member m : members) {
      out.append('\n').append(m.storeId()).append(' ').append(m.address());
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  static InSyncRecord decode(byte[] value) {
    String[] lines = new String(value, StandardCharsets.UTF_8).split("\n");
    List<Member> members = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int space = lines[i].indexOf(' ');
      members.add(new Member(lines[i].substring(0, space), lines[i].substring(space + 1)));
    }
    return new InSyncRecord(Long.parseLong(lines[0]), members);
  }
}
