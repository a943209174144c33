package peerlink.router;

/**
 * The router singleton's answer to {@link RouterCommand.CheckReady}: whether its registry has recovered
 * and takes batches, or one sentence saying why not (a node's {@code /ready} shows it to the operator).
 */
public record RouterHealth(boolean serving, String problem) implements CborSerializable {
  static RouterHealth from(String problem) {
    return new RouterHealth(problem == null, problem);
  }
}
