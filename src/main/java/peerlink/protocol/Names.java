package peerlink.protocol;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.SpoofChecker;
import java.text.Normalizer;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules for peer IDs and group names, which share one namespace (docs/protocol.md, section 11).
 *
 * <p>A new name (a {@code register} that creates a peer, a {@code create_group}) must be an identifier in
 * the sense of {@link #requireNewName}: a subset of the PRECIS IdentifierClass (RFC 8264) with the mixed-script
 * rules of UTS 39. Names that already exist were made under the older, looser rule ({@link #requireValid}),
 * so that rule is what a {@code login} or the {@code to} of a {@code send} still has to pass: an existing
 * peer keeps its ID.
 */
public final class Names {
  private Names() {}

  /** ASCII characters besides letters and digits that a new name may hold (PRECIS allows all of ASCII; we keep a few separators). */
  static final String SEPARATORS = "-_.";

  /**
   * Refuses what UTS 39 calls spoofing within one name: letters of scripts that are not normally written
   * together (Latin with Cyrillic or Greek: {@code аlice} with a Cyrillic {@code а}), digits of two number
   * systems, and invisible characters. HIGHLY_RESTRICTIVE allows one script, or Latin with Han and the
   * Japanese kana, Han with Bopomofo, Han with Hangul. The checker is immutable and thread-safe once built.
   */
  private static final SpoofChecker SPOOF =
      new SpoofChecker.Builder()
          .setRestrictionLevel(SpoofChecker.RestrictionLevel.HIGHLY_RESTRICTIVE)
          .setChecks(SpoofChecker.RESTRICTION_LEVEL | SpoofChecker.MIXED_NUMBERS | SpoofChecker.INVISIBLE)
          .build();

  /**
   * The older rule, still applied to names that may already exist: a {@code login}'s ID and a {@code send}'s
   * {@code to}. 1 to 64 UTF-16 code units, valid Unicode, no whitespace, space or control characters.
   * Returns the name if it passes, or throws INVALID_NAME saying what is wrong with it.
   */
  public static String requireValid(String what, String name) {
    requireLength(what, name);
    requireWellFormed(what, name);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        throw new ProtocolException(
            ErrorCode.INVALID_NAME, what + " contains a space or control character at position " + (i + 1) + ".");
      }
    }
    return name;
  }

  /**
   * The identifier profile for a name being created. In this order, each with its own sentence:
   *
   * <ol>
   *   <li>1 to 64 UTF-16 code units, and valid Unicode (no lone surrogate);
   *   <li>in Normalization Form C: a name that is not is refused (not silently normalised), and the sentence
   *       gives its NFC form, so that the name a client registered is exactly the one it will log in with;
   *   <li>every character a letter (Unicode categories L), a combining mark (M) that does not start the name,
   *       a decimal digit (Nd), or one of {@code - _ .}; no compatibility variant (one that NFKC changes, such as
   *       fullwidth {@code ａ}). So no spaces, symbols, controls, bidi controls, zero-width or other invisible
   *       characters (category Cf), unassigned code points;
   *   <li>the UTS 39 checks of {@link #SPOOF}: no mixed-script confusables, one digit system, no invisible marks.
   * </ol>
   *
   * <p>Case is kept and compared exactly: {@code Alice} and {@code alice} are two IDs (PRECIS
   * UsernameCasePreserved). Returns the name if it passes, or throws INVALID_NAME.
   */
  public static String requireNewName(String what, String name) {
    requireLength(what, name);
    requireWellFormed(what, name);
    if (!Normalizer.isNormalized(name, Normalizer.Form.NFC)) {
      throw new ProtocolException(
          ErrorCode.INVALID_NAME,
          what + " is not in Unicode normalization form C; send it as '" + Normalizer.normalize(name, Normalizer.Form.NFC) + "'.");
    }
    int position = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      position++;
      requireAllowed(what, cp, position);
    }
    SpoofChecker.CheckResult result = new SpoofChecker.CheckResult();
    if (SPOOF.failsChecks(name, result)) {
      throw new ProtocolException(ErrorCode.INVALID_NAME, what + spoofReason(name, result.checks));
    }
    return name;
  }

  private static void requireAllowed(String what, int cp, int position) {
    if (cp < 0x80) {
      if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || SEPARATORS.indexOf(cp) >= 0) {
        return;
      }
      throw refused(what, cp, position, "IDs and group names hold letters, digits and " + String.join(" ", SEPARATORS.split("")) + " only");
    }
    int type = UCharacter.getType(cp);
    boolean letter = type == UCharacterCategory.UPPERCASE_LETTER || type == UCharacterCategory.LOWERCASE_LETTER
        || type == UCharacterCategory.TITLECASE_LETTER || type == UCharacterCategory.MODIFIER_LETTER
        || type == UCharacterCategory.OTHER_LETTER;
    boolean mark = type == UCharacterCategory.NON_SPACING_MARK || type == UCharacterCategory.COMBINING_SPACING_MARK;
    boolean digit = type == UCharacterCategory.DECIMAL_DIGIT_NUMBER;
    if (mark && position == 1) {
      throw refused(what, cp, position, "a name may not start with a combining mark");
    }
    if (!letter && !mark && !digit) {
      throw refused(what, cp, position, "IDs and group names hold letters, digits and " + String.join(" ", SEPARATORS.split("")) + " only");
    }
    String one = new String(Character.toChars(cp));
    String compatible = Normalizer.normalize(one, Normalizer.Form.NFKC);
    if (!compatible.equals(one)) {
      throw refused(what, cp, position, "a compatibility variant of '" + compatible + "'; use that instead");
    }
  }

  private static ProtocolException refused(String what, int cp, int position, String why) {
    String name = UCharacter.getExtendedName(cp);
    return new ProtocolException(
        ErrorCode.INVALID_NAME,
        what + " contains " + String.format("U+%04X", cp) + " " + name + " at position " + position + ": " + why + ".");
  }

  private static String spoofReason(String name, int checks) {
    if ((checks & SpoofChecker.RESTRICTION_LEVEL) != 0) {
      Set<String> scripts = new TreeSet<>();
      name.codePoints().forEach(cp -> {
        int script = UScript.getScript(cp);
        if (script != UScript.COMMON && script != UScript.INHERITED) {
          scripts.add(UScript.getName(script));
        }
      });
      return " mixes scripts that can imitate another name (" + String.join(", ", scripts) + "); use one script.";
    }
    if ((checks & SpoofChecker.MIXED_NUMBERS) != 0) {
      return " mixes digits of different number systems.";
    }
    return " holds invisible or repeated combining marks.";
  }

  private static void requireLength(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_NAME, what + " is empty.");
    }
    if (name.length() > Limits.MAX_NAME_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_NAME,
          what + " is " + name.length() + " characters long; the limit is " + Limits.MAX_NAME_LENGTH + ".");
    }
  }

  private static void requireWellFormed(String what, String name) {
    int bad = Text.firstLoneSurrogate(name);
    if (bad >= 0) {
      throw new ProtocolException(
          ErrorCode.INVALID_NAME, what + " is not valid Unicode: a lone surrogate at position " + (bad + 1) + ".");
    }
  }
}
