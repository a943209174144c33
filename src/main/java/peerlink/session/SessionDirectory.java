package peerlink.session;

import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import peerlink.router.RouterCommand;
import peerlink.router.RouterStarted;

/**
 * Knows the sessions of this node and tells them when a new router instance has started (after a
 * failover, on another node), so they re-attach to it without their clients reconnecting.
 */
public final class SessionDirectory {
  public sealed interface Command {}

  public record Register(ActorRef<SessionMessage> session) implements Command {}

  private record Ended(ActorRef<SessionMessage> session) implements Command {}

  private record Announced(RouterStarted started) implements Command {}

  private SessionDirectory() {}

  @SuppressWarnings("unchecked")
  private static ActorRef<RouterCommand> a(ActorRef<?> ref) {
    return (ActorRef<RouterCommand>) ref;
  }

  public static Behavior<Command> create() {
    return Behaviors.setup(
        context -> {
          ActorRef<Topic.Command<RouterStarted>> topic = context.spawn(RouterStarted.topic(), "router-announcements");
          topic.tell(Topic.subscribe(context.messageAdapter(RouterStarted.class, Announced::new)));
          Set<ActorRef<SessionMessage>> sessions = new HashSet<>();
          // The router instance last announced; announcements repeat, only a new instance is news.
          ActorRef<?>[] current = {null};
          return Behaviors.receive(Command.class)
              .onMessage(Register.class, r -> {
                sessions.add(r.session());
                context.watchWith(r.session(), new Ended(r.session()));
                if (current[0] != null) {
                  r.session().tell(new SessionMessage.RouterKnown(a(current[0])));
                }
                return Behaviors.same();
              })
              .onMessage(Ended.class, e -> {
                sessions.remove(e.session());
                return Behaviors.same();
              })
              .onMessage(Announced.class, announced -> {
                ActorRef<RouterCommand> router = announced.started().router();
                if (router.equals(current[0])) {
                  return Behaviors.same();
                }
                current[0] = router;
                context.getLog().info("Router running at {}; re-attaching {} sessions", router.path().address(), sessions.size());
                sessions.forEach(s -> s.tell(new SessionMessage.RouterRestarted(router)));
                return Behaviors.same();
              })
              .build();
        });
  }
}
