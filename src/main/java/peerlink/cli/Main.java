package peerlink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/peerlink}: one subcommand per way of running PeerLink. */
@Command(
    name = "peerlink",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "PeerLink: a fault-tolerant router for private and group messaging.",
    subcommands = {ServerCommand.class, RmCommand.class, DemoCommand.class, CertsCommand.class, InviteCommand.class, ClientCommand.class, StatusCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    System.exit(cli.execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
