package peerlink.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code peerlink client}: the interactive console peer. */
@Command(name = "client", mixinStandardHelpOptions = true, description = "Open the console peer.")
public final class ClientCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("peerlink client: not built yet");
    return 1;
  }
}
