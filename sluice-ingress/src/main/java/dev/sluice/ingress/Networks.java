package dev.sluice.ingress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP networks in CIDR form ({@code 127.0.0.0/8}, {@code ::1/128}, {@code 10.1.2.3}), for
 * deciding which clients may relay without logging in. Only literal addresses are accepted: a host
 * name would make access depend on DNS.
 *
 * <p>Immutable; thread-safe.
 */
public final class Networks {
  /** The loopback networks, IPv4 and IPv6: the default relay networks. */
  public static final Networks LOOPBACK = parse("127.0.0.0/8, ::1/128");

  /** No network at all: only authenticated clients may relay. */
  public static final Networks NONE = new Networks(List.of(), "");

  private final List<Cidr> cidrs;
  private final String text;

  private Networks(List<Cidr> cidrs, String text) {
    this.cidrs = List.copyOf(cidrs);
    this.text = text;
  }

  /**
   * Parses a comma- or space-separated list of networks; an empty list gives {@link #NONE}.
   *
   * @throws IllegalArgumentException naming the entry that is not a network
   */
  public static Networks parse(String list) {
    List<Cidr> out = new ArrayList<>();
    for (String entry : list.trim().split("[,\\s]+")) {
      if (!entry.isEmpty()) {
        out.add(Cidr.parse(entry));
      }
    }
    return new Networks(out, String.join(", ", out.stream().map(Cidr::toString).toList()));
  }

  /** Whether an address lies in one of the networks. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    for (Cidr c : cidrs) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the set is empty. */
  public boolean isEmpty() {
    return cidrs.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Networks n && n.cidrs.equals(cidrs);
  }

  @Override
  public int hashCode() {
    return cidrs.hashCode();
  }

  /** The networks in canonical CIDR form, comma-separated. */
  @Override
  public String toString() {
    return text;
  }

  private record Cidr(byte[] network, int prefix) {
    static Cidr parse(String entry) {
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      byte[] bytes = literal(host, entry);
      int max = bytes.length * 8;
      int prefix = max;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > max) {
          throw new IllegalArgumentException(
              "'" + entry + "': the prefix length must be 0.." + max);
        }
      }
      for (int bit = prefix; bit < max; bit++) {
        bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8)); // keep only the network part
      }
      return new Cidr(bytes, prefix);
    }

    private static byte[] literal(String host, String entry) {
      boolean looksLiteral =
          !host.isEmpty()
              && (host.contains(":")
                  || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
      if (looksLiteral) {
        try {
          // A literal never causes a lookup.
          return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
          // fall through to the error below
        }
      }
      throw new IllegalArgumentException(
          "'" + entry + "' is not a network: give an IP address or CIDR, e.g. 10.0.0.0/8");
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit += 8) {
        int bits = Math.min(8, prefix - bit);
        int mask = (0xff << (8 - bits)) & 0xff;
        if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      try {
        String host = InetAddress.getByAddress(network).getHostAddress();
        return (network.length == 16 ? compress(host) : host) + "/" + prefix;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Writes the longest run of zero groups as {@code ::} (RFC 5952). */
    private static String compress(String full) {
      String[] groups = full.split(":");
      int bestStart = -1;
      int bestLen = 1;
      for (int i = 0; i < groups.length; ) {
        int j = i;
        while (j < groups.length && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLen) {
          bestStart = i;
          bestLen = j - i;
        }
        i = Math.max(j, i + 1);
      }
      if (bestStart < 0) {
        return full;
      }
      String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
      String tail =
          String.join(
              ":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
      return head + "::" + tail;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cidr c
          && c.prefix == prefix
          && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(network) * 31 + prefix;
    }
  }
}
