package peerlink.router;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.serialization.SerializationExtension;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.Limits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Signatures;
import peerlink.storage.EventLog;
import peerlink.storage.EventLogs;
import peerlink.storage.LogEntry;

/** An actor system whose journal and snapshot store are PeerLink's own plugins on a real LevelDB in {@code dir}, and a registry on it. */
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

  /** Journals {@code events} straight into the store in {@code dir}, as an older build wrote them: nothing aside. */
  static void journalAsBefore(Path dir, List<RouterEvent> events) {
    ActorTestKit before = start(dir);
    try {
      EventLog store = EventLogs.get(before.system().classicSystem()).forDirectory(dir);
      List<LogEntry> entries = new ArrayList<>();
      for (int i = 0; i < events.size(); i++) {
        PersistentRepr repr = PersistentRepr$.MODULE$.apply(events.get(i), i + 1, Registry.PERSISTENCE_ID.id(), "", false, null, "writer-before");
        entries.add(new LogEntry(Registry.PERSISTENCE_ID.id(), i + 1, SerializationExtension.get(before.system().classicSystem()).serialize(repr).get()));
      }
      store.append(entries);
    } finally {
      before.shutdownTestKit();
    }
  }

  /**
   * A registry in {@code kit} that checkpoints every {@code snapshotEvery} events and whose clock stands at
   * {@code now}, with a probe as its router and one for the peers' sessions; answers once it has recovered.
   */
  static Registered spawn(ActorTestKit kit, int snapshotEvery, long now) {
    TestProbe<RouterCommand> router = kit.createTestProbe(RouterCommand.class);
    RegistrySettings settings = new RegistrySettings(Limits.DEFAULT, snapshotEvery, 1000, Duration.ofMillis(200));
    ActorRef<Registry.Decide> registry = kit.spawn(Registry.create(router.ref(), settings, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC)));
    router.expectMessage(Duration.ofSeconds(60), new RouterCommand.RegistryReady());
    return new Registered(registry, router, kit.createTestProbe(ToSession.class));
  }

  /** A registry and what it talks to, with the commands a router and sessions give it. */
  record Registered(ActorRef<Registry.Decide> registry, TestProbe<RouterCommand> router, TestProbe<ToSession> session) {
    RouterCommand.BatchDone decide(RouterCommand.Decidable... batch) {
      return decide(List.of(batch));
    }

    RouterCommand.BatchDone decide(List<RouterCommand.Decidable> batch) {
      registry.tell(new Registry.Decide(batch));
      return router.expectMessageClass(RouterCommand.BatchDone.class);
    }

    ActorRef<ToSession> probe(String peer) {
      return session.ref();
    }

    RouterCommand.Execute send(String from, String clientId, String to, String body) {
      return new RouterCommand.Execute(from, new ClientFrame.Send(clientId, to, body), session.ref());
    }

    RouterCommand.RegisterPeer register(String peer, KeyPair key) {
      return new RouterCommand.RegisterPeer("reg-" + peer, peer, Signatures.encode(key.getPublic()), 0, session.ref(), null);
    }

    /** The page of {@code peer}'s inbox after {@code after}, as its session gets it. */
    List<ServerFrame.Push> fetch(String peer, long after) {
      RouterCommand.BatchDone done = decide(new RouterCommand.FetchPushes(peer, after, session.ref()));
      return ((ToSession.Page) done.replies().get(0).message()).pushes();
    }
  }
}
