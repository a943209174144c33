package peerlink.protocol;

/** The rules for peer IDs and group names, which share one namespace. */
public final class Names {
  private Names() {}

  /** Returns the name if it is valid, or throws INVALID_NAME saying what is wrong with it. */
  public static String requireValid(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new ProtocolException(ErrorCode.INVALID_NAME, what + " is empty.");
    }
    if (name.length() > Limits.MAX_NAME_LENGTH) {
      throw new ProtocolException(
          ErrorCode.INVALID_NAME,
          what + " is " + name.length() + " characters long; the limit is " + Limits.MAX_NAME_LENGTH + ".");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        throw new ProtocolException(
            ErrorCode.INVALID_NAME, what + " contains a space or control character at position " + (i + 1) + ".");
      }
    }
    return name;
  }
}
