package peerlink.storage;

import java.nio.ByteBuffer;

/** Which snapshot is an id's latest, and when it was taken (epoch millis), without its content. */
public record SnapshotInfo(long sequenceNr, long timestamp) {

  byte[] encode() {
    return ByteBuffer.allocate(2 * Long.BYTES).putLong(sequenceNr).putLong(timestamp).array();
  }

  static SnapshotInfo decode(byte[] value) {
    ByteBuffer buffer = ByteBuffer.wrap(value);
    return new SnapshotInfo(buffer.getLong(), buffer.getLong());
  }
}
