package dev.sluice.ingress;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server TLS context whose certificate can be replaced while it serves (a reload after the
 * certificate was renewed): handshakes that start after {@link #reload} present the new chain,
 * connections already encrypted keep the one they agreed on.
 *
 * <p>Design: one {@link SSLContext} whose key manager forwards to the key manager of the files as
 * last loaded. The alias it hands a handshake names that generation, so a handshake that chose its
 * alias just before a swap still gets the chain and the key that belong together. The previous
 * generation is kept for such handshakes; older ones are dropped. Thread-safe.
 */
public final class ServerTls {
  private final SSLContext context;
  private final Switching keys;

  private ServerTls(X509ExtendedKeyManager first) {
    this.keys = new Switching(first);
    try {
      this.context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation: " + e.getMessage(), e);
    }
  }

  /**
   * Loads the PEM files (see {@link PemTls}).
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static ServerTls load(Path certificateChain, Path privateKey) {
    return new ServerTls(PemTls.keyManager(certificateChain, privateKey));
  }

  /** The context to hand listeners; the same object for the life of this value. */
  public SSLContext context() {
    return context;
  }

  /**
   * Reads the files again and, when they load, serves them from the next handshake on; when they do
   * not, keeps serving what it served.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public void reload(Path certificateChain, Path privateKey) {
    keys.swap(PemTls.keyManager(certificateChain, privateKey));
  }

  /**
   * Serves the keys {@code loaded} serves, from the next handshake on (a reload that loaded the
   * files first, so that nothing is applied when one of them is wrong).
   */
  public void replaceWith(ServerTls loaded) {
    keys.swap(loaded.keys.current.keys());
  }

  /** Forwards to the generation of keys loaded last; aliases are prefixed with the generation. */
  private static final class Switching extends X509ExtendedKeyManager {
    private record Generation(long number, X509ExtendedKeyManager keys) {}

    private volatile Generation current;
    private volatile Generation previous;

    Switching(X509ExtendedKeyManager first) {
      this.current = new Generation(0, Objects.requireNonNull(first, "first"));
      this.previous = current;
    }

    synchronized void swap(X509ExtendedKeyManager next) {
      Generation now = current;
      previous = now;
      current = new Generation(now.number() + 1, next);
    }

    private String tag(Generation g, String alias) {
      return alias == null ? null : g.number() + ":" + alias;
    }

    /** The generation and the delegate's own alias an alias of ours names, or null. */
    private Map.Entry<X509ExtendedKeyManager, String> resolve(String alias) {
      if (alias == null) {
        return null;
      }
      int colon = alias.indexOf(':');
      if (colon < 0) {
        return null;
      }
      String number = alias.substring(0, colon);
      for (Generation g : new Generation[] {current, previous}) {
        if (Long.toString(g.number()).equals(number)) {
          return Map.entry(g.keys(), alias.substring(colon + 1));
        }
      }
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      Generation g = current;
      return tag(g, g.keys().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      Generation g = current;
      return tag(g, g.keys().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      Generation g = current;
      String[] aliases = g.keys().getServerAliases(keyType, issuers);
      if (aliases == null) {
        return null;
      }
      String[] tagged = new String[aliases.length];
      for (int i = 0; i < aliases.length; i++) {
        tagged[i] = tag(g, aliases[i]);
      }
      return tagged;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      var r = resolve(alias);
      return r == null ? null : r.getKey().getCertificateChain(r.getValue());
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      var r = resolve(alias);
      return r == null ? null : r.getKey().getPrivateKey(r.getValue());
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null; // a server context: it never logs in to anyone
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return null;
    }
  }
}
