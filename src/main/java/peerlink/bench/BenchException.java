package peerlink.bench;

/** A benchmark that cannot go on: a node did not start, clients could not connect, a phase timed out. */
final class BenchException extends RuntimeException {
  BenchException(String message) {
    super(message);
  }

  BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
