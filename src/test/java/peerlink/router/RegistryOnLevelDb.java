package peerlink.router;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** An actor system whose journal and snapshot store are PeerLink's own plugins on a real LevelDB in {@code dir}. */
final class RegistryOnLevelDb {
  private RegistryOnLevelDb() {}

  static ActorTestKit start(Path dir) {
    Config config = ConfigFactory.parseString("""
            pekko.actor.provider = local
            pekko.persistence.journal.plugin = "peerlink.storage.journal"
            pekko.persistence.snapshot-store.plugin = "peerlink.storage.snapshot"
            # The first LevelDB open extracts the JNI library; give busy machines time.
            pekko.actor.testkit.typed.single-expect-default = 15s
            """)
        .withValue("peerlink.storage.dir", ConfigValueFactory.fromAnyRef(dir.toString()))
        .withFallback(ConfigFactory.parseResources("peerlink-storage.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
    return ActorTestKit.create(config);
  }
}
