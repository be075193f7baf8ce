// drain.mjs URL MODE N [BACKOFF] — N socket.io-client 4.8 clients (with
// their default reconnection, its delays shortened unless BACKOFF is
// "default") connect to URL over MODE (polling, websocket or upgrade), 50 at
// a time, each asking "where" it landed; once all are there
// it GETs URL/drain, which makes the Go side drain that server, and waits
// until every client has reconnected and asked again. It prints one JSON
// line: {"reasons": {reason: count}, "first": {server: count},
// "then": {server: count}, "active": count}.
import { io } from "socket.io-client";

const [url, mode, nArg, backoff] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
const n = Number(nArg);
if (!url || !transports || !(n > 0)) {
  console.error("usage: node drain.mjs URL polling|websocket|upgrade N [default]");
  process.exit(2);
}
const WAIT = 30000;
const delays = backoff === "default" ? {} : { reconnectionDelay: 50, reconnectionDelayMax: 200 };

async function until(cond, what) {
  const end = Date.now() + WAIT;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timeout: " + what);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const clients = [];
for (let i = 0; i < n; i++) {
  if (i % 50 === 0) await until(() => clients.every((c) => c.where.length === 1), "connected");
  const s = io(url, { transports, upgrade: mode === "upgrade", forceNew: true, ...delays });
  const c = { s, where: [], reasons: [], active: [] };
  s.on("connect", async () => {
    if (mode === "upgrade" && s.io.engine.transport.name !== "websocket") {
      await new Promise((r) => s.io.engine.once("upgrade", r));
    }
    c.where.push(await s.timeout(WAIT).emitWithAck("where"));
  });
  // s.active: whether the client will reconnect on its own.
  s.on("disconnect", (reason) => {
    c.reasons.push(reason);
    c.active.push(s.active);
  });
  clients.push(c);
}

const count = (xs) => xs.reduce((m, x) => ((m[x] = (m[x] || 0) + 1), m), {});

try {
  await until(() => clients.every((c) => c.where.length === 1), "all connected");
  const res = await fetch(url + "/drain");
  if (!res.ok) throw new Error("GET /drain: " + res.status);
  await until(() => clients.every((c) => c.where.length === 2), "all reconnected");
  console.log(
    JSON.stringify({
      reasons: count(clients.flatMap((c) => c.reasons)),
      first: count(clients.map((c) => c.where[0])),
      then: count(clients.map((c) => c.where[1])),
      active: clients.filter((c) => c.active.every(Boolean)).length,
    }),
  );
} finally {
  for (const c of clients) c.s.close();
  // Let the polling transports send their close packets.
  setTimeout(() => process.exit(0), 100);
}
