package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two ways of making SNS signatures give the same bytes, which the JDK verifies: libcrypto
 * through the foreign function API (on this machine, which has libcrypto.so.3 and runs Java 25) and
 * the JDK's RSA.
 */
class RsaSigningTest {
  private static KeyPair key;

  @BeforeAll
  static void key() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    key = g.generateKeyPair();
  }

  @Test
  void choose_autoOnThisMachine_isLibcrypto() {
    assertThat(RsaSigners.choose(key.getPrivate(), "auto").name())
        .startsWith("OpenSSL's libcrypto");
    assertThat(RsaSigners.choose(key.getPrivate(), null).name()).startsWith("OpenSSL's libcrypto");
    assertThat(RsaSigners.choose(key.getPrivate(), " OpenSSL ").name())
        .startsWith("OpenSSL's libcrypto (OpenSSL 3");
  }

  @Test
  void choose_jdk_isTheJdk() {
    assertThat(RsaSigners.choose(key.getPrivate(), "jdk").name()).isEqualTo("the JDK");
  }

  @Test
  void choose_anotherName_isRefusedNamingTheProperty() {
    assertThatThrownBy(() -> RsaSigners.choose(key.getPrivate(), "boringssl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sluice.sns.signing is auto, openssl or jdk, not 'boringssl'");
  }

  @Test
  void sign_seededRandomInputsOfEverySizeAndKeySize_libcryptoGivesTheJdksBytes() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int bits : new int[] {1024, 2048, 3072}) {
      KeyPair kp = bits == 2048 ? key : generate(bits);
      RsaSigning openSsl = RsaSigners.choose(kp.getPrivate(), "openssl");
      RsaSigning jdk = RsaSigners.choose(kp.getPrivate(), "jdk");
      for (int i = 0; i < 60; i++) {
        int version = 1 + r.nextInt(2);
        int size =
            switch (i) {
              case 0 -> 0;
              case 1 -> 1;
              default -> r.nextInt(r.nextBoolean() ? 64 : 200_000);
            };
        byte[] data = new byte[size];
        r.nextBytes(data);
        String what =
            "seed "
                + seed
                + ", "
                + bits
                + " bits, input "
                + i
                + " ("
                + size
                + " B, v"
                + version
                + ")";
        byte[] native_ = openSsl.sign(version, data);
        assertThat(native_).as(what).isEqualTo(jdk.sign(version, data)).hasSize(bits / 8);
        Signature v = Signature.getInstance(RsaSigners.algorithm(version));
        v.initVerify(kp.getPublic());
        v.update(data);
        assertThat(v.verify(native_)).as(what).isTrue();
      }
    }
  }

  @Test
  void sign_manyThreadsAtOnce_everySignatureVerifies() throws Exception {
    RsaSigning openSsl = RsaSigners.choose(key.getPrivate(), "openssl");
    List<Future<Boolean>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 16; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 25; i++) {
                    byte[] data = ("thread " + thread + " message " + i).getBytes();
                    Signature v = Signature.getInstance("SHA256withRSA");
                    v.initVerify(key.getPublic());
                    v.update(data);
                    if (!v.verify(openSsl.sign(2, data))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    }
  }

  @Test
  void sign_versionOtherThanOneOrTwo_isRefused() {
    RsaSigning openSsl = RsaSigners.choose(key.getPrivate(), "openssl");
    assertThatThrownBy(() -> openSsl.sign(3, new byte[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SignatureVersion is 1 or 2, not 3");
  }

  @Test
  void snsSigner_onThisMachine_signsWithLibcrypto() {
    assertThat(SnsSigner.generate().signing()).startsWith("OpenSSL's libcrypto");
  }

  private static KeyPair generate(int bits) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }
}
