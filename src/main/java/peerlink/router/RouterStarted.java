package peerlink.router;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.pubsub.Topic;

/** Published by a router instance once its registry has recovered, so every node's sessions re-attach to it. */
public record RouterStarted(ActorRef<RouterCommand> router) implements CborSerializable {
  public static final String TOPIC = "peerlink-router-started";

  public static Behavior<Topic.Command<RouterStarted>> topic() {
    return Topic.create(RouterStarted.class, TOPIC);
  }
}
