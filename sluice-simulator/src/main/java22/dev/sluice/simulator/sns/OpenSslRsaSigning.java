package dev.sluice.simulator.sns;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.util.concurrent.locks.ReentrantLock;

/**
 * RSA signatures made by OpenSSL's libcrypto (version 3) through the foreign function API: {@code
 * EVP_DigestSign} with SHA-1 or SHA-256 and PKCS #1 v1.5 padding, libcrypto's defaults for an RSA
 * key. Compiled for Java 22, where that API is final; {@link RsaSigners} loads it only on such a
 * runtime.
 *
 * <p>The key is parsed once into an {@code EVP_PKEY}, which libcrypto lets threads sign with at the
 * same time, and freed when this object is unreachable. Each signature has its own digest context
 * and its buffers in a confined arena.
 *
 * <p>Thread-safe.
 */
final class OpenSslRsaSigning implements RsaSigning {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Lib lib;
  private final MemorySegment key;

  private OpenSslRsaSigning(Lib lib, MemorySegment key) {
    this.lib = lib;
    this.key = key;
    MethodHandle free = lib.pkeyFree;
    CLEANER.register(
        this,
        () -> {
          try {
            free.invokeExact(key);
          } catch (Throwable e) {
            // Nothing to do at collection time; the key stays allocated.
          }
        });
  }

  /**
   * Signing with a PKCS #8 DER private key.
   *
   * @throws IllegalStateException when libcrypto is not found or refuses the key
   */
  static OpenSslRsaSigning open(byte[] pkcs8) {
    Lib lib = Lib.load();
    MemorySegment pkey;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment der = arena.allocateFrom(JAVA_BYTE, pkcs8);
      MemorySegment cursor = arena.allocate(ADDRESS);
      cursor.set(ADDRESS, 0, der);
      pkey =
          (MemorySegment)
              lib.d2iAutoPrivateKey.invokeExact(MemorySegment.NULL, cursor, (long) pkcs8.length);
    } catch (Throwable e) {
      throw new IllegalStateException("libcrypto: d2i_AutoPrivateKey failed", e);
    }
    if (pkey.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("libcrypto did not take the signing key");
    }
    return new OpenSslRsaSigning(lib, pkey);
  }

  @Override
  public byte[] sign(int version, byte[] data) {
    MemorySegment md = version == 1 ? lib.sha1 : version == 2 ? lib.sha256 : null;
    if (md == null) {
      throw new IllegalArgumentException("SignatureVersion is 1 or 2, not " + version);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment ctx = (MemorySegment) lib.ctxNew.invokeExact();
      if (ctx.equals(MemorySegment.NULL)) {
        throw new IllegalStateException("libcrypto: EVP_MD_CTX_new failed");
      }
      try {
        int ok =
            (int)
                lib.digestSignInit.invokeExact(
                    ctx, MemorySegment.NULL, md, MemorySegment.NULL, key);
        if (ok != 1) {
          throw new IllegalStateException("libcrypto: EVP_DigestSignInit failed");
        }
        MemorySegment signature = arena.allocate(1024);
        MemorySegment length = arena.allocate(JAVA_LONG);
        length.set(JAVA_LONG, 0, signature.byteSize());
        MemorySegment input = arena.allocateFrom(JAVA_BYTE, data);
        ok = (int) lib.digestSign.invokeExact(ctx, signature, length, input, (long) data.length);
        if (ok != 1) {
          throw new IllegalStateException("libcrypto: EVP_DigestSign failed");
        }
        return signature.asSlice(0, length.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
      } finally {
        lib.ctxFree.invokeExact(ctx);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libcrypto: " + e, e);
    }
  }

  @Override
  public String name() {
    return "OpenSSL's libcrypto (" + lib.version + ")";
  }

  /** libcrypto's functions, bound once per process. */
  private static final class Lib {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile Lib loaded;

    final MethodHandle d2iAutoPrivateKey;
    final MethodHandle pkeyFree;
    final MethodHandle ctxNew;
    final MethodHandle ctxFree;
    final MethodHandle digestSignInit;
    final MethodHandle digestSign;
    final MemorySegment sha1;
    final MemorySegment sha256;
    final String version;

    @SuppressWarnings("restricted")
    private Lib(SymbolLookup lookup) throws Throwable {
      Linker linker = Linker.nativeLinker();
      d2iAutoPrivateKey =
          bind(
              linker,
              lookup,
              "d2i_AutoPrivateKey",
              FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
      pkeyFree = bind(linker, lookup, "EVP_PKEY_free", FunctionDescriptor.ofVoid(ADDRESS));
      ctxNew = bind(linker, lookup, "EVP_MD_CTX_new", FunctionDescriptor.of(ADDRESS));
      ctxFree = bind(linker, lookup, "EVP_MD_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
      digestSignInit =
          bind(
              linker,
              lookup,
              "EVP_DigestSignInit",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
      digestSign =
          bind(
              linker,
              lookup,
              "EVP_DigestSign",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
      sha1 =
          (MemorySegment)
              bind(linker, lookup, "EVP_sha1", FunctionDescriptor.of(ADDRESS)).invokeExact();
      sha256 =
          (MemorySegment)
              bind(linker, lookup, "EVP_sha256", FunctionDescriptor.of(ADDRESS)).invokeExact();
      MemorySegment v =
          (MemorySegment)
              bind(linker, lookup, "OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT))
                  .invokeExact(0);
      version = v.reinterpret(256).getString(0);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(
        Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
      return linker.downcallHandle(
          lookup
              .find(name)
              .orElseThrow(() -> new IllegalStateException("libcrypto has no " + name)),
          descriptor);
    }

    /** Binds libcrypto.so.3 once; throws when it is missing or lacks a function. */
    @SuppressWarnings("restricted")
    static Lib load() {
      Lib l = loaded;
      if (l == null) {
        LOCK.lock();
        try {
          l = loaded;
          if (l == null) {
            l = new Lib(SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global()));
            loaded = l;
          }
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IllegalStateException("cannot bind libcrypto: " + e, e);
        } finally {
          LOCK.unlock();
        }
      }
      return l;
    }
  }
}
