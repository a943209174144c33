package peerlink.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientRuntime;
import peerlink.client.PeerLinkClient;
import peerlink.client.PeerLinkException;
import peerlink.protocol.ErrorCode;

/**
 * {@code bin/peerlink invite} as an operator runs it (issue 22): with the deployment's config file, the one
 * its nodes read ({@code PEERLINK_CONF}, else the installation's {@code conf/peerlink.conf}), it prints tokens
 * that a node started with the same file accepts once each; without a secret it exits 2 and says what to set.
 */
class InviteCommandIT {
  @TempDir Path work;

  @Test
  void theTokensItPrintsRegisterPeersOnANodeThatReadsTheSameConfigFile() throws Exception {
    Path config = inviteOnlyConfig();

    Exit invite = run(config, "invite", "--count", "2", "--valid-for", "1h");

    assertEquals(0, invite.code, invite.stderr);
    List<String> tokens = invite.stdout.lines().toList();
    assertEquals(2, tokens.size(), invite.stdout);
    assertTrue(invite.stderr.strip().endsWith("each registers one peer. Policy here: peerlink.registration.policy = invite."), invite.stderr);
    try (ServerProcess server = new ServerProcess(work, "node").withConfig(config).start();
        ClientRuntime runtime = new ClientRuntime()) {
      assertEquals("alice", PeerLinkClient.await(client(runtime, server, "alice").register(tokens.get(0))).peer());
      assertEquals("bob", PeerLinkClient.await(client(runtime, server, "bob").register(tokens.get(1))).peer());
      PeerLinkException used = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(client(runtime, server, "carol").register(tokens.get(0))));
      assertEquals(ErrorCode.INVITATION_INVALID, used.code(), used.getMessage());
      PeerLinkException none = assertThrows(PeerLinkException.class, () -> PeerLinkClient.await(client(runtime, server, "dave").register()));
      assertEquals(ErrorCode.INVITATION_REQUIRED, none.code(), none.getMessage());
    }
  }

  @Test
  void withoutASecretInTheConfigItExitsWith2AndSaysWhatToSet() throws Exception {
    Exit invite = run(null, "invite");

    assertEquals(2, invite.code, invite.stderr);
    assertEquals("", invite.stdout);
    assertEquals("peerlink invite: peerlink.registration.invite-secret must be at least 32 random bytes in base64 "
        + "(e.g. from 'openssl rand -base64 32'); it is not set", invite.stderr.strip());
  }

  /** The installation's config with registration by invitation and a fresh secret, as an operator would write it. */
  private Path inviteOnlyConfig() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Path installed = Launcher.bin().getParent().getParent().resolve("conf/peerlink.conf");
    Path config = work.resolve("peerlink.conf");
    Files.writeString(config, "include file(\"" + installed + "\")\n"
        + "peerlink.registration { policy = invite, invite-secret = \"" + Base64.getEncoder().encodeToString(secret) + "\" }\n");
    return config;
  }

  private static PeerLinkClient client(ClientRuntime runtime, ServerProcess server, String peer) {
    return PeerLinkClient.start(runtime, ClientOptions.inMemory(peer, List.of(server.address()), Launcher.clientTls()), new ClientListener() {});
  }

  private record Exit(int code, String stdout, String stderr) {}

  /** {@code bin/peerlink args}, reading {@code config} as PEERLINK_CONF (null: the installation's conf/peerlink.conf). */
  private Exit run(Path config, String... args) throws Exception {
    Path out = work.resolve("stdout.log");
    Path err = work.resolve("stderr.log");
    List<String> command = new ArrayList<>(List.of(Launcher.bin().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    Launcher.environment(builder);
    builder.environment().put("PEERLINK_HOME", work.resolve("home").toString());
    if (config != null) {
      builder.environment().put("PEERLINK_CONF", config.toString());
    } else {
      builder.environment().remove("PEERLINK_CONF");
    }
    Process process = builder.start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("still running after 60 s; its output:\n" + Files.readString(out));
      }
    } finally {
      process.destroyForcibly();
    }
    return new Exit(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
