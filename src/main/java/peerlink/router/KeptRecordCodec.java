package peerlink.router;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A delivered message's record as the store keeps it beside the journal ({@link RouterEvent.RecordsKept}): CBOR
 * of the same fields a checkpoint has, read back when its sender asks for its state. Only the annotated
 * fields, as in a checkpoint, and unknown fields are skipped, so a later version may add some.
 */
final class KeptRecordCodec {
  private static final ObjectMapper CBOR = CBORMapper.builder()
      .disable(MapperFeature.AUTO_DETECT_GETTERS, MapperFeature.AUTO_DETECT_IS_GETTERS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private KeptRecordCodec() {}

  static byte[] encode(MessageRecord record) {
    try {
      return CBOR.writeValueAsBytes(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a message record", e);
    }
  }

  static MessageRecord decode(byte[] bytes) {
    try {
      return CBOR.readValue(bytes, MessageRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("a kept message record in the store cannot be read: " + e.getMessage(), e);
    }
  }
}
