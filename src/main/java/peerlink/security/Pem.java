package peerlink.security;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Writes keys and certificates as PEM files the way Pekko's {@code RotatingKeysSSLEngineProvider} reads
 * them (certificates as {@code CERTIFICATE}, keys as unencrypted PKCS#8 {@code PRIVATE KEY}).
 */
public final class Pem {
  private Pem() {}

  /** Writes {@code certificate} to {@code file}, replacing it in one rename so a reader never sees half of it. */
  public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    try {
      replace(file, block("CERTIFICATE", certificate.getEncoded()), false);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode the certificate for " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code key} to {@code file} with mode 600: the file is created with that mode, so the key is never
   * readable by others, not even for a moment.
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    replace(file, block("PRIVATE KEY", key.getEncoded()), true);
  }

  static String block(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** The DER bytes of the first block of {@code type} in {@code file}. */
  public static byte[] read(Path file, String type) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin);
    int to = from < 0 ? -1 : text.indexOf(end, from);
    if (from < 0 || to < 0) {
      throw new IOException("no PEM block '" + type + "' in it");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new IOException("the PEM block '" + type + "' is not valid Base64");
    }
  }

  private static void replace(Path file, String content, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temporary = dir.resolve("." + file.getFileName() + ".new");
    Files.deleteIfExists(temporary);
    if (secret) {
      try {
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        throw new IOException("another process is writing " + file, e);
      }
    }
    try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(content);
    }
    // A rename, so a node that reloads its files (certificate rotation) reads the old file or the new one, never a mix.
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
