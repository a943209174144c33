package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A delivered message's record as the store keeps it: a direct one as its recipient's name, any other whole. */
class KeptRecordCodecTest {

  @Test
  void aDirectMessageItsRecipientHasIsKeptAsTheName() {
    MessageRecord record = new MessageRecord("alice", "bob", List.of("bob")).deliveredTo("bob");
    byte[] kept = KeptRecordCodec.encode(record);
    assertEquals(KeptRecordCodec.DIRECT, kept[0]);
    assertEquals(1 + "bob".length(), kept.length);
    assertEquals(List.of(MessageState.DELIVERED, List.of("bob"), List.of("bob"), "alice"), parts(KeptRecordCodec.decode("alice", kept)));
  }

  @Test
  void aGroupMessageWithRejectionsAndExpiriesIsKeptWhole() {
    MessageRecord record = new MessageRecord("alice", "team", List.of("bob", "carol"), Boolean.FALSE, List.of("dave"), List.of("erin"), 1_000L)
        .deliveredTo("bob").expiredFor(List.of("carol"));
    byte[] kept = KeptRecordCodec.encode(record);
    assertEquals(KeptRecordCodec.WHOLE, kept[0]);
    MessageRecord read = KeptRecordCodec.decode("alice", kept);
    assertEquals(parts(record), parts(read));
    assertEquals(List.of(record.rejected(), record.blocked(), record.expired(), record.to()), List.of(read.rejected(), read.blocked(), read.expired(), read.to()));
  }

  private static List<Object> parts(MessageRecord record) {
    return List.of(record.state(), record.recipients(), record.delivered(), record.from());
  }
}
