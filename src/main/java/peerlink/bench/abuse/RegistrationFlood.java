package peerlink.bench.abuse;

/** Registers new peer IDs one after another, a connection each: every one is a durable write in the registry. */
public final class RegistrationFlood extends Abuser {
  private final String prefix;
  private int n;

  public RegistrationFlood(Target target, String prefix) {
    super("registration-flood", target);
    this.prefix = prefix;
  }

  @Override
  protected void round() throws Exception {
    try (AbuseSocket socket = AbuseSocket.open(target)) {
      String answer = Registration.register(socket, prefix + (n++));
      count(answer != null && answer.contains("\"type\":\"ok\"") ? "registered" : "refused");
    }
  }
}
