package peerlink.bench.abuse;

import java.util.List;

/**
 * Logins with a wrong signature for the normal clients' own IDs, on connection after connection: per-connection
 * and per-ID throttling must close these, and must never refuse the right key to the peers attacked.
 */
public final class LoginFailureStorm extends Abuser {
  private final List<String> victims;
  private int n;

  public LoginFailureStorm(Target target, List<String> victims) {
    super("login-failures", target);
    this.victims = victims;
  }

  @Override
  protected void round() throws Exception {
    try (AbuseSocket socket = AbuseSocket.open(target)) {
      count("connections");
      Registration.nonce(socket);
      String victim = victims.get(n++ % victims.size());
      while (!stopped()) {
        socket.sendText("{\"type\":\"login\",\"id\":\"l\",\"version\":1,\"peer\":\"" + victim + "\",\"signature\":\"c2lnbmF0dXJl\"}");
        count("logins");
        String answer = socket.readText();
        if (answer == null) {
          return; // closed by the throttle
        }
        count(answer.contains("LOGIN_THROTTLED") ? "LOGIN_THROTTLED" : answer.contains("AUTH_FAILED") ? "AUTH_FAILED" : "other answer");
      }
    }
  }
}
