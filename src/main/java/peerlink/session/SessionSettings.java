package peerlink.session;

import com.typesafe.config.Config;
import java.time.Duration;
import peerlink.protocol.Limits;
import peerlink.protocol.PageLimits;

/**
 * Settings of every session, read from {@code peerlink.session} and {@code peerlink.limits}.
 *
 * @param pushWindow most pushes sent to a client and not yet acknowledged; the rest wait in the router's inbox
 * @param requestTimeout how long a request may wait for the router before the client gets UNAVAILABLE
 * @param logins the node's count of failed logins per ID, and the limits per connection (shared by all sessions)
 */
public record SessionSettings(Limits limits, int pushWindow, Duration requestTimeout, String serverName, LoginThrottle logins) {

  /** Settings without login throttling (tests of other things). */
  public SessionSettings(Limits limits, int pushWindow, Duration requestTimeout, String serverName) {
    this(limits, pushWindow, requestTimeout, serverName, new LoginThrottle(LoginThrottle.Limits.NONE));
  }

  /** Pekko's largest message between nodes on the ordinary channel, which carries everything from the router to sessions. */
  static final String FRAME_KEY = "pekko.remote.artery.advanced.maximum-frame-size";

  /**
   * @throws IllegalArgumentException when the remote transport's frame cannot carry a page of pushes or one
   *     maximal message: such a message would be dropped on its way between nodes, again at every retry
   */
  public static SessionSettings from(Config config) {
    Limits limits = Limits.forMessageSize((int) config.getMemorySize("peerlink.limits.max-message-size").toBytes());
    if (config.hasPath(FRAME_KEY)) {
      long frame = config.getMemorySize(FRAME_KEY).toBytes();
      long needed = PageLimits.requiredFrameBytes(limits.maxMessageBytes());
      if (frame < needed) {
        throw new IllegalArgumentException(
            FRAME_KEY + " is " + frame + " bytes, but with peerlink.limits.max-message-size = " + limits.maxMessageBytes()
                + " bytes a message between nodes may take " + needed + " bytes: raise the frame to at least that, or lower the message size");
      }
    }
    return new SessionSettings(
        limits,
        config.getInt("peerlink.session.push-window"),
        config.getDuration("peerlink.session.request-timeout"),
        "peerlink/" + config.getString("peerlink.version"),
        new LoginThrottle(LoginThrottle.Limits.from(config)));
  }
}
