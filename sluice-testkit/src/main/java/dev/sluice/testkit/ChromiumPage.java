package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One page in a real headless Chromium from Debian, driven over the DevTools protocol on a loopback
 * WebSocket (Chromium picks the port: {@code --remote-debugging-port=0}), so a test can load a
 * page, let it run, click, type and read its DOM as it changes, without reloading it.
 *
 * <p>Fails, never skips, when Chromium is missing (see {@link Chromium#binary()}). Not thread-safe:
 * one test drives one page.
 */
public final class ChromiumPage implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final List<String> console = new CopyOnWriteArrayList<>();
  private final Map<String, String> frames = new ConcurrentHashMap<>();
  private final String session;

  private ChromiumPage(Process process, WebSocket socket, Listener listener) throws Exception {
    this.process = process;
    this.socket = socket;
    listener.page = this;
    String target =
        call(null, "Target.createTarget", obj().put("url", "about:blank"))
            .path("targetId")
            .asText();
    this.session =
        call(null, "Target.attachToTarget", obj().put("targetId", target).put("flatten", true))
            .path("sessionId")
            .asText();
    send("Page.enable", obj());
    send("Runtime.enable", obj());
    send("Log.enable", obj());
    // Chromium runs a sandboxed frame in a process of its own: it is reached as a target of its
    // own, attached as it starts and held until its console is listened to.
    send(
        "Target.setAutoAttach",
        obj().put("autoAttach", true).put("waitForDebuggerOnStart", true).put("flatten", true));
  }

  /** Starts Chromium with a fresh profile under {@code dir} and opens a blank page. */
  public static ChromiumPage start(Path dir) throws Exception {
    Path chromium = Chromium.binary();
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    List<String> command = new ArrayList<>();
    command.add(chromium.toString());
    command.addAll(Chromium.HEADLESS);
    command.addAll(
        List.of(
            "--window-size=1400,1000",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "--user-data-dir=" + profile,
            "about:blank"));
    Path log = dir.resolve("chromium.log");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    Path active = profile.resolve("DevToolsActivePort");
    List<String> lines;
    try {
      lines =
          Await.value(
              "Chromium to open its DevTools port (its log: " + log + ")",
              Duration.ofSeconds(30),
              () -> {
                if (!p.isAlive()) {
                  throw new AssertionError("Chromium exited " + p.exitValue() + "; see " + log);
                }
                List<String> l = Files.exists(active) ? Files.readAllLines(active) : List.of();
                return l.size() < 2 ? Optional.empty() : Optional.of(l);
              });
    } catch (AssertionError e) {
      p.destroyForcibly();
      throw e;
    }
    Listener listener = new Listener();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + lines.get(0) + lines.get(1)), listener)
            .get(30, TimeUnit.SECONDS);
    return new ChromiumPage(p, ws, listener);
  }

  /** A new, empty JSON object for a command's parameters. */
  public static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  /** Sends a command to the page and waits for its result. */
  public JsonNode send(String method, ObjectNode params) throws Exception {
    return call(session, method, params);
  }

  /** Sends a command to a frame's session (see {@link #frames()}) and waits for its result. */
  public JsonNode send(String frameSession, String method, ObjectNode params) throws Exception {
    return call(frameSession, method, params);
  }

  /** The sessions of the frames that run in processes of their own, attached so far. */
  public List<String> frames() {
    return new ArrayList<>(frames.keySet());
  }

  /**
   * Sends a command without waiting for its answer (from the reading thread, which cannot wait).
   */
  private void post(String sessionId, String method, ObjectNode params) {
    ObjectNode msg = obj().put("id", ids.incrementAndGet()).put("method", method);
    msg.set("params", params);
    msg.put("sessionId", sessionId);
    socket.sendText(msg.toString(), true);
  }

  private JsonNode call(String sessionId, String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = obj().put("id", id).put("method", method);
    msg.set("params", params);
    if (sessionId != null) {
      msg.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    socket.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
    JsonNode answer = f.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new IllegalStateException(method + ": " + answer.get("error"));
    }
    return answer.path("result");
  }

  /** Loads a URL. */
  public void navigate(String url) throws Exception {
    send("Page.navigate", obj().put("url", url));
  }

  /** Evaluates a JavaScript expression in the page (promises awaited) and returns its value. */
  public JsonNode eval(String expression) throws Exception {
    JsonNode r =
        send(
            "Runtime.evaluate",
            obj()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Evaluates until the expression is true, failing after {@code seconds}. */
  public void waitFor(String expression, int seconds) {
    Await.until(
        expression,
        Duration.ofSeconds(seconds),
        () -> {
          try {
            return eval(expression).asBoolean(false);
          } catch (Exception e) {
            return false; // the page is between documents, or what the expression reads is not yet
          }
        });
  }

  /**
   * The whole DOM, iframes' documents included (the DevTools protocol reads a sandboxed frame that
   * the page's own script cannot), as a tree of nodes with {@code nodeName}, {@code attributes},
   * {@code nodeValue}, {@code children} and {@code contentDocument}.
   */
  public JsonNode dom() throws Exception {
    return send("DOM.getDocument", obj().put("depth", -1).put("pierce", true)).path("root");
  }

  /** Clicks the middle of a node (from {@link #dom()}) with the mouse, as a person would. */
  public void click(int nodeId) throws Exception {
    click(null, nodeId, null);
  }

  /**
   * Clicks the middle of a node of a frame's document (from its session's {@code DOM.getDocument}),
   * the frame being the page's element {@code frameNodeId}.
   */
  public void click(String frameSession, int nodeId, Integer frameNodeId) throws Exception {
    JsonNode quad =
        call(
                frameSession == null ? session : frameSession,
                "DOM.getBoxModel",
                obj().put("nodeId", nodeId))
            .path("model")
            .path("content");
    double x = (quad.get(0).asDouble() + quad.get(4).asDouble()) / 2;
    double y = (quad.get(1).asDouble() + quad.get(5).asDouble()) / 2;
    if (frameNodeId != null) {
      JsonNode frame =
          send("DOM.getBoxModel", obj().put("nodeId", frameNodeId)).path("model").path("content");
      x += frame.get(0).asDouble();
      y += frame.get(1).asDouble();
    }
    for (String type : List.of("mousePressed", "mouseReleased")) {
      send(
          "Input.dispatchMouseEvent",
          obj()
              .put("type", type)
              .put("x", x)
              .put("y", y)
              .put("button", "left")
              .put("clickCount", 1));
    }
  }

  /** Types text into the focused element. */
  public void type(String text) throws Exception {
    send("Input.insertText", obj().put("text", text));
  }

  /** Saves a PNG of the viewport. */
  public void screenshot(Path png) throws Exception {
    String data = send("Page.captureScreenshot", obj().put("format", "png")).path("data").asText();
    Files.write(png, Base64.getDecoder().decode(data));
  }

  /** What the page and its frames wrote to the console and the browser's log so far. */
  public List<String> console() {
    return new ArrayList<>(console);
  }

  @Override
  public void close() {
    socket.abort();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onMessage(JsonNode m) {
    if (m.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
      if (f != null) {
        f.complete(m);
      }
      return;
    }
    switch (m.path("method").asText()) {
      case "Target.attachedToTarget" -> {
        if (!m.at("/params/targetInfo/type").asText().equals("iframe")) {
          return; // the page itself, attached from the browser's session
        }
        String child = m.at("/params/sessionId").asText();
        frames.put(child, m.at("/params/targetInfo/url").asText());
        post(child, "Runtime.enable", obj());
        post(child, "Log.enable", obj());
        post(
            child,
            "Target.setAutoAttach",
            obj().put("autoAttach", true).put("waitForDebuggerOnStart", true).put("flatten", true));
        post(child, "Runtime.runIfWaitingForDebugger", obj());
      }
      case "Target.detachedFromTarget" -> frames.remove(m.at("/params/sessionId").asText());
      case "Log.entryAdded" -> console.add(m.at("/params/entry/text").asText());
      case "Runtime.consoleAPICalled" -> console.add(m.at("/params/args").toString());
      case "Runtime.exceptionThrown" -> console.add(m.at("/params/exceptionDetails").toString());
      default -> {}
    }
  }

  /** Joins a message's frames and hands it to the page. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();
    private volatile ChromiumPage page;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        String text = buffer.toString();
        buffer.setLength(0);
        try {
          JsonNode m = JSON.readTree(text);
          page.onMessage(m); // set before the first command is sent

        } catch (Exception e) {
          throw new IllegalStateException("bad DevTools message: " + text, e);
        }
      }
      ws.request(1);
      return null;
    }
  }
}
