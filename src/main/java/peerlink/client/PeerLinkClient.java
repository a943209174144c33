package peerlink.client;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ServerFrame;

/**
 * A PeerLink peer: connects to the router nodes of its options (reconnecting and resuming on its own) and
 * offers every request as a future that completes with the router's answer, or fails with a
 * {@link PeerLinkException} carrying the router's error code.
 */
public final class PeerLinkClient {
  private static final AtomicLong INSTANCES = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ActorRef<ClientCommand> connection;
  private final String sendIdPrefix;
  private final AtomicLong requests = new AtomicLong();

  private PeerLinkClient(ActorRef<ClientCommand> connection) {
    this.connection = connection;
    byte[] prefix = new byte[6];
    RANDOM.nextBytes(prefix);
    // Unique across restarts of this client, so a new message never collides with an old one's id.
    this.sendIdPrefix = HexFormat.of().formatHex(prefix);
  }

  public static PeerLinkClient start(ClientRuntime runtime, ClientOptions options, ClientListener listener) {
    ActorRef<ClientCommand> connection =
        runtime.system().systemActorOf(ClientConnection.create(options, listener, runtime), "client-" + INSTANCES.incrementAndGet(), Props.empty());
    return new PeerLinkClient(connection);
  }

  /** Claims the peer ID with this client's key (creating the key if there is none yet) and logs in. */
  public CompletionStage<ServerFrame.Ok> register() {
    CompletableFuture<ServerFrame.Ok> reply = new CompletableFuture<>();
    connection.tell(new ClientCommand.Register(reply));
    return reply;
  }

  /** A new id for {@link #send(String, String, String)}; keep it to retry the same message. */
  public String newMessageId() {
    return sendIdPrefix + "-" + requests.incrementAndGet();
  }

  /** Sends to a peer or a group; completes when the router has the message durably (SENT). */
  public CompletionStage<ServerFrame.Ok> send(String to, String body) {
    return send(newMessageId(), to, body);
  }

  /** Sends with a chosen id: sending the same id again never creates a second message. */
  public CompletionStage<ServerFrame.Ok> send(String id, String to, String body) {
    return request(new ClientFrame.Send(id, to, body), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.Ok> createGroup(String group) {
    return request(new ClientFrame.CreateGroup(nextId(), group), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.Ok> joinGroup(String group) {
    return request(new ClientFrame.JoinGroup(nextId(), group), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.Ok> leaveGroup(String group) {
    return request(new ClientFrame.LeaveGroup(nextId(), group), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.GroupList> groups() {
    return request(new ClientFrame.ListGroups(nextId()), ServerFrame.GroupList.class);
  }

  public CompletionStage<ServerFrame.MemberList> members(String group) {
    return request(new ClientFrame.ListMembers(nextId(), group), ServerFrame.MemberList.class);
  }

  public CompletionStage<ServerFrame.MessageStatus> status(String msgId) {
    return request(new ClientFrame.QueryStatus(nextId(), msgId), ServerFrame.MessageStatus.class);
  }

  /** Waits for the answers to every request made so far (30 s at most), then disconnects. */
  public CompletionStage<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    connection.tell(new ClientCommand.Close(done));
    return done;
  }

  private String nextId() {
    return "q" + requests.incrementAndGet();
  }

  private <T extends ServerFrame> CompletionStage<T> request(ClientFrame.Request request, Class<T> replyType) {
    CompletableFuture<ServerFrame> reply = new CompletableFuture<>();
    connection.tell(new ClientCommand.Submit(request, reply));
    return reply.thenApply(replyType::cast);
  }
}
