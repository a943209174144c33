package peerlink.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which client ids a {@link SendRun} reads, and what it proves about them. */
class SendRunTest {
  @Test
  void anIdIsAPrefixADashAndUpToEighteenDigits() {
    SendRun.Parsed id = SendRun.parse("9f2c41aa07b3-42");
    assertEquals("9f2c41aa07b3", id.prefixText());
    assertEquals(42, id.number());
    assertEquals("a-b", SendRun.parse("a-b-7").prefixText(), "the last dash ends the prefix");
    assertEquals(999_999_999_999_999_999L, SendRun.parse("p-999999999999999999").number());
    assertNull(SendRun.parse("p-1000000000000000000"), "19 digits may not fit a long: not a counter");
    assertNull(SendRun.parse("-5"), "no prefix");
    assertNull(SendRun.parse("p-"), "no number");
    assertNull(SendRun.parse("p-5a"));
    assertNull(SendRun.parse("c42"));
    assertNull(SendRun.parse("p-\u0665"), "only ASCII digits");
  }

  @Test
  void aRunProvesNewOnlyHigherNumbersOfItsOwnPrefix() {
    SendRun run = new SendRun(SendRun.parse("p-0").prefix(), 7);
    assertTrue(run.provesNew(SendRun.parse("p-8")));
    assertTrue(run.provesNew(SendRun.parse("p-0008")), "the number, not the text");
    assertFalse(run.provesNew(SendRun.parse("p-7")));
    assertFalse(run.provesNew(SendRun.parse("p-07")), "another text of a number it may have sent: looked up");
    assertFalse(run.provesNew(SendRun.parse("q-8")));
    assertFalse(run.provesNew(SendRun.parse("p-1-8")), "prefix p-1, not p");
    assertFalse(run.provesNew(null), "an id of another form");
    assertEquals(9, run.after(SendRun.parse("p-9")).highest());
    assertEquals(run, run.after(SendRun.parse("p-3")), "a lower number leaves the highest");
  }

  @Test
  void aStoredIdCountsForAPrefixOnlyWhenItIsThatPrefixADashAndDigits() {
    assertEquals(12, SendRun.numberWithPrefix("p-12", "p"));
    assertEquals(-1, SendRun.numberWithPrefix("p-1-2", "p"), "an id of prefix p-1");
    assertEquals(2, SendRun.numberWithPrefix("p-1-2", "p-1"));
    assertEquals(-1, SendRun.numberWithPrefix("px-12", "p"));
    assertEquals(-1, SendRun.numberWithPrefix("p-", "p"));
  }

  @Test
  void prefixesAreHashedApart() {
    assertNotEquals(SendRun.parse("a-1").prefix(), SendRun.parse("b-1").prefix());
    assertEquals(SendRun.parse("a-1").prefix(), SendRun.parse("a-2").prefix());
  }
}
