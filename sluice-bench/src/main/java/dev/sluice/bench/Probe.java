package dev.sluice.bench;

import dev.sluice.core.transport.Transport;
import dev.sluice.ses.UpstreamUrl;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Times the parts of reaching an endpoint separately — DNS lookup, TCP connect, TLS handshake, and
 * one cheap API call on a new and on a reused connection — so a user sees what a persistent
 * connection saves and what hosting closer to the endpoint would save.
 */
public final class Probe {
  /** One endpoint's timings in milliseconds; NaN where a step does not apply. */
  public record Timings(
      String target,
      String host,
      double dnsMs,
      double connectMs,
      double tlsMs,
      double coldCallMs,
      double warmCallMs) {}

  private Probe() {}

  /** Probes one target. */
  public static Timings probe(BenchOptions o, SSLContext tls) throws IOException {
    UpstreamUrl t = o.target();
    URI e = t.endpoint();
    String host = e != null ? e.getHost() : "email." + t.region() + ".amazonaws.com";
    boolean https = e == null || "https".equals(e.getScheme());
    int port = e != null && e.getPort() > 0 ? e.getPort() : https ? 443 : 80;
    boolean api = t.kind() == UpstreamUrl.Kind.SES_V2 || t.kind() == UpstreamUrl.Kind.SES_V1;
    long t0 = System.nanoTime();
    InetAddress[] addrs = InetAddress.getAllByName(host);
    double dns = ms(t0);
    double connect;
    double handshake = Double.NaN;
    try (Socket s = new Socket()) {
      long t1 = System.nanoTime();
      s.connect(new InetSocketAddress(addrs[0], port), 10_000);
      connect = ms(t1);
      if (api && https) {
        SSLContext ctx = tls != null ? tls : defaultContext();
        try (SSLSocket ssl =
            (SSLSocket) ctx.getSocketFactory().createSocket(s, host, port, false)) {
          long t2 = System.nanoTime();
          ssl.startHandshake();
          handshake = ms(t2);
        }
      }
    }
    double cold = Double.NaN;
    double warm = Double.NaN;
    if (api) {
      try (Transport tr = o.openTransport(1)) {
        long t3 = System.nanoTime();
        tr.quota();
        cold = ms(t3);
        long t4 = System.nanoTime();
        tr.quota();
        warm = ms(t4);
      }
    }
    return new Timings(t.text(), host + ":" + port, dns, connect, handshake, cold, warm);
  }

  /** Prints timings as a table. */
  public static void print(List<Timings> all, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%-44s %9s %9s %9s %12s %12s %10s%n",
        "target",
        "dns ms",
        "tcp ms",
        "tls ms",
        "call (new)",
        "call (reuse)",
        "saved ms");
    for (Timings t : all) {
      out.printf(
          Locale.ROOT,
          "%-44s %9s %9s %9s %12s %12s %10s%n",
          t.target().length() > 44 ? t.target().substring(0, 44) : t.target(),
          f(t.dnsMs()),
          f(t.connectMs()),
          f(t.tlsMs()),
          f(t.coldCallMs()),
          f(t.warmCallMs()),
          f(t.coldCallMs() - t.warmCallMs()));
    }
    out.println(
        "call (new) opens a connection (DNS, TCP, TLS, then the request); call (reuse) sends on the open"
            + " connection. The difference is what keep-alive saves on every call.");
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static double ms(long since) {
    return (System.nanoTime() - since) / 1e6;
  }

  private static SSLContext defaultContext() throws IOException {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }

  /** Probes each target in turn. */
  public static List<Timings> probeAll(List<BenchOptions> targets, SSLContext tls)
      throws IOException {
    List<Timings> out = new ArrayList<>();
    for (BenchOptions o : targets) {
      out.add(probe(o, tls));
    }
    return out;
  }
}
