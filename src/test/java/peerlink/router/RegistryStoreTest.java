package peerlink.router;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import peerlink.protocol.Signatures;

/**
 * A test of the registry on PeerLink's storage plugins and a real LevelDB in a fresh directory, with two
 * peers' keys: each {@link #start} is an actor system on that store (a restart is another), shut down after
 * the test.
 */
abstract class RegistryStoreTest {
  @TempDir
  Path dir;

  final KeyPair alice = Signatures.newKeyPair();
  final KeyPair bob = Signatures.newKeyPair();
  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void shutdown() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  /** An actor system whose journal and snapshot store are on the store in {@link #dir}. */
  ActorTestKit start() {
    ActorTestKit kit = RegistryOnLevelDb.start(dir);
    kits.add(kit);
    return kit;
  }
}
