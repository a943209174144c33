package peerlink.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Size limits the server enforces at the edge.
 *
 * @param maxMessageBytes largest message body, in UTF-8 bytes
 * @param maxFrameBytes largest incoming text frame, in UTF-8 bytes; must leave room for a full body
 */
public record Limits(int maxMessageBytes, int maxFrameBytes) {
  public static final int MAX_NAME_LENGTH = 64;
  /**
   * Longest text field of a client frame other than a message body (request ids, names, keys, signatures):
   * far above any of them (a key is 60 characters, a signature 88), and it bounds what a request carries
   * between nodes and what the router keeps of each send id.
   */
  public static final int MAX_FIELD_LENGTH = 1024;
  /**
   * Longest request id: it is echoed in every reply, kept by the router for each send (to recognise a resend)
   * and carried between nodes with every request, so it is short; PeerLink's client uses at most 32.
   */
  public static final int MAX_REQUEST_ID_LENGTH = 64;
  /** Most frames one WebSocket message may carry (a version 2 batch); bounds the errors one message can cause. */
  public static final int MAX_FRAMES_PER_MESSAGE = 1000;
  public static final Limits DEFAULT = forMessageSize(64 * 1024);

  /**
   * Refuses a message body over {@link #maxMessageBytes} with MESSAGE_TOO_LARGE. The session checks it
   * before it asks the router, so that no request between nodes carries more than one maximal body (see
   * {@link PageLimits#requiredFrameBytes}); the router's rules check it again, so they hold on their own.
   */
  public void requireMessageSize(String body) {
    int size = body.getBytes(StandardCharsets.UTF_8).length;
    if (size > maxMessageBytes) {
      throw new ProtocolException(
          ErrorCode.MESSAGE_TOO_LARGE, "The message is " + size + " bytes; the limit is " + maxMessageBytes + " bytes.");
    }
  }

  public static Limits forMessageSize(int maxMessageBytes) {
    // JSON escaping can grow a body up to 6x (\\uXXXX); the frame limit allows for that plus the envelope.
    return new Limits(maxMessageBytes, maxMessageBytes * 6 + 4096);
  }
}
