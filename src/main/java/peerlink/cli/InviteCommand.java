package peerlink.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import peerlink.protocol.Invitations;
import peerlink.router.RegistrationPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peerlink invite}: prints invitation tokens for a deployment whose registration policy is
 * {@code invite}, signed with its {@code peerlink.registration.invite-secret}; each registers one peer
 * ({@code REGISTER <token>} in the console) until it expires. Works offline: the nodes check tokens with the
 * same secret, and the registry remembers which were used.
 */
@Command(
    name = "invite",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed the tokens", "2:no usable peerlink.registration.invite-secret, or a bad option (the line says which)"},
    description = {"Print invitation tokens, one per line, for a router whose peerlink.registration.policy is invite. Each registers one "
        + "peer (console: REGISTER <token>) until it expires. Needs the deployment's peerlink.registration.invite-secret in the config."})
public final class InviteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Where the config comes from; the tests give their own. */
  java.util.function.Supplier<Config> config = ConfigFactory::load;

  @Option(names = "--count", description = "How many tokens to print (default: ${DEFAULT-VALUE}, at most 1000).")
  int count = 1;

  @Option(names = "--valid-for", description = "How long each token stays valid, e.g. 7d, 12h (default: peerlink.registration.invite-valid-for).")
  String validFor;

  @Override
  public Integer call() {
    Config config = this.config.get();
    try {
      if (count < 1 || count > 1000) {
        throw new IllegalArgumentException("--count must be from 1 to 1000, not " + count);
      }
      Duration valid = validFor == null
          ? config.getDuration("peerlink.registration.invite-valid-for")
          : ConfigFactory.parseString("v = " + validFor).getDuration("v");
      if (valid.isNegative() || valid.isZero()) {
        throw new IllegalArgumentException("--valid-for must be longer than 0, not " + validFor);
      }
      byte[] secret = RegistrationPolicy.secret(config);
      Instant expires = Instant.now().plus(valid);
      for (int i = 0; i < count; i++) {
        spec.commandLine().getOut().println(Invitations.issue(secret, expires));
      }
      spec.commandLine().getErr().println("Valid until " + expires + "; each registers one peer. Policy here: peerlink.registration.policy = "
          + config.getString("peerlink.registration.policy") + ".");
      return 0;
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("peerlink invite: " + e.getMessage());
      return 2;
    }
  }
}
