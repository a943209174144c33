package peerlink.replication;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import peerlink.storage.Mutation;

/**
 * Store mutations as they travel between replicas: encoded once into one byte stream and cut into parts
 * of a bounded size, so that no cluster message grows with the write. A checkpoint of a big registry is
 * one mutation of tens of megabytes; as one message it would exceed Artery's frame size and be dropped
 * over and over, holding up every write behind it.
 */
final class WireMutations {
  /** Parts are at most this big: well below the large-message frame, small enough to interleave. */
  static final int PART_BYTES = 512 * 1024;

  private WireMutations() {}

  /** The mutations as parts of at most {@code partBytes} bytes each; always at least one part. */
  static List<byte[]> split(List<Mutation> mutations, int partBytes) {
    byte[] all = encode(mutations);
    if (all.length <= partBytes) {
      return List.of(all); // the common case: one part, no copy
    }
    List<byte[]> parts = new ArrayList<>(all.length / partBytes + 1);
    int from = 0;
    do {
      int to = (int) Math.min(all.length, (long) from + partBytes);
      parts.add(Arrays.copyOfRange(all, from, to));
      from = to;
    } while (from < all.length);
    return parts;
  }

  /** The mutations that {@link #split} cut into {@code parts}, given in order. */
  static List<Mutation> join(List<byte[]> parts) {
    if (parts.size() == 1) {
      return decode(parts.get(0));
    }
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return decode(all);
  }

  /**
   * Into an array of exactly the encoded size. A growing stream would end in a buffer up to twice the
   * size and a copy: for a checkpoint part of 256 KiB, a 512 KiB buffer, which G1 allocates as a
   * humongous object (half a region of a 1 GiB heap) and answers with a concurrent cycle.
   */
  private static byte[] encode(List<Mutation> mutations) {
    long size = Integer.BYTES;
    for (Mutation m : mutations) {
      size += 2L * Integer.BYTES + m.key().length + (m.isDelete() ? 0 : m.value().length);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a replicated write of " + size + " bytes is too big to encode");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.putInt(mutations.size());
    for (Mutation m : mutations) {
      out.putInt(m.key().length);
      out.put(m.key());
      out.putInt(m.isDelete() ? -1 : m.value().length);
      if (!m.isDelete()) {
        out.put(m.value());
      }
    }
    return out.array();
  }

  /** Reads one or more encoded lists back to back: parts of separately encoded lists join too. */
  private static List<Mutation> decode(byte[] all) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all))) {
      List<Mutation> mutations = new ArrayList<>();
      while (in.available() > 0) {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          byte[] key = readExactly(in, in.readInt());
          int valueLength = in.readInt();
          mutations.add(valueLength < 0 ? Mutation.delete(key) : Mutation.put(key, readExactly(in, valueLength)));
        }
      }
      return mutations;
    } catch (IOException e) {
      throw new IllegalArgumentException("a replicated write is truncated or corrupt", e);
    }
  }

  private static byte[] readExactly(DataInputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }
}
