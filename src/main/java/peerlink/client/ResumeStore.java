package peerlink.client;

/** Where a client keeps the highest push sequence number it has handed to the application. */
public interface ResumeStore {
  long load();

  void save(long seq);

  static ResumeStore inMemory() {
    return new ResumeStore() {
      private volatile long seq;

      @Override
      public long load() {
        return seq;
      }

      @Override
      public void save(long value) {
        seq = value;
      }
    };
  }
}
