package peerlink.protocol;

/**
 * Size limits the server enforces at the edge.
 *
 * @param maxMessageBytes largest message body, in UTF-8 bytes
 * @param maxFrameBytes largest incoming text frame, in UTF-8 bytes; must leave room for a full body
 */
public record Limits(int maxMessageBytes, int maxFrameBytes) {
  public static final int MAX_NAME_LENGTH = 64;
  /** Most frames one WebSocket message may carry (a version 2 batch); bounds the errors one message can cause. */
  public static final int MAX_FRAMES_PER_MESSAGE = 1000;
  public static final Limits DEFAULT = forMessageSize(64 * 1024);

  public static Limits forMessageSize(int maxMessageBytes) {
    // JSON escaping can grow a body up to 6x (\\uXXXX); the frame limit allows for that plus the envelope.
    return new Limits(maxMessageBytes, maxMessageBytes * 6 + 4096);
  }
}
