package peerlink.session;

import com.typesafe.config.Config;
import java.time.Duration;
import peerlink.protocol.Limits;

/**
 * Settings of every session, read from {@code peerlink.session} and {@code peerlink.limits}.
 *
 * @param pushWindow most pushes sent to a client and not yet acknowledged; the rest wait in the router's inbox
 * @param requestTimeout how long a request may wait for the router before the client gets UNAVAILABLE
 */
public record SessionSettings(Limits limits, int pushWindow, Duration requestTimeout, String serverName) {

  public static SessionSettings from(Config config) {
    return new SessionSettings(
        Limits.forMessageSize((int) config.getMemorySize("peerlink.limits.max-message-size").toBytes()),
        config.getInt("peerlink.session.push-window"),
        config.getDuration("peerlink.session.request-timeout"),
        "peerlink/" + config.getString("peerlink.version"));
  }
}
