package dev.sluice.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetworksTest {
  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void loopback_containsBothFamiliesOnly() throws Exception {
    assertThat(Networks.LOOPBACK.contains(ip("127.0.0.1"))).isTrue();
    assertThat(Networks.LOOPBACK.contains(ip("127.200.3.4"))).isTrue();
    assertThat(Networks.LOOPBACK.contains(ip("::1"))).isTrue();
    assertThat(Networks.LOOPBACK.contains(ip("128.0.0.1"))).isFalse();
    assertThat(Networks.LOOPBACK.contains(ip("::2"))).isFalse();
    assertThat(Networks.LOOPBACK).hasToString("127.0.0.0/8, ::1/128");
  }

  @Test
  void parse_oddPrefixesAndHostBits() throws Exception {
    Networks n = Networks.parse("10.1.2.3/13 192.168.7.9,fd00::1/8");
    assertThat(n).hasToString("10.0.0.0/13, 192.168.7.9/32, fd00::/8");
    assertThat(Networks.parse("2001:db8:0:0:1:0:0:1, ::/0"))
        .hasToString("2001:db8::1:0:0:1/128, ::/0");
    assertThat(n.contains(ip("10.7.255.255"))).isTrue();
    assertThat(n.contains(ip("10.8.0.0"))).isFalse();
    assertThat(n.contains(ip("192.168.7.9"))).isTrue();
    assertThat(n.contains(ip("192.168.7.8"))).isFalse();
    assertThat(n.contains(ip("fdff::5"))).isTrue();
    assertThat(n.contains(ip("fe00::5"))).isFalse();
    assertThat(Networks.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
    assertThat(Networks.parse(" ").isEmpty()).isTrue();
    assertThat(Networks.NONE.contains(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void parse_refusesNamesAndBadPrefixes() {
    for (String bad : new String[] {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/x", "/8"}) {
      assertThatThrownBy(() -> Networks.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void contains_agreesWithArithmeticOnRandomIpv4() throws Exception {
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      int net = rnd.nextInt();
      int prefix = rnd.nextInt(33);
      int addr = rnd.nextBoolean() ? net ^ (rnd.nextInt() >>> Math.min(31, prefix)) : rnd.nextInt();
      Networks n = Networks.parse(dotted(net) + "/" + prefix);
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      boolean expected = (addr & mask) == (net & mask);
      assertThat(n.contains(ip(dotted(addr)))).as(dotted(addr) + " in " + n).isEqualTo(expected);
    }
  }

  private static String dotted(int v) {
    return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }
}
