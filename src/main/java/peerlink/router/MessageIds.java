package peerlink.router;

/** The router's message ids: {@code m} and a number counted over the whole router ({@code m1}, {@code m2}, ...). */
final class MessageIds {
  private MessageIds() {}

  static String of(long number) {
    return "m" + number;
  }

  /** The number of a router message id; anything else is a bug in the router, not a client's mistake. */
  static long numberOrThrow(String msgId) {
    long number = number(msgId);
    if (number < 0) {
      throw new IllegalArgumentException("not a router message id: " + msgId);
    }
    return number;
  }

  /** The number of a router message id, or -1 for any other string (a client may ask about anything). */
  static long number(String msgId) {
    if (msgId.length() < 2 || msgId.length() > 19 || msgId.charAt(0) != 'm' || (msgId.charAt(1) == '0' && msgId.length() > 2)) {
      return -1;
    }
    long number = 0;
    for (int i = 1; i < msgId.length(); i++) {
      char c = msgId.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      number = number * 10 + (c - '0');
    }
    return number;
  }
}
