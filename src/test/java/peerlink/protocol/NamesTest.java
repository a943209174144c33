package peerlink.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The identifier profile for new names, as a table: each name, accepted or why refused. */
class NamesTest {

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("alice", "plain ASCII"),
        Arguments.of("Alice", "upper case is kept (and is another ID than alice)"),
        Arguments.of("bob-2_x.y", "ASCII digits and the separators - _ ."),
        Arguments.of("josé", "Latin with an accent, in NFC"),
        Arguments.of("李雷", "Han"),
        Arguments.of("Ωμέγα", "Greek alone"),
        Arguments.of("Андрей", "Cyrillic alone"),
        Arguments.of("tanaka田中さん", "Latin with Han and Hiragana (HIGHLY_RESTRICTIVE allows Japanese mixes)"),
        Arguments.of("محمد٣", "Arabic with an Arabic-Indic digit"),
        Arguments.of("\u0430\u0441\u0435", "all-Cyrillic асе, a whole-script look-alike of Latin ace: not refused (names are not compared)"));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("\u0430lice", "mixes scripts", "Cyrillic а among Latin letters"),
        Arguments.of("Ωmega", "mixes scripts", "Greek Ω among Latin letters"),
        Arguments.of("alice\u200b", "U+200B ZERO WIDTH SPACE at position 6", "zero-width space"),
        Arguments.of("\u200d", "U+200D ZERO WIDTH JOINER at position 1", "a lone zero-width joiner"),
        Arguments.of("ali\u202ece", "U+202E RIGHT-TO-LEFT OVERRIDE at position 4", "a bidi override"),
        Arguments.of("\uff41\uff4c\uff49\uff43\uff45", "a compatibility variant of 'a'", "fullwidth letters"),
        Arguments.of("al\ud800ice", "not valid Unicode: a lone surrogate at position 3", "a lone surrogate"),
        Arguments.of("jose\u0301", "not in Unicode normalization form C; send it as 'josé'", "decomposed é (NFD)"),
        Arguments.of("\u0301abc", "may not start with a combining mark", "a leading combining mark"),
        Arguments.of("alice smith", "U+0020 SPACE at position 6", "a space"),
        Arguments.of("tab\there", "U+0009", "a control character"),
        Arguments.of("alice@home", "U+0040 COMMERCIAL AT", "ASCII punctuation other than - _ ."),
        Arguments.of("a\u00a0b", "U+00A0 NO-BREAK SPACE", "a non-breaking space"),
        Arguments.of("love\u2665", "U+2665", "a symbol"),
        Arguments.of("12\u0663", "mixes digits of different number systems", "ASCII and Arabic-Indic digits"),
        Arguments.of("", "is empty", "empty"),
        Arguments.of("x".repeat(65), "65 characters long", "too long"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("accepted")
  void newNameIsAccepted(String name, String why) {
    assertEquals(name, Names.requireNewName("Peer ID", name));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("refused")
  void newNameIsRefusedWithItsReason(String name, String reason, String what) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> Names.requireNewName("Peer ID", name));
    assertEquals(ErrorCode.INVALID_NAME, e.code());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void namesMadeUnderTheOlderRuleStillPassItForLoginAndSend() {
    for (String existing : new String[] {"\u0430lice", "alice\u200b", "\uff41\uff4c\uff49\uff43\uff45", "alice@home", "Ωmega"}) {
      assertEquals(existing, Names.requireValid("Receiver", existing));
    }
  }

  @Test
  void theOlderRuleRefusesALoneSurrogateToo() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> Names.requireValid("Receiver", "al\udc00"));
    assertTrue(e.getMessage().contains("lone surrogate at position 3"), e.getMessage());
  }
}
