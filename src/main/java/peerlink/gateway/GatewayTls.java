package peerlink.gateway;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import peerlink.security.TlsSetupException;

/**
 * What a router node presents to its clients on {@code wss://}: a certificate chain and its key, from PEM
 * files or a PKCS#12 keystore. The files are checked again at most every {@link #RECHECK}, and a changed
 * file is read for new connections, so a certificate is rotated by replacing the files, without a restart.
 * A file that cannot be read later (half-copied, say) keeps the previous context and is logged.
 */
public final class GatewayTls {
  private static final Logger log = LoggerFactory.getLogger(GatewayTls.class);
  static final Duration RECHECK = Duration.ofSeconds(10);

  /** Where the key and certificate come from. */
  private sealed interface Source {
    List<Path> files();

    SslContextBuilder builder() throws IOException, GeneralSecurityException;
  }

  private record Pem(Path cert, Path key) implements Source {
    public List<Path> files() {
      return List.of(cert, key);
    }

    public SslContextBuilder builder() {
      return SslContextBuilder.forServer(cert.toFile(), key.toFile());
    }
  }

  private record Pkcs12(Path store, char[] password) implements Source {
    public List<Path> files() {
      return List.of(store);
    }

    public SslContextBuilder builder() throws IOException, GeneralSecurityException {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, password);
      }
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, password);
      return SslContextBuilder.forServer(factory);
    }
  }

  private record Loaded(SslContext context, List<FileTime> stamps, long checkedNanos) {}

  private final Source source;
  private volatile Loaded loaded;

  private GatewayTls(Source source) throws TlsSetupException {
    this.source = source;
    this.loaded = load(System.nanoTime());
  }

  /** @throws TlsSetupException naming the file when the pair cannot be read or does not make a TLS server */
  public static GatewayTls pem(Path cert, Path key) throws TlsSetupException {
    return new GatewayTls(new Pem(cert, key));
  }

  /** @throws TlsSetupException naming the file when the keystore cannot be opened with the password */
  public static GatewayTls pkcs12(Path store, char[] password) throws TlsSetupException {
    return new GatewayTls(new Pkcs12(store, password.clone()));
  }

  /** For the start-up log line. */
  public String describe() {
    return source.files().get(0).toString();
  }

  /** BoringSSL (netty-tcnative) where its native library loads: far less CPU per record than the JDK's engine. */
  static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** Which TLS engine serves clients, for the start-up log line. */
  public static String engine() {
    return OpenSsl.isAvailable() ? OpenSsl.versionString() + " (netty-tcnative)" : "the JDK's (netty-tcnative not loaded: " + OpenSsl.unavailabilityCause() + ")";
  }

  /** The TLS settings for a new connection: the files' current content. */
  SslContext context() {
    Loaded now = loaded;
    long nanos = System.nanoTime();
    if (nanos - now.checkedNanos() < RECHECK.toNanos()) {
      return now.context();
    }
    try {
      if (stamps().equals(now.stamps())) {
        loaded = new Loaded(now.context(), now.stamps(), nanos);
      } else {
        loaded = load(nanos);
        log.info("Client TLS: read the changed certificate files ({}); new connections use them", describe());
      }
    } catch (IOException | TlsSetupException e) {
      loaded = new Loaded(now.context(), now.stamps(), nanos);
      log.warn("Client TLS: cannot read the changed certificate files, keeping the previous ones: {}", e.getMessage());
    }
    return loaded.context();
  }

  private List<FileTime> stamps() throws IOException {
    List<FileTime> stamps = new java.util.ArrayList<>();
    for (Path file : source.files()) {
      stamps.add(Files.getLastModifiedTime(file));
    }
    return stamps;
  }

  private Loaded load(long nanos) throws TlsSetupException {
    for (Path file : source.files()) {
      if (!Files.isReadable(file)) {
        throw new TlsSetupException(file + ": missing or not readable (peerlink.gateway.tls)");
      }
    }
    try {
      List<FileTime> stamps = stamps();
      SslContext context = source.builder().sslProvider(provider()).protocols("TLSv1.3", "TLSv1.2").build();
      return new Loaded(context, stamps, nanos);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new TlsSetupException(describe() + ": cannot serve TLS with it (" + e.getMessage() + ")");
    }
  }
}
