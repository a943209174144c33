package peerlink.bench;

/** Sleeping that turns an interrupt into a {@link BenchException} (Ctrl-C ends the run). */
final class Sleep {
  private Sleep() {}

  static void millis(long millis) {
    try {
      Thread.sleep(Math.max(0, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    }
  }
}
