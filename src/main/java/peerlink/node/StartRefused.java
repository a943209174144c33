package peerlink.node;

/**
 * A node cannot start for a reason its operator must fix (a file, a setting); the sentence says which and
 * is printed as the node's one line before it exits with 2.
 */
public final class StartRefused extends RuntimeException {
  public StartRefused(String sentence) {
    super(sentence);
  }
}
