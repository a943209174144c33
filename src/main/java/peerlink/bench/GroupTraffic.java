package peerlink.bench;

import java.util.concurrent.CompletionStage;

/**
 * One sender posting to a group: every send becomes one delivery per other member. The members are the
 * receivers numbered 0 to {@code recipients - 1} of the deliveries' listeners; the sender's stream is 0.
 */
final class GroupTraffic implements Workload {
  private final Peers.Peer sender;
  private final String group;
  private final int recipients;
  private int seq;

  GroupTraffic(Peers.Peer sender, String group, int recipients) {
    this.sender = sender;
    this.group = group;
    this.recipients = recipients;
  }

  @Override
  public CompletionStage<?> send(Step step) {
    int s = seq++;
    step.issued.increment();
    step.expected.add(recipients);
    long issuedAt = System.nanoTime();
    return sender.client()
        .send(group, Payload.encode(step.index, 0, s, issuedAt))
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                step.failed(failure);
              } else {
                step.acked.increment();
                for (int member = 0; member < recipients; member++) {
                  step.arrivals.acked(member, 0, s);
                }
              }
            });
  }

  @Override
  public int unitsPerSend() {
    return recipients;
  }

  @Override
  public long completed(Step step) {
    return step.delivered.sum();
  }

  @Override
  public long expected(Step step) {
    return step.expected.sum();
  }

  @Override
  public String unit() {
    return "deliveries/s";
  }
}
