package peerlink.router;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A delivered message's record as the store keeps it beside the journal ({@link RouterEvent.RecordsKept}), read
 * back when its sender asks for its state. Most are direct messages their one recipient has: those are kept as
 * the recipient's name (as {@link DeliveredRecords} keeps them in the heap), a byte {@link #DIRECT} and the name's
 * UTF-8, where the whole record in CBOR would be six times longer, in every replicated write. Any other record
 * is a byte {@link #WHOLE} and CBOR of the fields a checkpoint has (unknown fields skipped, so a later version
 * may add some).
 */
final class KeptRecordCodec {
  static final byte DIRECT = 1;
  static final byte WHOLE = 2;
  private static final ObjectMapper CBOR = CBORMapper.builder()
      .disable(MapperFeature.AUTO_DETECT_GETTERS, MapperFeature.AUTO_DETECT_IS_GETTERS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private KeptRecordCodec() {}

  static byte[] encode(MessageRecord record) {
    byte[] body;
    byte kind;
    if (record.isDirectAndDelivered()) {
      kind = DIRECT;
      body = record.to().getBytes(StandardCharsets.UTF_8);
    } else {
      kind = WHOLE;
      try {
        body = CBOR.writeValueAsBytes(record);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode a message record", e);
      }
    }
    byte[] encoded = new byte[body.length + 1];
    encoded[0] = kind;
    System.arraycopy(body, 0, encoded, 1, body.length);
    return encoded;
  }

  /** The record {@code sender}'s message had, as {@link #encode} kept it. */
  static MessageRecord decode(String sender, byte[] bytes) {
    byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
    if (bytes[0] == DIRECT) {
      return MessageRecord.deliveredDirect(sender, new String(body, StandardCharsets.UTF_8));
    }
    try {
      return CBOR.readValue(body, MessageRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("a kept message record in the store cannot be read: " + e.getMessage(), e);
    }
  }
}
