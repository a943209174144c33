package peerlink.storage;

/** One raw change to a node's store: put {@code value} at {@code key}, or delete the key when value is null. */
public record Mutation(byte[] key, byte[] value) {
  public static Mutation put(byte[] key, byte[] value) {
    return new Mutation(key, value);
  }

  public static Mutation delete(byte[] key) {
    return new Mutation(key, null);
  }

  public boolean isDelete() {
    return value == null;
  }
}
