// redis.mjs MODE URL0 URL1 URL2 — plays the cluster scenarios of
// redis_test.go with socket.io-client 4.8 against three servers sharing a
// Redis (sio nodes, or a mix with Node's @socket.io/redis-adapter). Client
// cI connects to URLI with auth {tag: "cI", room}: c0 and c1 are in "red",
// c2 in "blue". Each scenario sends "op" requests to every server in turn
// and prints one JSON line: {"scenario":..., "ok":true|false, "error":...}.
// REDIS_DISCONNECT_CLOSE=1 makes "disconnect" close the connection too.
import { io } from "socket.io-client";
import { eq, onceWithin } from "./check.mjs";

const [mode, ...urls] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!transports || urls.length !== 3) {
  console.error("usage: node redis.mjs polling|websocket|upgrade URL0 URL1 URL2");
  process.exit(2);
}

const WAIT = 5000;
const rooms = ["red", "red", "blue"];

const once = (em, ev, ms = WAIT) => onceWithin(em, ev, ms);

async function connect(i) {
  const s = io(urls[i], { transports, upgrade: mode === "upgrade", forceNew: true, reconnection: false, auth: { tag: "c" + i, room: rooms[i] } });
  await once(s, "connect");
  if (mode === "upgrade" && s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
  s.got = {};
  s.onAny((ev, ...args) => (s.got[ev] ??= []).push(args[0]));
  s.on("ask", (cb) => cb("c" + i));
  s.on("askBin", (cb) => cb(Buffer.from("c" + i)));
  return s;
}

const clients = [];
async function op(i, o) {
  const res = await clients[i].timeout(WAIT).emitWithAck("op", o);
  if (res && res.error) throw new Error(`op ${JSON.stringify(o)} on server ${i}: ${res.error}`);
  return res;
}

// settle broadcasts a marker from server i and waits until every client has
// it: everything server i published before has arrived by then.
let markers = 0;
async function settle(i) {
  const m = "m" + ++markers;
  const waits = clients.map(
    (c) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${m} not received`)), WAIT);
        const check = (ev, arg) => {
          if (ev === "marker" && arg === m) {
            clearTimeout(t);
            c.offAny(check);
            resolve();
          }
        };
        c.onAny(check);
      }),
  );
  await op(i, { op: "emit", rooms: [], event: "marker", arg: m });
  await Promise.all(waits);
}

// received returns, per client, the args of ev received since the last
// call, and forgets them.
function received(ev) {
  return clients.map((c) => {
    const got = c.got[ev] ?? [];
    delete c.got[ev];
    return got;
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// expect checks that the clients got exactly want of ev since the last call.
// Call it after settle: Redis keeps no order between two channels (with the
// sharded adapter a room's channel and the namespace's may live on different
// Cluster masters), so a room's broadcast may still be on its way when the
// marker arrived; what is missing is waited for, up to WAIT, and anything
// extra or out of place fails at once.
async function expect(ev, want, msg) {
  const short = () =>
    clients.some((c, k) => {
      const got = c.got[ev] ?? [];
      return got.length < want[k].length && got.every((v, j) => v === want[k][j]);
    });
  const exceeds = () =>
    clients.some((c, k) => {
      const got = c.got[ev] ?? [];
      return got.length > want[k].length || got.some((v, j) => v !== want[k][j]);
    });
  const deadline = Date.now() + WAIT;
  while (short() && !exceeds() && Date.now() < deadline) await sleep(20);
  eq(received(ev), want, msg);
}

// warmUp returns once a broadcast to each room the scenarios use, from each
// server, reaches the room's clients. In the sharded adapter's dynamic modes
// a server subscribes to a room's channel when its first local socket joins
// without waiting for Redis's reply (Node does so too: SSUBSCRIBE on
// "create-room"), so a broadcast sent right after a client connected can be
// lost to that server; the scenarios begin once every subscription is in
// place. A round that goes unanswered for a second is sent again.
async function warmUp() {
  const members = { red: [0, 1], blue: [2], c0: [0], c1: [1], c2: [2] };
  const deadline = Date.now() + 4 * WAIT;
  let n = 0;
  for (const [room, want] of Object.entries(members)) {
    for (let i = 0; i < 3; i++) {
      for (;;) {
        const arg = "w" + ++n;
        await op(i, { op: "emit", rooms: [room], event: "warm", arg });
        const until = Date.now() + 1000;
        const arrived = () => want.every((k) => (clients[k].got.warm ?? []).includes(arg));
        while (!arrived() && Date.now() < until) await sleep(20);
        if (arrived()) break;
        if (Date.now() > deadline) throw new Error(`warm-up: a broadcast to ${room} from server ${i} never reached its clients`);
      }
    }
  }
  for (let i = 0; i < 3; i++) await settle(i);
  received("warm");
}

const scenarios = {
  async broadcast() {
    for (let i = 0; i < 3; i++) {
      await op(i, { op: "emit", rooms: ["red"], event: "news", arg: "n" + i });
      await settle(i);
      await expect("news", [["n" + i], ["n" + i], []], `to red from server ${i}`);
      await op(i, { op: "emit", rooms: [], event: "all", arg: "a" + i });
      await settle(i);
      await expect("all", [["a" + i], ["a" + i], ["a" + i]], `to all from server ${i}`);
    }
  },
  async binary() {
    for (let i = 0; i < 3; i++) {
      await op(i, { op: "emitBinary", rooms: [], event: "bin", arg: "b" + i });
      await settle(i);
      const got = received("bin").map((l) => l.map((b) => Buffer.from(b).toString()));
      eq(got, [["b" + i], ["b" + i], ["b" + i]], `binary to all from server ${i}`);
    }
  },
  async except() {
    for (let i = 0; i < 3; i++) {
      await op(i, { op: "emit", rooms: [], except: ["red"], event: "x", arg: "e" + i });
      await settle(i);
      await expect("x", [[], [], ["e" + i]], `all except red from server ${i}`);
      await op(i, { op: "emit", rooms: ["red", "blue"], except: ["c1"], event: "y", arg: "f" + i });
      await settle(i);
      await expect("y", [["f" + i], [], ["f" + i]], `red+blue except c1 from server ${i}`);
    }
  },
  async acks() {
    for (let i = 0; i < 3; i++) {
      eq(await op(i, { op: "emitWithAck", rooms: [], event: "ask" }), ["c0", "c1", "c2"], `acks from server ${i}`);
      eq(await op(i, { op: "emitWithAck", rooms: ["blue"], event: "ask" }), ["c2"], `acks of blue from server ${i}`);
      eq(await op(i, { op: "emitWithAckBinary", rooms: [], except: ["c0"], event: "askBin" }), ["c1", "c2"], `binary acks from server ${i}`);
    }
  },
  async fetch() {
    const ids = (...n) => n.map((k) => clients[k].id).sort();
    for (let i = 0; i < 3; i++) {
      eq(await op(i, { op: "fetch", rooms: ["red"] }), { ids: ids(0, 1), tags: ["c0", "c1"] }, `fetch red from server ${i}`);
      eq(await op(i, { op: "fetch", rooms: [] }), { ids: ids(0, 1, 2), tags: ["c0", "c1", "c2"] }, `fetch all from server ${i}`);
    }
  },
  async "join-leave"() {
    for (let i = 0; i < 3; i++) {
      const target = "c" + ((i + 1) % 3);
      await op(i, { op: "join", rooms: [target], add: ["green"] });
      await op(i, { op: "emit", rooms: ["green"], event: "g", arg: "in" });
      await settle(i);
      const want = [[], [], []];
      want[(i + 1) % 3] = ["in"];
      await expect("g", want, `green after join from server ${i}`);
      await op(i, { op: "leave", rooms: [target], add: ["green"] });
      await op(i, { op: "emit", rooms: ["green"], event: "g", arg: "out" });
      await settle(i);
      await expect("g", [[], [], []], `green after leave from server ${i}`);
    }
  },
  async "server-side-emit"() {
    const names = ["s0", "s1", "s2"];
    for (let i = 0; i < 3; i++) {
      eq(await op(i, { op: "sse" }), names.filter((_, k) => k !== i), `server-side acks from server ${i}`);
    }
  },
  async disconnect() {
    const gone = once(clients[1], "disconnect");
    await op(2, { op: "disconnect", rooms: ["c1"], close: process.env.REDIS_DISCONNECT_CLOSE === "1" });
    const [reason] = await gone;
    eq(reason, "io server disconnect", "reason");
    eq([clients[0].connected, clients[2].connected], [true, true], "others connected");
  },
};

// redis-restart (only with REDIS_CONTROL, the URL of the test's Redis
// control): Redis is killed, local broadcasts still arrive, and after Redis
// restarts cross-server broadcasts resume.
async function redisRestart() {
  const control = process.env.REDIS_CONTROL;
  const call = async (path) => {
    const res = await fetch(control + path);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  await call("/stop");
  const down = once(clients[0], "down");
  await op(0, { op: "emit", rooms: [], event: "down", arg: "d" });
  await down;
  await call("/start");
  const deadline = Date.now() + 30000;
  for (let k = 0; ; k++) {
    await op(0, { op: "emit", rooms: [], event: "up", arg: "u" + k });
    await new Promise((r) => setTimeout(r, 200));
    if (clients[1].got.up && clients[2].got.up) break;
    if (Date.now() > deadline) throw new Error("broadcasts did not resume after Redis restarted");
  }
  await settle(0);
  received("up");
  received("down");
}

let failed = false;
try {
  for (let i = 0; i < 3; i++) clients.push(await connect(i));
  await warmUp();
  // REDIS_SCENARIOS (comma-separated) runs only those scenarios.
  const plan = process.env.REDIS_CONTROL
    ? ["broadcast", "redis-restart", "broadcast", "server-side-emit"]
    : process.env.REDIS_SCENARIOS
      ? process.env.REDIS_SCENARIOS.split(",")
      : Object.keys(scenarios);
  scenarios["redis-restart"] = redisRestart;
  for (const name of plan) {
    const fn = scenarios[name];
    try {
      await fn();
      console.log(JSON.stringify({ scenario: name, ok: true }));
    } catch (e) {
      failed = true;
      console.log(JSON.stringify({ scenario: name, ok: false, error: String(e && e.message) }));
    }
  }
} catch (e) {
  console.error(e);
  failed = true;
}
clients.forEach((c) => c.close());
process.exit(failed ? 1 : 0);
