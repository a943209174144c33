package peerlink.bench;

/**
 * The 100-byte message body: {@code step:stream:seq:sendNanos:} padded with dots. Sender and recipient run in
 * the same JVM, so the recipient turns {@code sendNanos} into a latency, and {@code stream} (the sender)
 * plus {@code seq} (per sender and recipient, or per sender and group) let it count losses, duplicates and
 * reorderings.
 */
final class Payload {
  static final int SIZE = 100;
  private static final String PADDING = ".".repeat(SIZE);

  /** A decoded body. */
  record Fields(int step, int stream, long seq, long sentNanos) {}

  private Payload() {}

  static String encode(int step, int stream, long seq, long sentNanos) {
    StringBuilder body = new StringBuilder(SIZE);
    body.append(step).append(':').append(stream).append(':').append(seq).append(':').append(sentNanos).append(':');
    if (body.length() < SIZE) {
      body.append(PADDING, 0, SIZE - body.length());
    }
    return body.toString();
  }

  /** The fields of a benchmark body, or null for any other text. */
  static Fields decode(String body) {
    long[] values = new long[4];
    int field = 0;
    long value = 0;
    boolean negative = false;
    boolean digits = false;
    for (int i = 0; i < body.length() && field < 4; i++) {
      char c = body.charAt(i);
      if (c == ':') {
        if (!digits) {
          return null;
        }
        values[field++] = negative ? -value : value;
        value = 0;
        negative = false;
        digits = false;
      } else if (c == '-' && !digits && !negative) {
        negative = true;
      } else if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        digits = true;
      } else {
        return null;
      }
    }
    return field == 4 ? new Fields((int) values[0], (int) values[1], values[2], values[3]) : null;
  }
}
