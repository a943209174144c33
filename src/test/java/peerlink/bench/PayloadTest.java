package peerlink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PayloadTest {
  @Test
  void bodiesAreOneHundredBytesAndDecodeBack() {
    String body = Payload.encode(3, 41, 12_345, 987_654_321_012L);
    assertEquals(Payload.SIZE, body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    assertEquals(new Payload.Fields(3, 41, 12_345, 987_654_321_012L), Payload.decode(body));
  }

  @Test
  void negativeNanoTimesSurvive() {
    assertEquals(-5L, Payload.decode(Payload.encode(0, 0, 0, -5)).sentNanos());
  }

  @Test
  void otherTextIsNotAPayload() {
    assertNull(Payload.decode("hello"));
    assertNull(Payload.decode("1:2:3"));
    assertNull(Payload.decode("1:x:3:4:"));
    assertNull(Payload.decode(""));
  }
}
