package dev.sluice.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.feedback.store.Reputation;
import dev.sluice.feedback.store.ReputationWatch;
import dev.sluice.ingress.Intake;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The JSON bodies of the admin API, built as trees so that every number is written as JSON allows:
 * NaN (not known) and infinities become {@code null}, whole numbers are written without a fraction.
 * {@code docs/admin-api.md} shows each shape.
 */
final class AdminJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private AdminJson() {}

  /** A spool entry; with the part of its content asked for, when given. */
  static ObjectNode entry(SpoolEntry e, int buckets, MessageText content) {
    ObjectNode n = F.objectNode();
    n.put("id", e.id().value());
    n.put("state", e.state().name().toLowerCase(Locale.ROOT));
    n.put("bucket", e.id().bucket(buckets));
    n.put("from", e.envelope().from());
    ArrayNode to = n.putArray("recipients");
    e.envelope().recipients().forEach(to::add);
    n.put("size", e.size());
    n.put("received", e.received().toString());
    n.put("due", e.due().toString());
    n.put("attempts", e.attempts());
    n.put("lastError", e.lastError());
    n.put("origin", e.origin());
    if (content != null) {
      n.put("content", content.text());
      n.put("contentPart", content.headersOnly() ? "headers" : "whole");
      n.put("contentOctets", content.partOctets());
      n.put("contentShownOctets", content.shownOctets());
      n.put("contentCut", content.cut());
    }
    return n;
  }

  private static void quota(ObjectNode quota, QuotaReading q, Instant now) {
    quota.set("max24HourSend", num(q.account().max24HourSend()));
    quota.set("used", num(q.used()));
    quota.set("remaining", num(q.remaining()));
    quota.set("sentLast24Hours", num(q.account().sentLast24Hours()));
    quota.put("readAt", q.readAt().toString());
    quota.put("readAgeSeconds", Math.max(0, Duration.between(q.readAt(), now).toSeconds()));
    quota.put("sentSinceRead", q.sentSinceRead());
  }

  /** {@code GET /api/stats}: the doors' intake state, the spool's counts and delivery's numbers. */
  static ObjectNode stats(SpoolStats s, DeliveryStatus d, Intake in, Instant now) {
    ObjectNode root = F.objectNode();
    root.put("time", now.toString());
    ObjectNode intake = root.putObject("intake");
    intake.put("accepting", in.accepting());
    intake.put("state", in.state());
    intake.put("detail", in.detail());
    intake.put("since", in.since().map(Instant::toString).orElse(null));
    intake.put("refused", in.refused());
    ObjectNode spool = root.putObject("spool");
    for (SpoolState st : SpoolState.values()) {
      spool.put(st.name().toLowerCase(Locale.ROOT), s.count(st));
    }
    spool.put("total", s.total());
    spool.put("bytes", s.bytes());
    spool.set("freeBytes", s.freeBytes() < 0 ? F.nullNode() : F.numberNode(s.freeBytes()));
    spool.put("oldestReceived", s.oldestReceived().map(Instant::toString).orElse(null));
    spool.set(
        "oldestAgeSeconds",
        s.oldestReceived()
            .<JsonNode>map(
                t -> F.numberNode(Math.max(0, Duration.between(t, now).toMillis()) / 1000L))
            .orElse(F.nullNode()));

    ObjectNode del = root.putObject("delivery");
    del.put("upstream", d.upstream());
    del.put("delivering", d.delivering());
    del.set("sendRate", num(d.sendRate()));
    del.set("shapedLimit", num(d.shapedLimit()));
    del.set("maxSendRate", num(d.maxSendRate()));
    if (d.quota().isPresent()) {
      QuotaReading q = d.quota().get();
      quota(del.putObject("quota"), q, now);
    } else {
      del.putNull("quota");
    }
    del.put("dailyPaused", d.dailyPaused());
    del.put("inFlight", d.inFlight());
    del.set("bookedAheadSeconds", num(d.bookedAheadSeconds()));
    del.put("connectionsOpened", d.connectionsOpened());
    del.put("throttlesLastMinute", d.throttlesLastMinute());
    ArrayNode routes = del.putArray("routes");
    for (RouteStatus r : d.routes()) {
      ObjectNode n = routes.addObject();
      n.put("name", r.name());
      n.put("upstream", r.upstream());
      n.put("region", r.region());
      n.set("sendRate", num(r.sendRate()));
      n.set("shapedLimit", num(r.shapedLimit()));
      n.set("maxSendRate", num(r.maxSendRate()));
      if (r.quota().isPresent()) {
        quota(n.putObject("quota"), r.quota().get(), now);
      } else {
        n.putNull("quota");
      }
      n.put("inFlight", r.inFlight());
      n.put("health", r.health());
      n.put("failOver", r.failOver());
      n.put("sendsVia", r.sendsVia());
    }
    ArrayNode classes = del.putArray("classes");
    for (DeliveryStatus.ClassLine c : d.traffic().classes()) {
      ObjectNode n = classes.addObject();
      n.put("name", c.name());
      n.put("share", c.share());
      n.set("sendRate", num(c.sendRate()));
      n.put("inFlight", c.inFlight());
      n.put("reservedSlots", c.reservedSlots());
      n.put("waitingRecipients", c.waitingRecipients());
      n.put("grantedRecipients", c.grantedRecipients());
    }
    ArrayNode tenants = del.putArray("tenants");
    for (DeliveryStatus.TenantLine t : d.traffic().tenants()) {
      ObjectNode n = tenants.addObject();
      n.put("tenant", t.tenant());
      n.put("window", t.window());
      n.put("cap", t.cap());
      n.put("used", t.used());
      n.put("windowEnds", t.windowEnds().toString());
      n.put("waiting", t.waiting());
    }

    ObjectNode totals = root.putObject("totals");
    totals.put("accepted", d.totals().accepted());
    totals.put("delivered", d.totals().delivered());
    totals.put("deferred", d.totals().deferred());
    totals.put("failed", d.totals().failed());

    ArrayNode failures = root.putArray("recentFailures");
    for (RecentFailures.Failure f : d.recentFailures()) {
      ObjectNode n = failures.addObject();
      n.put("id", f.id().value());
      n.put("at", f.at().toString());
      n.put("permanent", f.permanent());
      n.put("reason", f.reason());
    }

    ObjectNode h = root.putObject("history");
    h.put("endSecond", d.history().sent().endSecond());
    h.set("sent", series(d.history().sent()));
    h.set("limit", series(d.history().limit()));
    h.set("throttles", series(d.history().throttles()));
    return root;
  }

  /**
   * {@code reputation} in {@code GET /api/stats}: SES's thresholds, then each window's counts and
   * rates (null over no sends, unrounded), all mail first ({@code configurationSet} empty).
   */
  static ObjectNode reputation(List<ReputationWatch.Reading> readings) {
    ObjectNode root = F.objectNode();
    ObjectNode t = root.putObject("thresholds");
    t.putObject("bounce")
        .put("review", Reputation.BOUNCE_REVIEW)
        .put("pause", Reputation.BOUNCE_PAUSE);
    t.putObject("complaint")
        .put("review", Reputation.COMPLAINT_REVIEW)
        .put("pause", Reputation.COMPLAINT_PAUSE);
    ArrayNode windows = root.putArray("windows");
    for (ReputationWatch.Reading r : readings) {
      Reputation rep = r.reputation();
      ObjectNode n = windows.addObject();
      n.put("configurationSet", r.configurationSet());
      n.put("window", r.window());
      n.put("sends", rep.sends());
      n.put("hardBounces", rep.hardBounces());
      n.put("complaints", rep.complaints());
      n.set("bounceRate", rate(rep.bounceRate()));
      n.set("complaintRate", rate(rep.complaintRate()));
      n.put("bounceLevel", rep.bounceLevel().name().toLowerCase(Locale.ROOT));
      n.put("complaintLevel", rep.complaintLevel().name().toLowerCase(Locale.ROOT));
    }
    return root;
  }

  private static JsonNode rate(OptionalDouble r) {
    return r.isPresent() ? F.numberNode(r.getAsDouble()) : F.nullNode();
  }

  private static ArrayNode series(RateWindow.Series s) {
    ArrayNode a = F.arrayNode();
    for (double v : s.values()) {
      a.add(num(v));
    }
    return a;
  }

  /** A number as JSON allows it: null for NaN and infinities, whole numbers without a fraction. */
  static JsonNode num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return F.nullNode();
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return F.numberNode((long) v);
    }
    return F.numberNode(Math.round(v * 1000) / 1000.0);
  }
}
