package peerlink.protocol;

/** Checks on the Unicode text of frames. */
public final class Text {
  private Text() {}

  /** Whether {@code text} is valid UTF-16: no half of a surrogate pair without its other half. */
  public static boolean isValidUnicode(String text) {
    return firstLoneSurrogate(text) < 0;
  }

  /**
   * The index of the first char of {@code text} that is half of a surrogate pair without its other half, or -1
   * when the text is valid UTF-16. JSON's {@code \ud800} escape produces such a char; it has no UTF-8 form,
   * so it could be neither stored (CBOR) nor sent on (a WebSocket text frame).
   */
  public static int firstLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
