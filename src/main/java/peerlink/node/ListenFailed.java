package peerlink.node;

import java.net.BindException;
import java.util.Optional;
import org.apache.pekko.actor.CoordinatedShutdown;

/**
 * Why a node stopped when it could not open one of its listening sockets: the sentence an operator reads,
 * naming the address and what it was for. As a {@link CoordinatedShutdown.Reason} it tells
 * {@link NodeProcess} to exit with the "cannot start" code instead of the code of a normal stop.
 */
public final class ListenFailed implements CoordinatedShutdown.Reason {
  private final String sentence;

  private ListenFailed(String sentence) {
    this.sentence = sentence;
  }

  /**
   * @param purpose what the socket is for, as the end of "cannot listen on host:port for ...": "clients",
   *     "the cluster"
   * @param option the command-line option that chooses another port
   */
  public static ListenFailed of(String host, int port, String purpose, String option, Throwable failure) {
    String why = inUse(failure) ? "the address is in use (another process listens there; choose another port with " + option + ")" : rootMessage(failure);
    return new ListenFailed("cannot listen on " + host + ":" + port + " for " + purpose + ": " + why);
  }

  /** The failure, when {@code failure} (or one of its causes) is a socket that could not be bound. */
  public static Optional<ListenFailed> ofBindFailure(String host, int port, String purpose, String option, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return Optional.of(of(host, port, purpose, option, failure));
      }
    }
    return Optional.empty();
  }

  public String sentence() {
    return sentence;
  }

  @Override
  public String toString() {
    return sentence;
  }

  private static boolean inUse(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
