package dev.sluice.simulator.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The simulated account's email templates, shared by the v2 operations (CreateEmailTemplate …) and
 * the v1 ones (CreateTemplate …), as SES shares them.
 *
 * <p>Bounded as SES bounds them: at most {@link #MAX_TEMPLATES} templates of at most {@link
 * #MAX_TEMPLATE_BYTES} each (subject, text and HTML together). Since that alone would allow
 * gigabytes, the store also keeps at most {@link #MAX_TOTAL_BYTES} of template source in all, a
 * bound of the simulator's own, refused with the same limit error.
 *
 * <p>Design: a sorted map under one lock, so listing pages by name stays stable while templates are
 * added and deleted between pages (the page token is the last name given). A template is parsed
 * before the lock is taken, and stored parsed, so a send renders without parsing again and a
 * template that cannot be parsed is refused when it is stored.
 *
 * <p>Thread-safe.
 */
public final class TemplateStore {
  /** SES's quota of templates per account and region. */
  public static final int MAX_TEMPLATES = 20_000;

  /** SES's limit on one template: 500 KB (read as 1024-byte KB) of subject, text and HTML. */
  public static final long MAX_TEMPLATE_BYTES = 500 * 1024;

  /** The most template source the simulator keeps in all. */
  public static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * One page of templates in name order.
   *
   * @param templates the templates on this page
   * @param last the name to continue after, or null when this is the last page
   */
  public record Page(List<EmailTemplate> templates, String last) {}

  private final int maxTemplates;
  private final long maxTemplateBytes;
  private final long maxTotalBytes;
  private final TreeMap<String, EmailTemplate> templates = new TreeMap<>();
  private long totalBytes;

  /** A store with SES's limits. */
  public TemplateStore() {
    this(MAX_TEMPLATES, MAX_TEMPLATE_BYTES, MAX_TOTAL_BYTES);
  }

  /** A store with the given limits. */
  public TemplateStore(int maxTemplates, long maxTemplateBytes, long maxTotalBytes) {
    this.maxTemplates = maxTemplates;
    this.maxTemplateBytes = maxTemplateBytes;
    this.maxTotalBytes = maxTotalBytes;
  }

  /** Why a name cannot name a template, or null when it can. */
  public static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "Missing required parameter TemplateName.";
    }
    if (!NAME.matcher(name).matches()) {
      return "Invalid template name <"
          + name
          + ">: a template name has 1 to 64 characters, each an ASCII letter, a digit, '_' or '-'.";
    }
    return null;
  }

  /** Adds a template. */
  public void create(String name, TemplateContent content, long nowMillis)
      throws TemplateException {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new TemplateException(TemplateException.Kind.INVALID, problem);
    }
    CompiledContent compiled = compile(content);
    long size = content.utf8Bytes();
    synchronized (this) {
      if (templates.containsKey(name)) {
        throw new TemplateException(
            TemplateException.Kind.ALREADY_EXISTS, "Template " + name + " already exists.");
      }
      if (templates.size() >= maxTemplates) {
        throw new TemplateException(
            TemplateException.Kind.LIMIT_EXCEEDED,
            "The maximum number of email templates ("
                + maxTemplates
                + ") has been reached; delete one to create another.");
      }
      checkTotal(totalBytes + size);
      templates.put(name, new EmailTemplate(name, compiled, nowMillis));
      totalBytes += size;
    }
  }

  /** Replaces a template's content; its creation time stays. */
  public void update(String name, TemplateContent content) throws TemplateException {
    CompiledContent compiled = compile(content);
    long size = content.utf8Bytes();
    synchronized (this) {
      EmailTemplate old = templates.get(name);
      if (old == null) {
        throw notFound(name);
      }
      long total = totalBytes - old.content().utf8Bytes() + size;
      checkTotal(total);
      templates.put(name, new EmailTemplate(name, compiled, old.createdMillis()));
      totalBytes = total;
    }
  }

  private void checkTotal(long total) throws TemplateException {
    if (total > maxTotalBytes) {
      throw new TemplateException(
          TemplateException.Kind.LIMIT_EXCEEDED,
          "The simulator keeps at most "
              + maxTotalBytes
              + " bytes of templates; delete some to store more.");
    }
  }

  /** The template of that name. */
  public synchronized EmailTemplate get(String name) throws TemplateException {
    EmailTemplate t = templates.get(name);
    if (t == null) {
      throw notFound(name);
    }
    return t;
  }

  /** The template of that name, if there is one. */
  public synchronized Optional<EmailTemplate> find(String name) {
    return Optional.ofNullable(templates.get(name));
  }

  /** Deletes a template; false when there was none of that name. */
  public synchronized boolean delete(String name) {
    EmailTemplate old = templates.remove(name);
    if (old == null) {
      return false;
    }
    totalBytes -= old.content().utf8Bytes();
    return true;
  }

  /**
   * One page of templates in name order.
   *
   * @param after the name the previous page ended with, or null for the first page
   * @param size how many templates a page holds, at least 1
   */
  public synchronized Page list(String after, int size) {
    Map<String, EmailTemplate> rest = after == null ? templates : templates.tailMap(after, false);
    List<EmailTemplate> page = new ArrayList<>(Math.min(size, rest.size()));
    for (EmailTemplate t : rest.values()) {
      if (page.size() == size) {
        return new Page(List.copyOf(page), page.get(page.size() - 1).name());
      }
      page.add(t);
    }
    return new Page(List.copyOf(page), null);
  }

  /** How many templates are stored. */
  public synchronized int size() {
    return templates.size();
  }

  /** Deletes every template. */
  public synchronized void clear() {
    templates.clear();
    totalBytes = 0;
  }

  /**
   * Checks and parses a stored template's content: a subject, a text or HTML part, at most {@link
   * #MAX_TEMPLATE_BYTES}, valid Handlebars.
   */
  CompiledContent compile(TemplateContent content) throws TemplateException {
    if (content.subject() == null) {
      throw new TemplateException(
          TemplateException.Kind.INVALID, "Missing required parameter TemplateContent.Subject.");
    }
    if (content.text() == null && content.html() == null) {
      throw new TemplateException(
          TemplateException.Kind.INVALID,
          "The template needs a Text part, an Html part or both in TemplateContent.");
    }
    long size = content.utf8Bytes();
    if (size > maxTemplateBytes) {
      throw new TemplateException(
          TemplateException.Kind.INVALID,
          "The template is "
              + size
              + " bytes; a template may have at most "
              + maxTemplateBytes
              + " bytes in its subject, text and HTML parts together.");
    }
    try {
      return CompiledContent.compile(content, false);
    } catch (TemplateSyntaxException e) {
      throw new TemplateException(TemplateException.Kind.SYNTAX, e.getMessage());
    }
  }

  private static TemplateException notFound(String name) {
    return new TemplateException(
        TemplateException.Kind.NOT_FOUND, "Template " + name + " does not exist.");
  }
}
