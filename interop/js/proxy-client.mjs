// proxy-client.mjs URL — plays proxy_test.go's scenarios with
// socket.io-client 4.8 through a reverse proxy (URL) in front of two sio
// nodes sharing a Redis, once per transport mode: polling, websocket, and
// polling upgraded to WebSocket.
//
// Each client connects from its own loopback address (127.0.0.K, so that a
// proxy hashing the client's IP spreads them) with a cookie jar
// (withCredentials, so that a proxy's sticky cookie is sent back). Clients
// are added until both nodes have one (at most MAX_CLIENTS): the scenarios
// then cross nodes. Prints one JSON line per scenario and mode,
// {"scenario": "MODE/NAME", "ok", "error"|"detail"}.
import http from "node:http";
import { io } from "socket.io-client";
import { eq, assert, onceWithin } from "./check.mjs";

const [url] = process.argv.slice(2);
if (!url) {
  console.error("usage: node proxy-client.mjs URL");
  process.exit(2);
}

const WAIT = 5000;
const MAX_CLIENTS = 16;
const modes = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] };

let nextAddr = 2;

// connect opens one client from a fresh loopback address and asks the
// server who it is: {node, xff, transport}.
async function connect(mode) {
  const addr = "127.0.0." + nextAddr++;
  const s = io(url, {
    transports: modes[mode],
    upgrade: mode === "upgrade",
    forceNew: true,
    reconnection: false,
    withCredentials: true,
    agent: new http.Agent({ localAddress: addr }),
  });
  s.addr = addr;
  const connected = onceWithin(s, "connect", WAIT);
  const failed = onceWithin(s, "connect_error", WAIT).then(([e]) => {
    throw new Error(`client ${addr}: connect_error: ${e && e.message}`);
  });
  failed.catch(() => {});
  await Promise.race([connected, failed]);
  if (mode === "upgrade" && s.io.engine.transport.name !== "websocket") await onceWithin(s.io.engine, "upgrade", WAIT);
  s.got = [];
  s.on("news", (m) => s.got.push(m));
  s.on("question", (q, cb) => cb(`${q}:answered by ${s.addr}`));
  s.who = await s.timeout(WAIT).emitWithAck("whoami");
  return s;
}

async function runMode(mode) {
  const clients = [];
  const results = [];
  const report = (name, fn) =>
    fn().then(
      (detail) => results.push({ scenario: `${mode}/${name}`, ok: true, detail }),
      (e) => results.push({ scenario: `${mode}/${name}`, ok: false, error: String((e && e.stack) || e) }),
    );
  try {
    await report("sticky", async () => {
      const nodes = new Set();
      while (nodes.size < 2 && clients.length < MAX_CLIENTS) {
        const c = await connect(mode);
        clients.push(c);
        nodes.add(c.who.node);
      }
      assert(nodes.size === 2, `${clients.length} clients all reached ${[...nodes]}`);
      // A few requests later (polling) every client still reaches its node.
      for (const c of clients) {
        for (let i = 0; i < 3; i++) eq((await c.timeout(WAIT).emitWithAck("whoami")).node, c.who.node, `node of ${c.addr}`);
      }
      return `${clients.length} clients over ${[...nodes].sort()}`;
    });
    if (!results.at(-1).ok) return results;
    await report("transport", async () => {
      const want = mode === "polling" ? "polling" : "websocket";
      for (const c of clients) {
        eq(c.io.engine.transport.name, want, `client transport of ${c.addr}`);
        eq((await c.timeout(WAIT).emitWithAck("whoami")).transport, want, `server transport of ${c.addr}`);
      }
    });
    await report("forwarded-for", async () => {
      for (const c of clients) eq(c.who.xff.split(",")[0].trim(), c.addr, `X-Forwarded-For of ${c.addr}`);
    });
    await report("ack-to-server", async () => {
      for (const c of clients) eq(await c.timeout(WAIT).emitWithAck("echo", { n: c.addr }), { n: c.addr }, `echo of ${c.addr}`);
    });
    await report("ack-to-client", async () => {
      for (const c of clients) eq(await c.timeout(WAIT).emitWithAck("ask", "q"), `q:answered by ${c.addr}`, `answer of ${c.addr}`);
    });
    await report("binary", async () => {
      for (const c of clients) {
        const payload = Buffer.from([0, 1, 2, 255, ...Buffer.from(c.addr)]);
        const got = await c.timeout(WAIT).emitWithAck("echo", payload);
        eq([...Buffer.from(got)], [...payload], `binary echo of ${c.addr}`);
      }
    });
    await report("broadcast", async () => {
      // Each node broadcasts once; every client, whichever node it is on,
      // receives both (through the Redis adapter).
      const senders = [clients.find((c) => c.who.node === "s1"), clients.find((c) => c.who.node === "s2")];
      for (const c of senders) await c.timeout(WAIT).emitWithAck("shout", `from ${c.who.node}`);
      const deadline = Date.now() + WAIT;
      while (clients.some((c) => c.got.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const c of clients) eq([...c.got].sort(), ["from s1", "from s2"], `news at ${c.addr}`);
    });
  } finally {
    for (const c of clients) c.disconnect();
  }
  return results;
}

for (const mode of Object.keys(modes)) {
  for (const r of await runMode(mode)) console.log(JSON.stringify(r));
}
// Let the polling transports send their close packets.
setTimeout(() => process.exit(0), 100);
