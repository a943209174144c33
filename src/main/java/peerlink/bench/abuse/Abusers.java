package peerlink.bench.abuse;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The abusive clients of {@code bench abuse}, one of each kind, started and stopped together. */
public final class Abusers {
  private final List<Abuser> all = new ArrayList<>();

  /**
   * @param victims normal clients' IDs, whose logins the storm fails
   * @param prefix  makes the abusers' own peer IDs unique to this run
   * @param hold    connections the connection flood keeps open at once
   */
  public Abusers(Target target, List<String> victims, String prefix, int hold) {
    all.add(new BadFrameFlood(target, prefix + "bad"));
    all.add(new ConnectionFlood(target, hold));
    all.add(new RegistrationFlood(target, prefix + "reg"));
    all.add(new InboxFlood(target, prefix + "inbox"));
    all.add(new LoginFailureStorm(target, victims));
  }

  public void start() {
    all.forEach(Abuser::start);
  }

  public void stop() {
    all.forEach(Abuser::stop);
  }

  /** One line: what each abuser did, e.g. {@code bad-frames {connections=2, frames=81234}; ...}. */
  public String summary() {
    return all.stream().map(Abuser::summary).collect(Collectors.joining("; "));
  }
}
