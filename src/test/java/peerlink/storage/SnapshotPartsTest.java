package peerlink.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A payload written through SnapshotParts arrives cut into full parts and a last one, in order, whole. */
class SnapshotPartsTest {
  private static final int PART = 8;

  private final List<String> calls = new ArrayList<>();
  private final ByteArrayOutputStream joined = new ByteArrayOutputStream();
  private final SnapshotParts parts = new SnapshotParts(PART, new SnapshotParts.Sink() {
    @Override
    public void part(int index, byte[] bytes) {
      calls.add("part " + index + " of " + bytes.length);
      joined.writeBytes(bytes);
    }

    @Override
    public void last(byte[] rest, boolean afterParts) {
      calls.add("last of " + rest.length + (afterParts ? " after parts" : " alone"));
      joined.writeBytes(rest);
    }
  });

  @Test
  void anEmptyPayloadIsOneEmptyLastPart() {
    assertEquals(0, parts.finish());
    assertEquals(List.of("last of 0 alone"), calls);
  }

  @Test
  void aPayloadOfExactlyOnePartIsWrittenAsTheLastAlone() {
    parts.write(new byte[PART], 0, PART);
    parts.finish();
    assertEquals(List.of("last of 8 alone"), calls, "a full buffer is handed on only when more follows");
  }

  @Test
  void aLongPayloadIsCutIntoFullPartsAndTheRestWhateverTheWriteSizes() {
    byte[] payload = new byte[3 * PART + 3];
    new Random(7).nextBytes(payload);
    parts.write(payload, 0, 5);
    parts.write(payload[5]);
    parts.write(payload, 6, payload.length - 6);

    assertEquals(payload.length, parts.finish());
    assertEquals(List.of("part 0 of 8", "part 1 of 8", "part 2 of 8", "last of 3 after parts"), calls);
    assertArrayEquals(payload, joined.toByteArray());
    assertEquals(3, parts.parts());
  }

  @Test
  void nothingCanBeWrittenAfterTheLastPart() {
    parts.finish();
    assertThrows(IllegalStateException.class, () -> parts.write(1));
    assertEquals(0, parts.finish(), "finishing twice hands on nothing more");
    assertEquals(1, calls.size());
  }
}
