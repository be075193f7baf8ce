// cluster-engine.mjs MODE URL — plays the scenarios of cluster_engine_test.go
// with socket.io-client 4.8 against three sio nodes behind a round-robin
// proxy at URL (every request to the next node: no sticky sessions), and
// prints one JSON line per scenario: {"scenario":..., "ok":true|false,
// "detail"|"error":...}. MODE is polling, websocket or upgrade.
// SCENARIOS=a,b (environment) runs only those; "owner-dies" needs
// CLUSTER_CONTROL, the URL that kills a node (/kill?node=NAME).
import { io } from "socket.io-client";
import { assert, eq, onceWithin, runScenarios } from "./check.mjs";

const [mode, url] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!url || !transports) {
  console.error("usage: node cluster-engine.mjs polling|websocket|upgrade URL");
  process.exit(2);
}

const WAIT = 5000;
let open = [];
const once = (em, ev, ms = WAIT) => onceWithin(em, ev, ms);
const ack = (s, ...args) => s.timeout(WAIT).emitWithAck(...args);

function connect(opts = {}) {
  const s = io(url, { transports, upgrade: mode === "upgrade", forceNew: true, reconnection: false, ...opts });
  open.push(s);
  return s;
}

async function ready(s) {
  if (!s.connected) {
    const [r] = await Promise.race([once(s, "connect"), once(s, "connect_error").then((e) => [e])]);
    if (r instanceof Error) throw r;
  }
  if (mode === "upgrade" && s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
  return s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const scenarios = {
  // spread: three clients, their sessions on different nodes, each keeps
  // its owner and its connection across several heartbeats (ping interval
  // 2 s) while its requests land on every node.
  async spread() {
    const cs = [];
    for (let i = 0; i < 3; i++) cs.push(await ready(connect()));
    const owners = await Promise.all(cs.map((c) => ack(c, "whoami")));
    await sleep(5000);
    for (let i = 0; i < 3; i++) {
      assert(cs[i].connected, `client ${i} still connected after the heartbeats`);
      eq(await ack(cs[i], "whoami"), owners[i], `client ${i} owner`);
    }
    return { owners, transport: cs[0].io.engine.transport.name };
  },
  // echo: acks from client to server, text, binary and large (many
  // forwarded packets and a payload over several responses), in order.
  async echo() {
    const c = await ready(connect());
    eq(await ack(c, "echo", "hello"), "hello", "text echo");
    const bin = Buffer.from([0, 1, 2, 253, 254, 255]);
    eq(Buffer.from(await ack(c, "echo", bin)).toString("hex"), bin.toString("hex"), "binary echo");
    const big = "x".repeat(200_000);
    eq((await ack(c, "echo", big)).length, big.length, "large echo");
    const n = 50;
    const got = await Promise.all(Array.from({ length: n }, (_, i) => ack(c, "echo", "m" + i)));
    eq(got, Array.from({ length: n }, (_, i) => "m" + i), "50 echoes in flight");
  },
  // client-disconnect: a client that disconnects is gone on every node (its
  // disconnect forwarded to its owner), with reason "io client disconnect".
  async "client-disconnect"() {
    const a = await ready(connect({ auth: { tag: "leaver" } }));
    const b = await ready(connect({ auth: { tag: "stayer" } }));
    const gone = once(a, "disconnect");
    a.disconnect();
    eq((await gone)[0], "io client disconnect", "client-side reason");
    const end = Date.now() + WAIT;
    for (;;) {
      const r = await ack(b, "op", { op: "fetch", rooms: ["leaver"] });
      if (r.ids.length === 0) break;
      if (Date.now() > end) throw new Error("the disconnected socket is still known: " + JSON.stringify(r));
      await sleep(50);
    }
  },
  // owner-dies: the node owning the session is killed; requests forwarded
  // for it get 400 "Session ID unknown" (no owner answers), the client
  // reports the disconnect and reconnects to a live node.
  async "owner-dies"() {
    const c = await ready(connect({ reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 }));
    const owner = await ack(c, "whoami");
    const down = once(c, "disconnect", 15000);
    const res = await fetch(process.env.CLUSTER_CONTROL + "/kill?node=" + owner);
    assert(res.ok, "kill " + owner);
    const [reason] = await down;
    await once(c, "connect", 15000);
    await ready(c);
    const now = await ack(c, "whoami");
    assert(now !== owner, `reconnected to a live node (got ${now}, killed ${owner})`);
    return { killed: owner, reason, now };
  },
  // owner-leaves (streams adapter, recovery on): the node owning the
  // session shuts down; the client reconnects to another node and
  // recovers its id, and gets the event broadcast while it was away.
  async "owner-leaves"() {
    const c = await ready(connect({ reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 }));
    const owner = await ack(c, "whoami");
    // other, a client on another node, triggers the broadcasts.
    // The round robin may bring each new handshake back to the owner when
    // a connection's requests come in a multiple of three: between tries,
    // one more request (outside the Engine.IO path) moves it on.
    let other;
    for (let i = 0; i < 12 && !other; i++) {
      const o = await ready(connect());
      if ((await ack(o, "whoami")) !== owner) other = o;
      else await fetch(new URL("/round-robin-step", url)).then((r) => r.arrayBuffer());
    }
    assert(other, "a client on another node than " + owner);
    const id = c.id;
    // A first broadcast gives the client an offset to recover from.
    const first = once(c, "tick");
    await ack(other, "tick-all");
    await first;
    const down = once(c, "disconnect", 15000);
    const res = await fetch(process.env.CLUSTER_CONTROL + "/shutdown?node=" + owner);
    assert(res.ok, "shutdown " + owner);
    const [reason] = await down;
    const missed = [];
    c.on("tick", (from) => missed.push(from));
    // A new client (on a live node) triggers it: other's requests may
    // have been relayed by the node that left, which closed its session.
    await ack(await ready(connect()), "tick-all");
    const now = await ready(c.connected ? c : await once(c, "connect", 15000).then(() => c));
    assert(c.recovered, "session recovered on another node");
    eq(c.id, id, "recovered socket id");
    const nowOwner = await ack(now, "whoami");
    assert(nowOwner !== owner, `reconnected to a live node (got ${nowOwner}, left ${owner})`);
    const end = Date.now() + WAIT;
    while (missed.length === 0 && Date.now() < end) await sleep(50);
    eq(missed.length, 1, "the event broadcast while away, replayed once");
    return { left: owner, reason, now: nowOwner };
  },
};

await runScenarios(scenarios, () => {
  open.forEach((s) => s.close());
  open = [];
});
