package dev.sluice.simulator.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateStoreTest {
  static final TemplateContent SMALL = new TemplateContent("S", "T", null);

  @Test
  void create_beyondCount_isLimitExceededUntilOneIsDeleted() throws Exception {
    TemplateStore s = new TemplateStore(3, 1000, 100_000);
    for (int i = 0; i < 3; i++) {
      s.create("t" + i, SMALL, i);
    }
    assertThatThrownBy(() -> s.create("t3", SMALL, 3))
        .isInstanceOf(TemplateException.class)
        .extracting(e -> ((TemplateException) e).kind())
        .isEqualTo(TemplateException.Kind.LIMIT_EXCEEDED);
    assertThat(s.delete("t1")).isTrue();
    s.create("t3", SMALL, 3);
    assertThat(s.size()).isEqualTo(3);
  }

  @Test
  void createAndUpdate_beyondTotalBytes_isLimitExceededAndLeavesTheStoreAsItWas() throws Exception {
    TemplateStore s = new TemplateStore(100, 1000, 25);
    s.create("a", new TemplateContent("S", "0123456789", null), 0); // 11 bytes
    s.create("b", new TemplateContent("S", "0123456789", null), 0); // 22 bytes
    assertThatThrownBy(() -> s.create("c", new TemplateContent("S", "0123", null), 0))
        .extracting(e -> ((TemplateException) e).kind())
        .isEqualTo(TemplateException.Kind.LIMIT_EXCEEDED);
    assertThatThrownBy(() -> s.update("a", new TemplateContent("S", "0123456789abcd", null)))
        .extracting(e -> ((TemplateException) e).kind())
        .isEqualTo(TemplateException.Kind.LIMIT_EXCEEDED);
    assertThat(s.get("a").content().text()).isEqualTo("0123456789");
    s.update("a", new TemplateContent("S", "01", null)); // 3 + 11 = 14 bytes
    s.create("c", new TemplateContent("S", "0123456789", null), 0); // 25 bytes
    assertThat(s.size()).isEqualTo(3);
  }

  @Test
  void update_keepsCreationTimeAndReplacesContent() throws Exception {
    TemplateStore s = new TemplateStore();
    s.create("w", SMALL, 1234);
    s.update("w", new TemplateContent("S2", null, "<p>h</p>"));
    EmailTemplate t = s.get("w");
    assertThat(t.createdMillis()).isEqualTo(1234);
    assertThat(t.content()).isEqualTo(new TemplateContent("S2", null, "<p>h</p>"));
  }

  @Test
  void update_invalidContent_isRefusedAndKeepsTheOld() throws Exception {
    TemplateStore s = new TemplateStore();
    s.create("w", SMALL, 0);
    assertThatThrownBy(() -> s.update("w", new TemplateContent("S", "{{#if a}}", null)))
        .extracting(e -> ((TemplateException) e).kind())
        .isEqualTo(TemplateException.Kind.SYNTAX);
    assertThatThrownBy(() -> s.update("w", new TemplateContent(null, "T", null)))
        .extracting(e -> ((TemplateException) e).kind())
        .isEqualTo(TemplateException.Kind.INVALID);
    assertThat(s.get("w").content()).isEqualTo(SMALL);
  }

  @Test
  void nameProblem_followsTheCloudFormationPattern() {
    assertThat(TemplateStore.nameProblem("Welcome_v2-b")).isNull();
    assertThat(TemplateStore.nameProblem("a".repeat(64))).isNull();
    assertThat(TemplateStore.nameProblem("a".repeat(65))).isNotNull();
    assertThat(TemplateStore.nameProblem("a.b")).isNotNull();
    assertThat(TemplateStore.nameProblem("")).contains("Missing required parameter");
    assertThat(TemplateStore.nameProblem(null)).contains("Missing required parameter");
  }

  @Test
  void list_pagesInNameOrder_stayStableWhenTemplatesChangeBetweenPages() throws Exception {
    TemplateStore s = new TemplateStore();
    for (String n : List.of("d", "b", "a", "e", "c")) {
      s.create(n, SMALL, 0);
    }
    TemplateStore.Page p1 = s.list(null, 2);
    assertThat(p1.templates()).extracting(EmailTemplate::name).containsExactly("a", "b");
    assertThat(p1.last()).isEqualTo("b");
    s.delete("a");
    s.delete("c");
    s.create("bb", SMALL, 0);
    List<String> rest = new ArrayList<>();
    for (String after = p1.last(); after != null; ) {
      TemplateStore.Page p = s.list(after, 2);
      p.templates().forEach(t -> rest.add(t.name()));
      after = p.last();
    }
    assertThat(rest).containsExactly("bb", "d", "e");
    assertThat(s.list(null, 10).last()).isNull();
  }
}
