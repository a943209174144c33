package peerlink.client;

import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import peerlink.protocol.ClientFrame;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.Limits;
import peerlink.protocol.PageLimits;
import peerlink.protocol.ServerFrame;
import peerlink.protocol.Text;

/**
 * A PeerLink peer: connects to the router nodes of its options (reconnecting and resuming on its own) and
 * offers every request as a future that completes with the router's answer or fails with a
 * {@link PeerLinkException} (itself, never wrapped), at the latest when the request's deadline passes.
 *
 * <p>Message bodies are Unicode text: the protocol carries no bytes (docs/protocol.md, section 7). To send
 * bytes, encode them as text (Base64, say), mindful that the size limit counts the text's UTF-8 bytes.
 *
 * <p>Safe to use from any thread. {@link #withDeadline} and {@link #withoutReceipts} return views of the
 * same client (same connection, same ids) whose requests carry other settings.
 */
public final class PeerLinkClient {
  private static final AtomicLong INSTANCES = new AtomicLong();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ActorRef<ClientCommand> connection;
  private final String sendIdPrefix;
  private final AtomicLong requests;
  private final Duration deadline;
  private final boolean receipts;

  private PeerLinkClient(ActorRef<ClientCommand> connection, String sendIdPrefix, AtomicLong requests, Duration deadline, boolean receipts) {
    this.connection = connection;
    this.sendIdPrefix = sendIdPrefix;
    this.requests = requests;
    this.deadline = deadline;
    this.receipts = receipts;
  }

  /**
   * Starts a client: it connects at once and logs in if its key store has a key (else see {@link #register}).
   *
   * @throws IllegalArgumentException when the CA file of {@code options.tls()} cannot be read
   */
  public static PeerLinkClient start(ClientRuntime runtime, ClientOptions options, ClientListener listener) {
    SslContext tls = ClientTlsContext.of(options.tls());
    ActorRef<ClientCommand> connection =
        runtime.system().systemActorOf(ClientConnection.create(options, tls, listener, runtime), "client-" + INSTANCES.incrementAndGet(), Props.empty());
    byte[] prefix = new byte[6];
    RANDOM.nextBytes(prefix);
    // Unique across restarts of this client, so a new message never collides with an old one's id.
    return new PeerLinkClient(connection, HexFormat.of().formatHex(prefix), new AtomicLong(), options.requestTimeout(), options.receipts());
  }

  /** This client, with {@code deadline} for the requests made through the view returned. */
  public PeerLinkClient withDeadline(Duration deadline) {
    ClientOptions.requirePositive("deadline", deadline);
    return new PeerLinkClient(connection, sendIdPrefix, requests, deadline, receipts);
  }

  /** This client, sending messages that ask for no {@code delivered} pushes (a publisher to a large group, say). */
  public PeerLinkClient withoutReceipts() {
    return new PeerLinkClient(connection, sendIdPrefix, requests, deadline, false);
  }

  /**
   * Claims the peer ID with this client's key (creating the key if there is none yet) and logs in; completes
   * with the login's answer. An ID registered with another key fails with {@code ID_TAKEN} (and a key made
   * for this attempt is discarded again).
   */
  public CompletionStage<ServerFrame.Ok> register() {
    return register(null);
  }

  /**
   * As {@link #register()}, with an operator's invitation token ({@code bin/peerlink invite}), which a router
   * that registers by invitation only requires; null for none.
   */
  public CompletionStage<ServerFrame.Ok> register(String invitation) {
    CompletableFuture<ServerFrame.Ok> reply = new CompletableFuture<>();
    connection.tell(new ClientCommand.Register(reply, deadlineFromNow(), invitation));
    return reply;
  }

  /**
   * Completes when this client is logged in: at once if it is, else at its next login (after a reconnect,
   * say), with the login's answer. Fails if no login can come without the application's help (no key yet,
   * the ID refused, the session replaced), or with {@code TIMED_OUT} after the deadline.
   */
  public CompletionStage<ServerFrame.Ok> loggedIn() {
    CompletableFuture<ServerFrame.Ok> reply = new CompletableFuture<>();
    connection.tell(new ClientCommand.AwaitLogin(reply, deadlineFromNow()));
    return reply;
  }

  /** A new id for {@link #send(String, String, String)}; keep it to retry the same message. */
  public String newMessageId() {
    return sendIdPrefix + "-" + requests.incrementAndGet();
  }

  /** Sends text to a peer or a group; completes when the router has the message durably (SENT). */
  public CompletionStage<ServerFrame.Ok> send(String to, String text) {
    return send(newMessageId(), to, text);
  }

  /** Sends with a chosen id: sending the same id again never creates a second message. */
  public CompletionStage<ServerFrame.Ok> send(String id, String to, String text) {
    return send(id, to, text, null);
  }

  /**
   * Sends with a time-to-live: a recipient that has not acknowledged the message {@code ttl} after it was
   * accepted never gets it, and this peer hears {@link ClientListener#onExpired} (null: the router's default).
   * Whole seconds, at least one; a router refuses more than its maximum with {@code TTL_OUT_OF_RANGE}.
   */
  public CompletionStage<ServerFrame.Ok> send(String id, String to, String text, java.time.Duration ttl) {
    String badId = badSendId(id);
    if (badId != null) {
      // The router refuses such an id with BAD_FRAME and cannot echo it, so the answer would match no request
      // and this one would wait for its whole deadline: say so now.
      return CompletableFuture.failedFuture(new PeerLinkException(ErrorCode.BAD_FRAME, badId));
    }
    Integer seconds = ttl == null ? null : (int) Math.min(Integer.MAX_VALUE, Math.max(1, ttl.toSeconds()));
    return request(new ClientFrame.Send(id, to, text, receipts ? null : Boolean.FALSE, seconds), ServerFrame.Ok.class);
  }

  /** Why the router would refuse {@code id} as a send id, or null when it takes it. */
  private static String badSendId(String id) {
    if (id == null || id.isEmpty()) {
      return "A send id must not be empty.";
    }
    if (id.length() > Limits.MAX_REQUEST_ID_LENGTH) {
      return "The send id is " + id.length() + " characters long; the router takes at most " + Limits.MAX_REQUEST_ID_LENGTH + ".";
    }
    int surrogate = Text.firstLoneSurrogate(id);
    return surrogate < 0 ? null : "The send id is not valid Unicode: a lone surrogate at position " + (surrogate + 1) + ".";
  }

  /** Creates a public group (anyone may find and join it); this peer is its owner and first member. */
  public CompletionStage<ServerFrame.Ok> createGroup(String group) {
    return request(new ClientFrame.CreateGroup(nextId(), group), ServerFrame.Ok.class);
  }

  /** Creates a private group: listed only to its members, its owner and the peers invited, joined only by invitation. */
  public CompletionStage<ServerFrame.Ok> createPrivateGroup(String group) {
    return request(new ClientFrame.CreateGroup(nextId(), group, Boolean.TRUE), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.Ok> joinGroup(String group) {
    return request(new ClientFrame.JoinGroup(nextId(), group), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.Ok> leaveGroup(String group) {
    return request(new ClientFrame.LeaveGroup(nextId(), group), ServerFrame.Ok.class);
  }

  /** As the owner of a private group: lets {@code peer} join it (with {@link #joinGroup}). */
  public CompletionStage<ServerFrame.Ok> invite(String group, String peer) {
    return request(new ClientFrame.Invite(nextId(), group, peer), ServerFrame.Ok.class);
  }

  /** As the owner: takes {@code peer} out of the group, or withdraws its invitation. */
  public CompletionStage<ServerFrame.Ok> remove(String group, String peer) {
    return request(new ClientFrame.RemoveMember(nextId(), group, peer), ServerFrame.Ok.class);
  }

  /** As the owner: removes {@code peer} and keeps it out of the group until {@link #unban}. */
  public CompletionStage<ServerFrame.Ok> ban(String group, String peer) {
    return request(new ClientFrame.Ban(nextId(), group, peer), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.Ok> unban(String group, String peer) {
    return request(new ClientFrame.Unban(nextId(), group, peer), ServerFrame.Ok.class);
  }

  /** As the owner: makes {@code peer}, a member, the group's owner. */
  public CompletionStage<ServerFrame.Ok> giveGroup(String group, String peer) {
    return request(new ClientFrame.GiveGroup(nextId(), group, peer), ServerFrame.Ok.class);
  }

  /** As the owner: deletes the group; messages already sent to it are still delivered. */
  public CompletionStage<ServerFrame.Ok> deleteGroup(String group) {
    return request(new ClientFrame.DeleteGroup(nextId(), group), ServerFrame.Ok.class);
  }

  /** Refuses {@code peer}'s messages from now on: its sends to this peer fail with {@code BLOCKED}. */
  public CompletionStage<ServerFrame.Ok> block(String peer) {
    return request(new ClientFrame.Block(nextId(), peer), ServerFrame.Ok.class);
  }

  public CompletionStage<ServerFrame.Ok> unblock(String peer) {
    return request(new ClientFrame.Unblock(nextId(), peer), ServerFrame.Ok.class);
  }

  /** The first page of the groups, by name (up to {@link PageLimits#MAX_LIST}); its {@code next} is null when that is all. */
  public CompletionStage<ServerFrame.GroupList> groups() {
    return request(new ClientFrame.ListGroups(nextId()), ServerFrame.GroupList.class);
  }

  /**
   * A page of at most {@code limit} groups (1 to {@link PageLimits#MAX_LIST}) whose names sort after
   * {@code after} (null: from the first); pass the page's {@code next} as {@code after} for the next page.
   */
  public CompletionStage<ServerFrame.GroupList> groups(String after, int limit) {
    return request(new ClientFrame.ListGroups(nextId(), after, limit), ServerFrame.GroupList.class);
  }

  /** Every group, page after page (each a request of its own), in name order. */
  public CompletionStage<List<ServerFrame.GroupInfo>> allGroups() {
    return allPages(after -> groups(after, PageLimits.MAX_LIST), ServerFrame.GroupList::groups, ServerFrame.GroupList::next);
  }

  /** The first page of a group's members (up to {@link PageLimits#MAX_LIST}, every member with the default limits). */
  public CompletionStage<ServerFrame.MemberList> members(String group) {
    return request(new ClientFrame.ListMembers(nextId(), group), ServerFrame.MemberList.class);
  }

  /** A page of a group's members, as {@link #groups(String, int)}. */
  public CompletionStage<ServerFrame.MemberList> members(String group, String after, int limit) {
    return request(new ClientFrame.ListMembers(nextId(), group, after, limit), ServerFrame.MemberList.class);
  }

  /** Every member of a group, page after page, sorted. */
  public CompletionStage<List<String>> allMembers(String group) {
    return allPages(after -> members(group, after, PageLimits.MAX_LIST), ServerFrame.MemberList::members, ServerFrame.MemberList::next);
  }

  /**
   * Every member of a group, page after page, as one {@code member_list} (without {@code next}) that also
   * names the owner: what the last page said, the latest word if the group changed hands meanwhile.
   */
  public CompletionStage<ServerFrame.MemberList> wholeMemberList(String group) {
    AtomicReference<String> owner = new AtomicReference<>();
    return allPages(
            after -> members(group, after, PageLimits.MAX_LIST).thenApply(page -> {
              owner.set(page.owner());
              return page;
            }),
            ServerFrame.MemberList::members, ServerFrame.MemberList::next)
        .thenApply(members -> new ServerFrame.MemberList(null, group, members, null, owner.get()));
  }

  /** Asks for page after page from {@code page} (given the cursor) until one has no next, and joins their items. */
  private static <P, T> CompletionStage<List<T>> allPages(
      Function<String, CompletionStage<P>> page, Function<P, List<T>> items, Function<P, String> next) {
    List<T> all = new ArrayList<>();
    CompletableFuture<List<T>> done = new CompletableFuture<>();
    followPages(null, page, items, next, all, done);
    return done;
  }

  private static <P, T> void followPages(
      String after, Function<String, CompletionStage<P>> page, Function<P, List<T>> items, Function<P, String> next,
      List<T> all, CompletableFuture<List<T>> done) {
    page.apply(after).whenComplete((answer, failure) -> {
      if (failure != null) {
        done.completeExceptionally(PeerLinkException.from(failure));
        return;
      }
      all.addAll(items.apply(answer));
      String cursor = next.apply(answer);
      if (cursor == null) {
        done.complete(all);
      } else {
        followPages(cursor, page, items, next, all, done);
      }
    });
  }

  public CompletionStage<ServerFrame.MessageStatus> status(String msgId) {
    return request(new ClientFrame.QueryStatus(nextId(), msgId), ServerFrame.MessageStatus.class);
  }

  /**
   * Closes now: requests still unanswered fail with {@code CLOSED} (each may or may not have taken effect),
   * and the connection ends. Completes when that is done.
   */
  public CompletionStage<Void> close() {
    return close(Duration.ZERO);
  }

  /** Waits up to {@code grace} for the answers to the requests made so far, then closes as {@link #close()}. */
  public CompletionStage<Void> close(Duration grace) {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("grace must be zero or positive, not " + grace);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    connection.tell(new ClientCommand.Close(grace, done));
    return done;
  }

  /**
   * Waits for {@code reply} and returns its value, or throws its {@link PeerLinkException} as it is (where
   * {@code join()} and {@code get()} would wrap it). Every request of this client ends by its deadline, so
   * this returns.
   */
  public static <T> T await(CompletionStage<T> reply) {
    try {
      return reply.toCompletableFuture().join();
    } catch (RuntimeException e) {
      throw PeerLinkException.from(e);
    }
  }

  private String nextId() {
    return "q" + requests.incrementAndGet();
  }

  private long deadlineFromNow() {
    return System.nanoTime() + deadline.toNanos();
  }

  private <T extends ServerFrame> CompletionStage<T> request(ClientFrame.Request request, Class<T> replyType) {
    CompletableFuture<T> reply = new CompletableFuture<>();
    connection.tell(new ClientCommand.Submit(new PendingRequest<>(request, replyType, reply, deadlineFromNow())));
    return reply;
  }
}
