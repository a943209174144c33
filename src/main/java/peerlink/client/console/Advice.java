package peerlink.client.console;

import java.nio.file.Path;
import peerlink.protocol.ErrorCode;

/**
 * What a console user should do about an error that stops the console from acting as its peer: the
 * router's sentence says what is wrong, this adds the way out (another --id, the right key file, REGISTER).
 */
final class Advice {
  private final String peer;
  private final Path keyFile;

  Advice(String peer, Path keyFile) {
    this.peer = peer;
    this.keyFile = keyFile;
  }

  /** {@code message}, followed by what to do when {@code code} is about this console's identity. */
  String explain(ErrorCode code, String message) {
    String todo =
        switch (code) {
          case ID_TAKEN -> "This console cannot act as " + peer + ": choose another --id, or restore " + peer + "'s key file ("
              + keyFile + ") from where " + peer + " was registered.";
          // The router does not say whether the ID exists (docs/protocol.md, section 3): both cases are named.
          case AUTH_FAILED -> "The key in " + keyFile + " is not the key '" + peer + "' was registered with on this router (or no peer '"
              + peer + "' is registered there), so this console cannot act as " + peer + ". Restore the right key file there, "
              + "or choose another --id.";
          case LOGIN_THROTTLED -> "Too many failed logins as '" + peer + "'; wait a minute before starting this console again.";
          case NOT_REGISTERED -> "'" + peer + "' has no key here (" + keyFile + "): type REGISTER to claim the ID, or restore its key file and start again.";
          case NAME_TAKEN -> "'" + peer + "' is the name of a group; choose another --id.";
          case SESSION_REPLACED -> "'" + peer + "' logged in elsewhere (another console with the same --id?), which replaced this one; "
              + "close one of them and start this console again.";
          default -> null;
        };
    if (todo == null) {
      return message;
    }
    return message.equals(code.sentence()) || message.isBlank() ? todo : message + " " + todo;
  }
}
