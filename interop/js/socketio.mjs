// socketio.mjs URL RECOVERY_URL MODE — plays every scenario of
// socketio_test.go with socket.io-client 4.8 against sio's Socket.IO server
// at URL (and, for "recovery", the server with connection state recovery at
// RECOVERY_URL), and prints one JSON line per scenario:
// {"scenario":..., "ok":true|false, "detail"|"error":...}. MODE is polling,
// websocket or upgrade (polling upgraded to websocket before each scenario
// goes on). SCENARIOS=a,b (environment) runs only those scenarios.
import { io } from "socket.io-client";
import { assert, eq, onceWithin, runScenarios, same } from "./check.mjs";

const [url, recoveryURL, mode] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!url || !recoveryURL || !transports) {
  console.error("usage: node socketio.mjs URL RECOVERY_URL polling|websocket|upgrade");
  process.exit(2);
}

const WAIT = 5000;
let open = [];

function connect(path = "/", opts = {}, base = url) {
  const s = io(base + path, { transports, upgrade: mode === "upgrade", forceNew: true, reconnection: false, ...opts });
  open.push(s);
  return s;
}

const once = (em, ev, ms = WAIT) => onceWithin(em, ev, ms);

// ready waits for the connection (and, in upgrade mode, for the upgrade).
async function ready(s) {
  if (!s.connected) {
    const [r] = await Promise.race([once(s, "connect"), once(s, "connect_error").then((e) => [e])]);
    if (r instanceof Error) throw r;
  }
  if (mode === "upgrade" && s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
  return s;
}

const ack = (s, ...args) => s.timeout(WAIT).emitWithAck(...args);


// collect records the events ev that s receives.
function collect(s, ev) {
  const got = [];
  s.on(ev, (...args) => got.push(args));
  return got;
}

// poll retries fn until it returns true or WAIT passes.
async function poll(fn, what) {
  const end = Date.now() + WAIT;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error("timeout: " + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const scenarios = {
  async "connect-auth"() {
    const s = connect("/", { auth: { token: "good", tag: "ca" } });
    const [w] = await once(s, "welcome");
    await ready(s);
    eq(w.auth, { token: "good", tag: "ca" }, "auth echoed");
    eq(w.id, s.id, "socket id");
    assert(s.id !== s.io.engine.id, "socket id differs from engine id");
    assert(s.id.length >= 22, "socket id of 128 bits");
  },

  async "reject-with-data"() {
    const s = connect("/", { auth: { token: "bad" } });
    const [err] = await once(s, "connect_error");
    eq(err.message, "not authorized", "message");
    eq(err.data, { code: 42 }, "data");
    assert(!s.connected, "not connected");
  },

  async "multi-args"() {
    const s = await ready(connect());
    const back = once(s, "echo-back");
    s.emit("echo", 1, "two", { three: 3 }, [4], null, true);
    eq(await back, [1, "two", { three: 3 }, [4], null, true], "echo-back");
    eq(await ack(s, "sum", 1, 2, 3, 4), 10, "sum");
    const multi = await new Promise((resolve) => s.emit("multi", (...args) => resolve(args)));
    eq(multi, [1, "two", { three: 3 }, [4], null, true], "multi-arg ack");
  },

  async "binary"() {
    const s = await ready(connect());
    const down = once(s, "bin-down");
    const res = await new Promise((resolve) => s.emit("bin", Buffer.from([1, 2, 3, 4]), (...a) => resolve(a)));
    eq(res[0], 4, "length");
    assert(Buffer.isBuffer(res[1]), "binary ack is a Buffer");
    eq([...res[1]], [4, 3, 2, 1], "reversed bytes");
    const [b, obj] = await down;
    assert(Buffer.isBuffer(b) && same([...b], [9, 8, 7]), "bin-down bytes");
    assert(Buffer.isBuffer(obj.nested) && obj.nested[0] === 1 && obj.n === 2, "nested binary");
    const echoed = once(s, "echo-back");
    s.emit("echo", { file: Buffer.from("hi") }, Buffer.from([0xff]));
    const [e1, e2] = await echoed;
    eq(e1.file.toString(), "hi", "forwarded nested binary");
    eq([...e2], [0xff], "forwarded binary");
  },

  async "acks-client-to-server"() {
    const s = await ready(connect());
    eq(await ack(s, "sum", 40, 2), 42, "ack value");
    const [a, b] = await Promise.all([ack(s, "sum", 1), ack(s, "sum", 2)]);
    eq([a, b], [1, 2], "concurrent acks matched by id");
  },

  async "acks-server-to-client"() {
    const s = await ready(connect());
    s.on("question", (q, buf, cb) => {
      cb("answer to " + q, Buffer.from([...buf, 3]));
    });
    const res = await new Promise((resolve) => s.emit("ask", (...a) => resolve(a)));
    eq(res[0], "answer to q?", "server got the client's ack");
    assert(Buffer.isBuffer(res[1]) && same([...res[1]], [1, 2, 3]), "binary ack both ways");
  },

  async "ack-timeouts"() {
    const s = await ready(connect());
    s.on("question-silent", () => {});
    eq(await ack(s, "ask-timeout"), true, "server-side ack timed out");
    let err;
    try {
      await s.timeout(200).emitWithAck("never-acks");
    } catch (e) {
      err = e;
    }
    eq(err && err.message, "operation has timed out", "client-side ack timeout");
    assert(s.connected, "still connected");
  },

  async "rooms-isolation"() {
    const [a, b, c, d] = await Promise.all([connect(), connect(), connect(), connect()].map(ready));
    eq((await ack(a, "join", ["r1"])).includes("r1"), true, "a joined r1");
    await ack(b, "join", ["r2"]);
    await ack(d, "join", ["r1", "r3"]);
    const got = [a, b, c, d].map((s) => collect(s, "room-msg"));
    const markers = [a, b, c, d].map((s) => once(s, "marker"));
    await ack(c, "to-room", "r1", { m: 1 });
    await ack(a, "to-room", "r1", { m: 2 });
    await ack(c, "marker", "end");
    await Promise.all(markers);
    eq(got[0], [[{ m: 1 }]], "a (in r1) got m1 but not its own m2");
    eq(got[1], [], "b (in r2) got nothing");
    eq(got[2], [], "c got nothing");
    eq(got[3], [[{ m: 1 }], [{ m: 2 }]], "d (in r1) got both");
  },

  async "except"() {
    const [a, b, c] = await Promise.all([connect(), connect(), connect()].map(ready));
    await ack(a, "join", ["x1"]);
    await ack(b, "join", ["x2"]);
    const got = [a, b, c].map((s) => collect(s, "except-msg"));
    const markers = [a, b, c].map((s) => once(s, "marker"));
    await ack(c, "except", ["x1"], { e: 1 });
    await ack(c, "marker", "end");
    await Promise.all(markers);
    eq(got.map((g) => g.length), [0, 1, 1], "x1 excluded");
  },

  async "static-namespace"() {
    const s = await ready(connect("/chat"));
    eq(await new Promise((r) => s.emit("whoami", (...a) => r(a))), ["/chat", false], "namespace");
    const root = await ready(connect("/"));
    assert(root.id !== s.id, "distinct sockets");
  },

  async "invalid-namespace"() {
    const s = connect("/nope");
    const [err] = await once(s, "connect_error");
    eq(err.message, "Invalid namespace", "message");
    const s2 = connect("/dyn-x");
    eq((await once(s2, "connect_error"))[0].message, "Invalid namespace", "regexp not matched");
  },

  async "dynamic-namespace"() {
    const s = connect("/dyn-42");
    const [w] = await once(s, "dyn-welcome");
    await ready(s);
    eq(w, "/dyn-42", "child's connection handler");
    eq(await new Promise((r) => s.emit("whoami", (...a) => r(a))), ["/dyn-42", true], "child namespace");
    const s2 = await ready(connect("/dyn-7"));
    eq(await new Promise((r) => s2.emit("whoami", (...a) => r(a))), ["/dyn-7", true], "second child");
  },

  async "client-disconnect"() {
    const s = await ready(connect("/", { auth: { tag: "cd" } }));
    const reason = once(s, "disconnect");
    s.disconnect();
    eq((await reason)[0], "io client disconnect", "client reason");
    const o = await ready(connect());
    await poll(async () => (await ack(o, "reason", "cd")) === "client namespace disconnect", "server reason");
  },

  async "server-disconnect"() {
    const s = await ready(connect("/", { auth: { tag: "sd" } }));
    const reason = once(s, "disconnect");
    s.emit("kick");
    eq((await reason)[0], "io server disconnect", "client reason");
    const o = await ready(connect());
    await poll(async () => (await ack(o, "reason", "sd")) === "server namespace disconnect", "server reason");
  },

  async "reconnection"() {
    const s = await ready(connect("/", { auth: { tag: "rc" }, reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 }));
    const first = s.id;
    const reason = once(s, "disconnect");
    s.emit("drop");
    eq((await reason)[0], "transport close", "client reason");
    await once(s, "connect");
    await ready(s);
    assert(s.id !== first, "new socket id without recovery");
    assert(!s.recovered, "not recovered");
    await poll(async () => (await ack(s, "reason", "rc")) === "forced close", "server reason");
  },

  async "recovery"() {
    const s = connect("/", { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 }, recoveryURL);
    const [hello] = await once(s, "hello");
    await ready(s);
    eq(hello, s.id, "hello");
    await ack(s, "setup", "rr", "my-data");
    const id = s.id;
    const missed = collect(s, "missed");
    const reason = once(s, "disconnect");
    // No ack: socket.io-client handles packets a tick after decoding them,
    // so an ack arriving with the close packet is dropped (as with Node).
    s.emit("drop-and-miss", "rr");
    eq((await reason)[0], "transport close", "cut");
    await once(s, "connect");
    assert(s.recovered, "socket.recovered");
    eq(s.id, id, "same id");
    const [gid, recovered, rooms, data] = await new Promise((r) => s.emit("get", (...a) => r(a)));
    eq([gid, recovered, data], [id, true, "my-data"], "server state");
    assert(rooms.includes("rr") && rooms.includes(id), "rooms restored: " + JSON.stringify(rooms));
    eq(missed.map((m) => m[0]), [1, 2], "missed events replayed (not other rooms')");
    assert(missed.every((m) => typeof m[1] === "string"), "offsets as last argument");
  },

  async "volatile"() {
    const s = await ready(connect());
    const vol = collect(s, "vol");
    // Over polling the server can write only while the client's GET waits,
    // which races with the client's POST: retry a few times.
    for (let i = 0; i < 10 && vol.length === 0; i++) {
      await ack(s, "volatile-one");
      if (vol.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert(vol.length >= 1, "volatile event sent on an idle transport");
    const burst = collect(s, "vol-burst");
    const done = once(s, "burst-done");
    s.emit("volatile-burst");
    await done;
    assert(burst.length < 50, "volatile events dropped while the transport is busy: got " + burst.length);
  },

  async "catch-all"() {
    const s = connect();
    const seen = [];
    s.onAny((ev) => seen.push(ev));
    await ready(s);
    s.emit("unhandled-event", 1, { a: 2 });
    const [anys, outs] = await new Promise((r) => s.emit("any-log", (...a) => r(a)));
    eq(anys, ["unhandled-event", "any-log"], "server OnAny");
    assert(outs.includes("welcome"), "server OnAnyOutgoing: " + JSON.stringify(outs));
    assert(seen.includes("welcome"), "client onAny");
  },

  async "broadcast-acks"() {
    const [a, b, c, d] = await Promise.all([connect(), connect(), connect(), connect()].map(ready));
    a.on("ping-all", (cb) => cb("a"));
    b.on("ping-all", (cb) => cb("b"));
    c.on("ping-all", () => {}); // never answers
    d.on("ping-all", (cb) => cb("d"));
    await ack(a, "join", ["ba"]);
    await ack(b, "join", ["ba"]);
    await ack(c, "join", ["bt"]);
    await ack(d, "join", ["bt"]);
    eq(await new Promise((r) => a.emit("bcast-ack", "ba", 3000, (...x) => r(x))), [["a", "b"], false], "all acknowledged");
    eq(await new Promise((r) => a.emit("bcast-ack", "bt", 300, (...x) => r(x))), [["d"], true], "partial on timeout");
    eq(await new Promise((r) => a.emit("bcast-ack", "empty-room", 3000, (...x) => r(x))), [[], false], "no receivers");
  },

  async "cluster-ops"() {
    const a = await ready(connect("/", { auth: { tag: "oa" } }));
    const b = await ready(connect("/", { auth: { tag: "ob" } }));
    await ack(a, "join", ["co"]);
    await ack(b, "join", ["co"]);
    eq(await ack(a, "fetch", "co"), ["oa", "ob"], "fetchSockets");
    eq(await ack(a, "sockets-join", "co", "co2"), true, "socketsJoin");
    eq(await ack(a, "fetch", "co2"), ["oa", "ob"], "joined");
    eq(await ack(a, "sockets-leave", "co", "co2"), true, "socketsLeave");
    eq(await ack(a, "fetch", "co2"), [], "left");
    const reasons = [once(a, "disconnect"), once(b, "disconnect")];
    await ack(a, "disconnect-room", "co");
    eq((await Promise.all(reasons)).map((r) => r[0]), ["io server disconnect", "io server disconnect"], "disconnectSockets");
  },
};

await runScenarios(scenarios, () => {
  for (const s of open) s.disconnect();
  open = [];
});
