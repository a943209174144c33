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
 * @param maxRequestsInFlight requests of one connection waiting for the router, above which the session
 *     stops reading the connection until half of them are answered
 * @param maxFramesBeforeLogin frames read from one message before the connection's peer is logged in
 * @param logins the node's count of failed logins per ID, and the limits per connection (shared by all sessions)
 * @param registrations the node's count of registrations per source address (shared by all sessions)
 * @param registration who may register (the session checks an invitation token's MAC with its secret)
 * @param requestBudget requests all sessions of the node have sent to the router and not seen answered
 *     (shared by all sessions; see {@link NodeRequestBudget})
 */
public record SessionSettings(
    Limits limits,
    int pushWindow,
    Duration requestTimeout,
    String serverName,
    int maxRequestsInFlight,
    int maxFramesBeforeLogin,
    LoginThrottle logins,
    RegistrationThrottle registrations,
    peerlink.router.RegistrationPolicy registration,
    ErrorPace.Limits errors,
    NodeRequestBudget requestBudget) {

  /** What a node's sessions may have in flight when the config does not say (tests of other things). */
  static final int DEFAULT_REQUEST_BUDGET = 4000;

  /** Settings with the default request budget of a node. */
  public SessionSettings(
      Limits limits, int pushWindow, Duration requestTimeout, String serverName, int maxRequestsInFlight, int maxFramesBeforeLogin, LoginThrottle logins,
      RegistrationThrottle registrations, peerlink.router.RegistrationPolicy registration, ErrorPace.Limits errors) {
    this(limits, pushWindow, requestTimeout, serverName, maxRequestsInFlight, maxFramesBeforeLogin, logins, registrations, registration, errors,
        new NodeRequestBudget(DEFAULT_REQUEST_BUDGET));
  }

  /** Settings without a pace on errors (tests of other things, which provoke errors on purpose). */
  public SessionSettings(
      Limits limits, int pushWindow, Duration requestTimeout, String serverName, int maxRequestsInFlight, int maxFramesBeforeLogin, LoginThrottle logins,
      RegistrationThrottle registrations, peerlink.router.RegistrationPolicy registration) {
    this(limits, pushWindow, requestTimeout, serverName, maxRequestsInFlight, maxFramesBeforeLogin, logins, registrations, registration,
        ErrorPace.Limits.NONE);
  }

  /** Settings with the defaults of the bounds and without login throttling (tests of other things). */
  public SessionSettings(Limits limits, int pushWindow, Duration requestTimeout, String serverName) {
    this(limits, pushWindow, requestTimeout, serverName, 1000, 4, new LoginThrottle(LoginThrottle.Limits.NONE));
  }

  /** Settings without a limit on registrations (tests of other things). */
  public SessionSettings(
      Limits limits, int pushWindow, Duration requestTimeout, String serverName, int maxRequestsInFlight, int maxFramesBeforeLogin, LoginThrottle logins) {
    this(limits, pushWindow, requestTimeout, serverName, maxRequestsInFlight, maxFramesBeforeLogin, logins,
        new RegistrationThrottle(RegistrationThrottle.Limits.NONE));
  }

  /** Settings of an open router (tests of other things). */
  public SessionSettings(
      Limits limits, int pushWindow, Duration requestTimeout, String serverName, int maxRequestsInFlight, int maxFramesBeforeLogin, LoginThrottle logins,
      RegistrationThrottle registrations) {
    this(limits, pushWindow, requestTimeout, serverName, maxRequestsInFlight, maxFramesBeforeLogin, logins, registrations,
        peerlink.router.RegistrationPolicy.OPEN);
  }

  /** Pekko's largest message between nodes on the ordinary channel, which carries everything from the router to sessions. */
  static final String FRAME_KEY = "pekko.remote.artery.advanced.maximum-frame-size";

  /** Pekko's queue of messages to another node, beyond which it drops them (see {@link NodeRequestBudget}). */
  static final String QUEUE_KEY = "pekko.remote.artery.advanced.outbound-message-queue-size";

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
    int inFlight = config.getInt("peerlink.session.max-requests-in-flight");
    if (inFlight < 2) {
      throw new IllegalArgumentException("peerlink.session.max-requests-in-flight must be 2 or more, not " + inFlight);
    }
    int perNode = config.getInt("peerlink.session.max-requests-in-flight-per-node");
    if (perNode < 1) {
      throw new IllegalArgumentException("peerlink.session.max-requests-in-flight-per-node must be 1 or more, not " + perNode);
    }
    if (config.hasPath(QUEUE_KEY) && perNode > config.getInt(QUEUE_KEY) / 2) {
      throw new IllegalArgumentException(
          "peerlink.session.max-requests-in-flight-per-node is " + perNode + ", but " + QUEUE_KEY + " is " + config.getInt(QUEUE_KEY)
              + ": the requests and what else goes between the nodes would not fit, and Pekko drops what does not. "
              + "Keep the queue at least twice the requests in flight");
    }
    int beforeLogin = config.getInt("peerlink.session.max-frames-before-login");
    if (beforeLogin < 1) {
      throw new IllegalArgumentException("peerlink.session.max-frames-before-login must be 1 or more, not " + beforeLogin);
    }
    return new SessionSettings(
        limits,
        config.getInt("peerlink.session.push-window"),
        config.getDuration("peerlink.session.request-timeout"),
        "peerlink/" + config.getString("peerlink.version"),
        inFlight,
        beforeLogin,
        new LoginThrottle(LoginThrottle.Limits.from(config)),
        new RegistrationThrottle(RegistrationThrottle.Limits.from(config)),
        peerlink.router.RegistrationPolicy.from(config),
        ErrorPace.Limits.from(config),
        new NodeRequestBudget(perNode));
  }
}
