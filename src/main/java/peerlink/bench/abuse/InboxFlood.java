package peerlink.bench.abuse;

import java.util.concurrent.Semaphore;

/**
 * A peer that floods an offline victim's inbox: it registers the victim and leaves it offline, then pipelines
 * sends to it (at most {@code window} unanswered) until the inbox quota answers INBOX_FULL, and keeps going.
 */
public final class InboxFlood extends Abuser {
  private static final int WINDOW = 200;
  private final String attacker;
  private final String victim;
  private boolean victimRegistered;
  private long n;

  public InboxFlood(Target target, String prefix) {
    super("inbox-flood", target);
    this.attacker = prefix + "a";
    this.victim = prefix + "v";
  }

  @Override
  protected void round() throws Exception {
    if (!victimRegistered) {
      try (AbuseSocket socket = AbuseSocket.open(target)) {
        Registration.register(socket, victim); // then gone: the victim is offline from here on
      }
      victimRegistered = true;
    }
    try (AbuseSocket socket = AbuseSocket.open(target)) {
      String answer = Registration.register(socket, attacker);
      if (answer == null || !answer.contains("\"type\":\"ok\"")) {
        count("login refused");
        return;
      }
      Semaphore window = new Semaphore(WINDOW);
      Thread reader = new Thread(() -> {
        try {
          for (String text = socket.readText(); text != null; text = socket.readText()) {
            for (String frame : text.split("\n")) {
              count(frame.contains("INBOX_FULL") ? "INBOX_FULL" : frame.contains("\"SENT\"") ? "SENT" : "other answer");
              window.release();
            }
          }
        } catch (Exception e) {
          // the connection ended
        }
        window.release(WINDOW);
      }, "abuse-inbox-reader");
      reader.setDaemon(true);
      reader.start();
      while (!stopped() && reader.isAlive()) {
        if (window.tryAcquire(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          socket.sendText("{\"type\":\"send\",\"id\":\"i" + (n++) + "\",\"to\":\"" + victim + "\",\"receipts\":false,\"body\":\"flood " + n + "\"}");
        }
      }
    }
  }
}
