package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RefusalsTest {
  private static Envelope env(String... to) {
    return new Envelope("s@example.com", List.of(to));
  }

  @Test
  void named_addressAtTheEndOfASentence_isFound() {
    assertThat(
            Refusals.named(
                List.of("a@b.example", "c@d.example"), "Invalid email address A@b.example."))
        .containsExactly("a@b.example");
  }

  @Test
  void named_addressInsideALongerOne_isNotFound() {
    assertThat(Refusals.named(List.of("a@b.example"), "Invalid email address xa@b.example.com"))
        .isEmpty();
    assertThat(Refusals.named(List.of("a@b.example"), "Invalid email address a@b.example.com"))
        .isEmpty();
  }

  @Test
  void named_identityList_findsEachRecipient() {
    String text =
        "Email address is not verified. The following identities failed the check in region"
            + " US-EAST-1: s@example.com, Name <b@y.example>, c@z.example";
    assertThat(Refusals.named(List.of("a@x.example", "b@y.example", "c@z.example"), text))
        .containsExactly("b@y.example", "c@z.example");
  }

  @Test
  void isolate_someRecipientsNamed_failsThemAndSendsTheRest() {
    Refusals r = new Refusals();
    List<Envelope> next =
        r.isolate(env("a@x.example", "b@y.example", "c@z.example"), "identities: b@y.example");
    assertThat(next).containsExactly(env("a@x.example", "c@z.example"));
    assertThat(r.none()).isFalse();
    assertThat(r.reason()).isEqualTo("identities: b@y.example");
  }

  @Test
  void isolate_everyRecipientNamed_failsThemAll() {
    Refusals r = new Refusals();
    assertThat(r.isolate(env("a@x.example", "b@y.example"), "a@x.example, b@y.example")).isEmpty();
  }

  @Test
  void isolate_messageWideRefusal_failsEveryRecipientAtOnce() {
    Refusals r = new Refusals();
    assertThat(
            r.isolate(
                env("a@x.example", "b@y.example"),
                "MessageRejected: Email address is not verified. The following identities failed"
                    + " the check in region US-EAST-1: s@example.com"))
        .isEmpty();
    assertThat(r.reason()).contains("s@example.com");
  }

  @Test
  void isolate_addressProblemNamingNobody_halvesTheCall() {
    Refusals r = new Refusals();
    assertThat(
            r.isolate(
                env("a@x.example", "b@y.example", "c@z.example"),
                "BadRequestException: Missing final '@domain'"))
        .containsExactly(env("a@x.example"), env("b@y.example", "c@z.example"));
    assertThat(r.none()).isTrue();
  }

  @Test
  void reason_differentRefusals_listsEachRecipient() {
    Refusals r = new Refusals();
    r.isolate(env("a@x.example"), "one");
    r.isolate(env("b@y.example"), "two");
    assertThat(r.reason()).isEqualTo("a@x.example: one; b@y.example: two");
  }

  /**
   * Plays the halving against an upstream that refuses any call holding a bad address without
   * naming it: whatever the bad ones, exactly they end up refused, every good one is sent once, and
   * the calls stay near 2k·log2(n/k).
   */
  @Test
  void isolate_seededRandomBadAddresses_refusesExactlyTheBadOnes() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + rnd.nextInt(50);
      List<String> all = new ArrayList<>();
      Set<String> bad = new HashSet<>();
      for (int i = 0; i < n; i++) {
        String a = "r" + i + "@example.net";
        all.add(a);
        if (rnd.nextInt(10) == 0) {
          bad.add(a);
        }
      }
      Refusals r = new Refusals();
      List<String> sent = new ArrayList<>();
      ArrayList<Envelope> work = new ArrayList<>(List.of(new Envelope("s@example.com", all)));
      int calls = 0;
      while (!work.isEmpty()) {
        Envelope e = work.remove(0);
        calls++;
        if (e.recipients().stream().noneMatch(bad::contains)) {
          sent.addAll(e.recipients());
        } else {
          work.addAll(0, r.isolate(e, "InvalidParameterValue: Missing final '@domain'"));
        }
      }
      String context = "seed " + seed + " trial " + trial + " n " + n + " bad " + bad;
      assertThat(sent).as(context).doesNotHaveDuplicates().hasSize(n - bad.size());
      assertThat(sent).as(context).noneMatch(bad::contains);
      assertThat(r.none()).as(context).isEqualTo(bad.isEmpty());
      int k = Math.max(1, bad.size());
      assertThat(calls).as(context).isLessThanOrEqualTo(1 + 2 * k * (1 + log2Ceil(n)));
    }
  }

  private static int log2Ceil(int n) {
    return 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1));
  }
}
