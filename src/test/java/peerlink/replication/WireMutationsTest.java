package peerlink.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import peerlink.storage.Mutation;

/** Mutations survive the trip through the wire form, which takes no more bytes than it needs. */
class WireMutationsTest {
  @Test
  void aCheckpointPartIsEncodedIntoAnArrayOfExactlyItsSize() {
    byte[] part = new byte[ReplicatedEventLog.SNAPSHOT_PART_BYTES];
    part[0] = 7;
    part[part.length - 1] = 9;
    List<Mutation> write = List.of(Mutation.put(new byte[] {1, 2, 3}, part), Mutation.delete(new byte[] {4}));

    List<byte[]> encoded = WireMutations.split(write, WireMutations.PART_BYTES);

    assertEquals(1, encoded.size());
    // count, then key length, key, value length, value; then key length, key, -1
    assertEquals(4 + (4 + 3 + 4 + part.length) + (4 + 1 + 4), encoded.get(0).length);
    List<Mutation> decoded = WireMutations.join(encoded);
    assertEquals(2, decoded.size());
    assertArrayEquals(new byte[] {1, 2, 3}, decoded.get(0).key());
    assertArrayEquals(part, decoded.get(0).value());
    assertTrue(decoded.get(1).isDelete());
    assertArrayEquals(new byte[] {4}, decoded.get(1).key());
  }

  @Test
  void aWriteBiggerThanAPartIsCutAndJoinedBack() {
    byte[] big = new byte[2 * WireMutations.PART_BYTES + 100];
    big[big.length / 2] = 5;
    List<byte[]> parts = WireMutations.split(List.of(Mutation.put(new byte[] {1}, big)), WireMutations.PART_BYTES);

    assertEquals(3, parts.size());
    assertArrayEquals(big, WireMutations.join(parts).get(0).value());
  }
}
