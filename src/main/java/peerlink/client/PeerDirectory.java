package peerlink.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Optional;
import peerlink.protocol.Signatures;

/**
 * A peer's local state under {@code $PEERLINK_HOME/peers/<id>/}: its key pair ({@code identity.json}, mode
 * 600, the directory 700) and its resume point ({@code last-seq}). Files are replaced atomically.
 */
public final class PeerDirectory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;

  public PeerDirectory(Path home, String peer) {
    this.dir = home.resolve("peers").resolve(peer);
  }

  /** {@code $PEERLINK_HOME}, else {@code ~/.peerlink}. */
  public static Path defaultHome() {
    String env = System.getenv("PEERLINK_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".peerlink");
  }

  public Path dir() {
    return dir;
  }

  /** The file that holds this peer's key. */
  public Path keyFile() {
    return dir.resolve("identity.json");
  }

  public KeyStore keys() {
    return new KeyStore() {
      @Override
      public Optional<KeyPair> load() {
        Path file = dir.resolve("identity.json");
        if (!Files.exists(file)) {
          return Optional.empty();
        }
        try {
          JsonNode json = JSON.readTree(file.toFile());
          return Optional.of(Signatures.decodeKeyPair(json.get("publicKey").asText(), json.get("privateKey").asText()));
        } catch (IOException | GeneralSecurityException | NullPointerException e) {
          throw new IllegalStateException("Cannot read the key in " + file + ": " + e.getMessage(), e);
        }
      }

      @Override
      public KeyPair create() {
        KeyPair keys = Signatures.newKeyPair();
        ObjectNode json = JSON.createObjectNode();
        json.put("publicKey", Signatures.encode(keys.getPublic()));
        json.put("privateKey", Signatures.encode(keys.getPrivate()));
        writePrivate("identity.json", json.toPrettyString());
        return keys;
      }

      @Override
      public void discard(KeyPair keys) {
        Optional<KeyPair> stored = load();
        if (stored.isPresent() && Arrays.equals(stored.get().getPublic().getEncoded(), keys.getPublic().getEncoded())) {
          try {
            Files.deleteIfExists(dir.resolve("identity.json"));
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir.resolve("identity.json"), e);
          }
        }
      }
    };
  }

  public ResumeStore resume() {
    return new ResumeStore() {
      @Override
      public long load() {
        Path file = dir.resolve("last-seq");
        try {
          return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
          throw new IllegalStateException("Cannot read the resume point in " + file + ": " + e.getMessage(), e);
        }
      }

      @Override
      public void save(long seq) {
        writePrivate("last-seq", Long.toString(seq));
      }
    };
  }

  private void writePrivate(String name, String content) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path tmp = dir.resolve(name + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + dir.resolve(name), e);
    }
  }
}
