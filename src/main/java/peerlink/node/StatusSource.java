package peerlink.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.Cluster;
import peerlink.metrics.StageTimings;
import peerlink.protocol.FrameCodec;
import peerlink.replication.RmCommand;
import peerlink.replication.RmStatus;
import peerlink.storage.EventLogs;
import peerlink.storage.StorePosition;
import peerlink.storage.FreeSpace;

/**
 * The JSON at a router node's {@code /status}: this node's client connections, its store position and free space, the
 * cumulative timings of its write path ({@link StageTimings}), and what the rm knows.
 */
public final class StatusSource {
  private final ActorSystem<?> system;
  private final ActorRef<RmCommand> rm;
  private final Path store;
  private final FreeSpace space;

  public StatusSource(ActorSystem<?> system, ActorRef<RmCommand> rm, Path store, FreeSpace space) {
    this.system = system;
    this.rm = rm;
    this.store = store;
    this.space = space;
  }

  /** {@code clients}: the WebSocket connections the node holds now. */
  public CompletionStage<String> json(int clients) {
    return AskPattern.<RmCommand, RmStatus>ask(rm, RmCommand.GetStatus::new, Duration.ofSeconds(3), system.scheduler())
        .handle((status, failure) -> render(clients, status, failure));
  }

  private String render(int clients, RmStatus status, Throwable failure) {
    ObjectNode json = FrameCodec.mapper().createObjectNode();
    json.put("node", Cluster.get(system).selfMember().address().toString());
    json.put("clients", clients);
    StorePosition position = EventLogs.get(Adapter.toClassic(system)).openLocalPosition(store);
    json.putObject("store").put("epoch", position.epoch()).put("writeId", position.writeId())
        .put("freeBytes", space.freeBytes()).put("minFreeBytes", space.minimumBytes()).put("spaceLow", space.low()).put("space", space.describe());
    ObjectNode timings = json.putObject("timings");
    StageTimings.get(system).read().forEach((stage, t) ->
        timings.putObject(stage).put("count", t.count()).put("totalNanos", t.totalNanos()).put("maxNanos", t.maxNanos()));
    if (status != null) {
      json.set("rm", FrameCodec.mapper().valueToTree(status));
    } else {
      json.put("rmError", "the replication manager did not answer: " + failure.getMessage());
    }
    return json.toString();
  }
}
