package peerlink.gateway;

/**
 * Whether a node can serve clients now ({@code GET /ready}: 200 {@code ready}), or one sentence saying why
 * not (503 with that sentence), so that a load balancer sends clients elsewhere and an operator reads why.
 */
public record Readiness(boolean ready, String reason) {
  public static final Readiness READY = new Readiness(true, "ready");

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
