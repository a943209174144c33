package peerlink.client.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import peerlink.client.ClientListener;
import peerlink.client.ClientOptions;
import peerlink.client.ClientRuntime;
import peerlink.client.ClientTls;
import peerlink.client.PeerDirectory;
import peerlink.client.PeerLinkClient;
import peerlink.client.PeerLinkException;
import peerlink.protocol.ErrorCode;
import peerlink.protocol.ProtocolException;
import peerlink.protocol.ServerFrame;

/**
 * The console peer: reads commands (from a JLine prompt on a terminal, else line by line from standard
 * input), runs them through the client library, and prints replies and pushes as they arrive.
 */
public final class Console {
  private final PeerLinkClient client;
  private final ConsoleOutput output;
  private final PeerDirectory directory;
  private final Advice advice;
  /** The answers of the commands typed so far that have not come yet (a command may be several requests). */
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  /** A key exists or a REGISTER was typed: from then on the client library answers (or refuses) commands itself. */
  private volatile boolean registered;

  private Console(PeerLinkClient client, ConsoleOutput output, PeerDirectory directory, Advice advice) {
    this.client = client;
    this.output = output;
    this.directory = directory;
    this.advice = advice;
    this.registered = directory.keys().load().isPresent();
  }

  /** Runs the console until QUIT or end of input; returns the process exit code. */
  public static int run(String peer, List<String> servers, ClientTls tls, boolean json, Path home) throws IOException {
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (System.console() == null) {
      return runLines(peer, servers, tls, json, home, System.in, stdout);
    }
    Terminal term = TerminalBuilder.builder().system(true).build();
    LineReader reader = LineReaderBuilder.builder().terminal(term).build();
    ConsoleOutput output = json ? new JsonOutput(reader::printAbove) : new HumanOutput(reader::printAbove);
    return session(peer, servers, tls, json, home, output, console -> console.readTerminal(reader));
  }

  /** The console reading commands line by line from {@code in} (a pipe, a file, a test) and printing to {@code out}. */
  static int runLines(String peer, List<String> servers, ClientTls tls, boolean json, Path home, InputStream in, PrintStream out) throws IOException {
    Consumer<String> printer = line -> printLine(out, line);
    ConsoleOutput output = json ? new JsonOutput(printer) : new HumanOutput(printer);
    return session(peer, servers, tls, json, home, output, console -> console.readLines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))));
  }

  /** What reads the commands: a terminal prompt or plain lines. */
  private interface Reader {
    void read(Console console) throws IOException;
  }

  private static int session(String peer, List<String> servers, ClientTls tls, boolean json, Path home, ConsoleOutput output, Reader reader) throws IOException {
    PeerDirectory directory = new PeerDirectory(home, peer);
    try (ClientRuntime runtime = new ClientRuntime()) {
      Advice advice = new Advice(peer, directory.keyFile());
      ConsoleListener listener = new ConsoleListener(output, advice);
      PeerLinkClient client =
          PeerLinkClient.start(runtime, ClientOptions.of(peer, servers, directory.keys(), directory.resume(), tls), listener);
      Console console = new Console(client, output, directory, advice);
      if (!json) {
        output.help("PeerLink console for " + peer + " (servers " + String.join(",", servers) + "). Type HELP for commands.");
      }
      reader.read(console);
      console.finish();
    }
    return 0;
  }

  private static synchronized void printLine(PrintStream out, String line) {
    out.println(line);
  }

  private void readTerminal(LineReader reader) {
    while (true) {
      String line;
      try {
        line = reader.readLine(directoryName() + "> ");
      } catch (EndOfFileException | UserInterruptException e) {
        return;
      }
      if (!execute(line)) {
        return;
      }
    }
  }

  private void readLines(BufferedReader in) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!execute(line)) {
        return;
      }
    }
  }

  private String directoryName() {
    return directory.dir().getFileName().toString();
  }

  /** Runs one line; returns false when the console should end. */
  boolean execute(String line) {
    String word = CommandParser.commandWord(line);
    ConsoleCommand command;
    try {
      command = CommandParser.parse(line);
      if (needsRegistration(command) && !registered) {
        throw new ProtocolException(ErrorCode.NOT_REGISTERED, advice.explain(ErrorCode.NOT_REGISTERED, ""));
      }
    } catch (ProtocolException e) {
      output.error(word, e.code().name(), e.getMessage());
      return true;
    }
    if (command instanceof ConsoleCommand.Quit) {
      return false;
    }
    dispatch(command, word);
    return true;
  }

  private void dispatch(ConsoleCommand command, String word) {
    if (command instanceof ConsoleCommand.SendMsg s) {
      track(client.send(client.newMessageId(), s.receiver(), s.body(), s.ttl()), word, ok -> sent(ok, s.receiver()), e -> refused(e, s.receiver(), word));
    } else if (command instanceof ConsoleCommand.Register r) {
      registered = true; // commands typed from now on queue behind the registration, and fail with it (and after it, with why)
      track(client.register(r.invitation()), word, ok -> output.ok(word, "registered as " + ok.peer()));
    } else if (command instanceof ConsoleCommand.CreateGroup c) {
      if (c.privateGroup()) {
        track(client.createPrivateGroup(c.group()), word, ok -> output.ok(word, "created private group " + c.group() + "; INVITE " + c.group() + " <peer> to let peers join"));
      } else {
        track(client.createGroup(c.group()), word, ok -> output.ok(word, "created group " + c.group()));
      }
    } else if (command instanceof ConsoleCommand.JoinGroup j) {
      track(client.joinGroup(j.group()), word, ok -> output.ok(word, "joined group " + j.group()));
    } else if (command instanceof ConsoleCommand.LeaveGroup l) {
      track(client.leaveGroup(l.group()), word, ok -> output.ok(word, "left group " + l.group()));
    } else if (command instanceof ConsoleCommand.Groups) {
      track(client.allGroups(), word, output::groups); // every page
    } else if (command instanceof ConsoleCommand.Members m) {
      track(client.wholeMemberList(m.group()), word, list -> output.members(m.group(), list.owner(), list.members()));
    } else if (command instanceof ConsoleCommand.Status s) {
      track(client.status(s.msgId()), word, output::status);
    } else if (command instanceof ConsoleCommand.Moderate m) {
      moderate(m, word);
    } else if (command instanceof ConsoleCommand.DeleteGroup d) {
      track(client.deleteGroup(d.group()), word, ok -> output.ok(word, "deleted group " + d.group() + "; messages already sent to it are still delivered"));
    } else if (command instanceof ConsoleCommand.Block b) {
      track(client.block(b.peer()), word, ok -> output.ok(word, "blocked " + b.peer() + ": their messages to you are refused"));
    } else if (command instanceof ConsoleCommand.Unblock u) {
      track(client.unblock(u.peer()), word, ok -> output.ok(word, "unblocked " + u.peer()));
    } else if (command instanceof ConsoleCommand.Help) {
      output.help(CommandParser.HELP);
    }
  }

  private void moderate(ConsoleCommand.Moderate m, String word) {
    String group = m.group();
    String peer = m.peer();
    switch (m.action()) {
      case INVITE -> track(client.invite(group, peer), word, ok -> output.ok(word, "invited " + peer + " to " + group + "; they may JOIN_GROUP " + group + " now"));
      case REMOVE -> track(client.remove(group, peer), word, ok -> output.ok(word, "removed " + peer + " from " + group));
      case BAN -> track(client.ban(group, peer), word, ok -> output.ok(word, "banned " + peer + " from " + group));
      case UNBAN -> track(client.unban(group, peer), word, ok -> output.ok(word, "unbanned " + peer + " from " + group));
      case GIVE_GROUP -> track(client.giveGroup(group, peer), word, ok -> output.ok(word, peer + " owns " + group + " now"));
    }
  }

  private static boolean needsRegistration(ConsoleCommand command) {
    return !(command instanceof ConsoleCommand.Register
        || command instanceof ConsoleCommand.Help
        || command instanceof ConsoleCommand.Quit
        || command instanceof ConsoleCommand.Nothing);
  }

  /** A send's answer: SENT (for how many), then each member it was REJECTED for and why. */
  private void sent(ServerFrame.Ok ok, String receiver) {
    output.sent(ok.msgId(), receiver, ok.recipients(), Boolean.TRUE.equals(ok.duplicate()));
    if (ok.rejected() != null) {
      ok.rejected().forEach(r -> output.rejected(ok.msgId(), r.peer(), r.code(), r.message()));
    }
  }

  /** A send no recipient could take (INBOX_FULL, BLOCKED) is shown as REJECTED, any other refusal as an error. */
  private void refused(PeerLinkException e, String receiver, String word) {
    if (e.code() == ErrorCode.INBOX_FULL || e.code() == ErrorCode.BLOCKED) {
      output.rejected(null, receiver, e.code().name(), e.getMessage());
    } else {
      output.error(word, e.code().name(), advice.explain(e.code(), e.getMessage()));
    }
  }

  /** Prints the answer when it comes; the library fails every request by its deadline, so one always comes. */
  private <T> void track(CompletionStage<T> reply, String word, Consumer<T> onSuccess) {
    track(reply, word, onSuccess, e -> output.error(word, e.code().name(), advice.explain(e.code(), e.getMessage())));
  }

  private <T> void track(CompletionStage<T> reply, String word, Consumer<T> onSuccess, Consumer<PeerLinkException> onFailure) {
    CompletableFuture<T> answer = reply.toCompletableFuture();
    pending.add(answer);
    answer.whenComplete((value, failure) -> pending.remove(answer));
    reply.whenComplete(
        (value, failure) -> {
          if (failure == null) {
            onSuccess.accept(value);
          } else {
            onFailure.accept(PeerLinkException.from(failure));
          }
        });
  }

  /**
   * End of input or QUIT: wait until every command has its answer (sends are SENT), then disconnect. The
   * client answers each request by its deadline and completes the close after the last answer is printed.
   */
  private void finish() {
    // A command may take several requests (GROUPS and MEMBERS ask page after page): its next request would be
    // refused by a closing client, so the commands end first. Each request ends by its deadline.
    for (CompletableFuture<?> answer : pending) {
      answer.handle((value, failure) -> null).join();
    }
    client.close(ClientOptions.DEFAULT_REQUEST_TIMEOUT).toCompletableFuture().join();
  }

  /** Turns the client library's callbacks into console output. */
  private static final class ConsoleListener implements ClientListener {
    private final ConsoleOutput output;
    private final Advice advice;

    ConsoleListener(ConsoleOutput output, Advice advice) {
      this.output = output;
      this.advice = advice;
    }

    @Override
    public void onMessage(ServerFrame.Message message) {
      output.message(message);
    }

    @Override
    public void onDelivered(ServerFrame.Delivered delivered) {
      output.delivered(delivered);
    }

    @Override
    public void onExpired(ServerFrame.Expired expired) {
      output.expired(expired);
    }

    @Override
    public void onConnected(String server, String peer) {
      output.connected(server, peer);
    }

    @Override
    public void onDisconnected(String server, String reason) {
      output.disconnected(server, reason);
    }

    @Override
    public void onNeedsRegistration(String server) {
      output.notice(ErrorCode.NOT_REGISTERED.name(), "Connected to " + server + ". " + advice.explain(ErrorCode.NOT_REGISTERED, ""));
    }

    @Override
    public void onNotice(ErrorCode code, String message) {
      output.notice(code.name(), advice.explain(code, message));
    }
  }
}
