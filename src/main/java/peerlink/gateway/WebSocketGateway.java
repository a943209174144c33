package peerlink.gateway;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import peerlink.protocol.Protocol;
import peerlink.router.RouterCommand;
import peerlink.session.Outgoing;
import peerlink.session.Session;
import peerlink.session.SessionDirectory;
import peerlink.session.SessionMessage;
import peerlink.session.SessionSettings;

/**
 * The HTTP edge: upgrades {@code /ws} to a WebSocket and couples it to a new {@link Session} actor.
 * It only moves text between the socket and the session; all protocol logic is in the session.
 */
public final class WebSocketGateway extends AllDirectives {
  /** Replies and pushes a session may have queued for a slow client before the connection is dropped. */
  private static final int OUTGOING_BUFFER = 32_768;

  private final ActorSystem<?> system;
  private final ActorRef<RouterCommand> router;
  private final SessionSettings settings;
  private final AtomicLong connections = new AtomicLong();
  private final Materializer materializer;

  private final Supplier<CompletionStage<String>> status;

  /** {@code status} produces the JSON served at {@code /status}. */
  private final ActorRef<SessionDirectory.Command> directory;

  public WebSocketGateway(
      ActorSystem<?> system,
      ActorRef<RouterCommand> router,
      SessionSettings settings,
      ActorRef<SessionDirectory.Command> directory,
      Supplier<CompletionStage<String>> status) {
    this.system = system;
    this.directory = directory;
    this.status = status;
    this.router = router;
    this.settings = settings;
    this.materializer = Materializer.matFromSystem(system);
  }

  public Route route() {
    return concat(
        path(Protocol.WEBSOCKET_PATH, () -> extractRequest(request -> handleWebSocketMessages(newConnection()))),
        path("health", () -> get(() -> complete("ok\n"))),
        path("status", () -> get(() -> onSuccess(status.get(), json -> complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_JSON, json))))));
  }

  private Flow<Message, Message, NotUsed> newConnection() {
    Pair<ActorRef<Outgoing>, Source<Outgoing, NotUsed>> outgoing =
        ActorSource.<Outgoing>actorRef(
                o -> o instanceof Outgoing.Close,
                o -> Optional.empty(),
                OUTGOING_BUFFER,
                OverflowStrategy.fail())
            .preMaterialize(system);
    ActorRef<SessionMessage> session =
        system.systemActorOf(
            Session.create(router, outgoing.first(), settings, directory),
            "session-" + connections.incrementAndGet(),
            Props.empty());
    Sink<Message, NotUsed> incoming =
        Flow.<Message>create()
            .filter(Message::isText)
            .mapAsync(1, message -> boundedText(message.asTextMessage()))
            .map(text -> (SessionMessage) new SessionMessage.FromClient(text))
            .to(
                ActorSink.actorRef(
                    session, new SessionMessage.ClientGone(), failure -> new SessionMessage.ClientGone()));
    Source<Message, NotUsed> replies =
        outgoing.second().filter(o -> o instanceof Outgoing.Text).map(o -> TextMessage.create(((Outgoing.Text) o).json()));
    return Flow.fromSinkAndSourceCoupled(incoming, replies);
  }

  /**
   * Collects a text frame, keeping at most one chunk past the frame limit so an oversize frame costs
   * bounded memory; the session then rejects it with FRAME_TOO_LARGE and the connection stays open.
   */
  private CompletionStage<String> boundedText(TextMessage message) {
    if (message.isStrict()) {
      return CompletableFuture.completedFuture(message.getStrictText());
    }
    int limit = settings.limits().maxFrameBytes();
    return message
        .getStreamedText()
        .runFold(new StringBuilder(), (text, chunk) -> text.length() > limit ? text : text.append(chunk), materializer)
        .thenApply(StringBuilder::toString);
  }
}
