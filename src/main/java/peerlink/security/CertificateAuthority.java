package peerlink.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * A deployment's own certificate authority: makes its key and self-signed certificate, and signs one
 * certificate per node. RSA keys, because Pekko's PEM reader (pekko-pki) reads RSA keys only.
 */
public final class CertificateAuthority {
  /**
   * The name every node certificate carries as a DNS subject alternative name. Pekko's rotating-keys
   * provider accepts a peer only if it shares a subject name with this node's own certificate (so a CA
   * that also signs other clusters' certificates does not let them in); this is that shared name.
   */
  public static final String CLUSTER_NAME = "peerlink-cluster";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final int KEY_BITS = 2048;
  private static final AlgorithmIdentifier SHA256_RSA = new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA named {@code name}, valid for ten years (its files are written by {@link #save}). */
  public static CertificateAuthority create(String name) throws GeneralSecurityException {
    KeyPair pair = newKeyPair();
    X500Name subject = name(name);
    Instant now = Instant.now();
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    try {
      extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    X509Certificate certificate = sign(subject, subject, pair.getPublic(), now, now.plus(CA_VALIDITY), extensions, pair.getPrivate());
    return new CertificateAuthority(certificate, pair.getPrivate());
  }

  /** The CA whose certificate and key are {@code caCert} and the {@code ca.key} beside it. */
  public static CertificateAuthority load(Path caCert, Path caKey) throws IOException, GeneralSecurityException {
    X509Certificate certificate = readCertificate(caCert);
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Pem.read(caKey, "PRIVATE KEY")));
    return new CertificateAuthority(certificate, key);
  }

  /** Writes {@code ca.crt} and {@code ca.key} (mode 600) into {@code dir}. */
  public void save(Path dir) throws IOException {
    Pem.writePrivateKey(dir.resolve(TlsFiles.CA_KEY), key);
    Pem.writeCertificate(dir.resolve(TlsFiles.CA_CERT), certificate);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Makes a key and a certificate for node {@code node} (its common name), valid for {@code validity},
   * and writes them to {@code files} (key first, each by one rename: see docs on rotation), with a copy of
   * this CA's certificate.
   *
   * @param hosts addresses or names the node is reached at, added as subject alternative names
   */
  public X509Certificate issue(String node, Iterable<String> hosts, Duration validity, TlsFiles files) throws IOException, GeneralSecurityException {
    Instant now = Instant.now();
    return issue(node, hosts, now.minus(Duration.ofMinutes(5)), now.plus(validity), files);
  }

  /** The same, valid from {@code notBefore} to {@code notAfter} (a test makes an expired one with it). */
  public X509Certificate issue(String node, Iterable<String> hosts, Instant notBefore, Instant notAfter, TlsFiles files)
      throws IOException, GeneralSecurityException {
    KeyPair pair = newKeyPair();
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    ASN1EncodableVector names = new ASN1EncodableVector();
    names.add(new GeneralName(GeneralName.dNSName, CLUSTER_NAME));
    for (String host : hosts) {
      boolean address = host.matches("[0-9.]+") || host.contains(":");
      names.add(new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, host));
    }
    try {
      extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      // Every node is both sides of TLS: it accepts connections and opens them.
      extensions.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      extensions.addExtension(Extension.subjectAlternativeName, false, GeneralNames.getInstance(new DERSequence(names)));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    X509Certificate issued = sign(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()), name(node), pair.getPublic(),
        notBefore, notAfter, extensions, key);
    Files.createDirectories(files.cert().getParent());
    Pem.writePrivateKey(files.key(), pair.getPrivate());
    Pem.writeCertificate(files.cert(), issued);
    if (!files.caCert().equals(files.cert().resolveSibling(TlsFiles.CA_CERT))) {
      // The node's directory also gets the CA certificate, so it is all one copies to another machine.
      Pem.writeCertificate(files.cert().resolveSibling(TlsFiles.CA_CERT), certificate);
    }
    return issued;
  }

  /** Reads one PEM certificate. */
  public static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
    byte[] der = Pem.read(file, "CERTIFICATE");
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(KEY_BITS, RANDOM);
    return generator.generateKeyPair();
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "PeerLink").addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X500Name issuer, X500Name subject, PublicKey subjectKey, Instant from, Instant to,
      ExtensionsGenerator extensions, PrivateKey signer) throws GeneralSecurityException {
    V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
    tbs.setSerialNumber(new ASN1Integer(new BigInteger(127, RANDOM).add(BigInteger.ONE)));
    tbs.setIssuer(issuer);
    tbs.setSubject(subject);
    tbs.setStartDate(new Time(Date.from(from)));
    tbs.setEndDate(new Time(Date.from(to)));
    tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
    tbs.setSignature(SHA256_RSA);
    tbs.setExtensions(extensions.generate());
    TBSCertificate body = tbs.generateTBSCertificate();
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(signer);
      signature.update(body.getEncoded());
      ASN1EncodableVector whole = new ASN1EncodableVector();
      whole.add(body);
      whole.add(SHA256_RSA);
      whole.add(new DERBitString(signature.sign()));
      byte[] der = new DERSequence(whole).getEncoded();
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot encode a certificate: " + e.getMessage(), e);
    }
  }
}
