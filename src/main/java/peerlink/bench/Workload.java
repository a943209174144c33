package peerlink.bench;

import java.util.concurrent.CompletionStage;

/** One kind of traffic a rate step offers: what one send is, and what counts as done. */
interface Workload {
  /** Issues one send, counted in {@code step}; the stage completes when the router answers SENT. */
  CompletionStage<?> send(Step step);

  /** Units (messages or deliveries) one send is worth in the offered and delivered rates. */
  int unitsPerSend();

  /** Units done so far: deliveries, or SENT acknowledgements for the durable scenario. */
  long completed(Step step);

  /** Units expected once everything issued in {@code step} is done. */
  long expected(Step step);

  /** What the rate counts, for the table and the progress line ("msg/s", "acked/s", "deliveries/s"). */
  String unit();
}
