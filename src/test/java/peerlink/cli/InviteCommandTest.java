package peerlink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import peerlink.protocol.Invitations;
import picocli.CommandLine;

/** What an operator gets from {@code bin/peerlink invite}: tokens a router with the same secret accepts, or why not. */
class InviteCommandTest {
  private static final byte[] SECRET = new byte[32];
  private static final String WITH_SECRET =
      "peerlink.registration { policy = invite, invite-secret = \"" + Base64.getEncoder().encodeToString(SECRET) + "\" }";

  @Test
  void printsOneTokenPerLineThatTheDeploymentsSecretVerifiesValidForTheTimeAsked() {
    Run run = invite(WITH_SECRET, "--count", "3", "--valid-for", "2h");

    assertEquals(0, run.exitCode, run.err);
    List<String> tokens = run.out.lines().toList();
    assertEquals(3, tokens.size());
    assertEquals(3, tokens.stream().distinct().count(), "each token is another invitation");
    long expires = Invitations.verify(SECRET, tokens.get(0)).expiresAt();
    long inTwoHours = System.currentTimeMillis() + 7_200_000;
    assertTrue(Math.abs(expires - inTwoHours) < 60_000, "expires in 2 h: " + expires);
    assertTrue(run.err.startsWith("Valid until "), run.err);
  }

  @Test
  void withoutASecretItSaysWhichSettingIsMissingAndHowToMakeOne() {
    Run run = invite("", "--count", "1");

    assertEquals(2, run.exitCode);
    assertEquals("", run.out);
    assertEquals("peerlink invite: peerlink.registration.invite-secret must be at least 32 random bytes in base64 "
        + "(e.g. from 'openssl rand -base64 32'); it is not set", run.err.strip());
  }

  @Test
  void aSecretTooShortSaysHowLongItIs() {
    Run run = invite("peerlink.registration.invite-secret = \"" + Base64.getEncoder().encodeToString(new byte[16]) + "\"");

    assertEquals(2, run.exitCode);
    assertEquals("peerlink invite: peerlink.registration.invite-secret must be at least 32 random bytes in base64 "
        + "(e.g. from 'openssl rand -base64 32'), not 16 bytes", run.err.strip());
  }

  private static Run invite(String config, String... args) {
    InviteCommand command = new InviteCommand();
    command.config = () -> ConfigFactory.parseString(config).withFallback(ConfigFactory.defaultReference());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private record Run(int exitCode, String out, String err) {}
}
