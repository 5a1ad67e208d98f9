#!/usr/bin/env node
// A fast HTTP endpoint for SNS deliveries, used by bench/simulator-capacity.sh as the
// subscriber of the simulator's event topic: it answers every POST with 200 and an empty body
// over keep-alive connections, and counts what it received.
//
//   node bench/sns-sink.js [--port N]      (default 0: a free port)
//
// Prints "sns-sink listening on http://127.0.0.1:PORT" once it listens.
// GET /_counts answers the counts as JSON:
//   {"requests":N,"bytes":N,"types":{"Notification":N,...},"events":{"Send":N,"Delivery":N,...},
//    "unparsed":N}
// where types counts the x-amz-sns-message-type header and events the eventType (or
// notificationType) inside each Notification's Message. A body that is not SNS's JSON is counted
// in unparsed. Nothing is verified: the tests check signatures; this only has to be cheap.
"use strict";
const http = require("http");

let port = 0;
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === "--port") port = Number(process.argv[++i]);
  else {
    console.error(`sns-sink: unknown argument ${process.argv[i]}`);
    process.exit(2);
  }
}

const counts = { requests: 0, bytes: 0, types: {}, events: {}, unparsed: 0 };
const bump = (m, k) => { m[k] = (m[k] || 0) + 1; };

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/_counts") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(counts));
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    counts.requests++;
    counts.bytes += body.length;
    const type = req.headers["x-amz-sns-message-type"] || "none";
    bump(counts.types, type);
    if (type === "Notification") {
      try {
        const inner = JSON.parse(JSON.parse(body.toString("utf8")).Message);
        bump(counts.events, inner.eventType || inner.notificationType || "unknown");
      } catch (e) {
        counts.unparsed++;
      }
    }
    res.writeHead(200, { "Content-Length": "0" });
    res.end();
  });
});
// SNS's client keeps connections open between deliveries; so does this end.
server.keepAliveTimeout = 120000;
server.headersTimeout = 125000;
server.listen(port, "127.0.0.1", () => {
  console.log(`sns-sink listening on http://127.0.0.1:${server.address().port}`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => server.close(() => process.exit(0)));
