// flow.mjs URL MODE N — socket.io-client 4.8 against sio's flow control
// (socketio_flow_test.go): N events buffered while offline and then
// flushed at once, N events emitted in a burst to a slow handler, and a
// client that misses N packets of its room and recovers them. MODE is
// polling, websocket or upgrade. Prints one JSON line per scenario:
// {"scenario":..., "ok":true|false, "detail"|"error":...}.
import { io } from "socket.io-client";
import { assert, onceWithin, runScenarios } from "./check.mjs";

const [url, mode, nArg] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
const N = Number(nArg);
if (!url || !transports || !(N > 0)) {
  console.error("usage: node flow.mjs URL polling|websocket|upgrade N");
  process.exit(2);
}

const WAIT = 50000;
let open = [];

function connect(opts = {}) {
  const s = io(url, { transports, upgrade: mode === "upgrade", forceNew: true, reconnection: false, ...opts });
  open.push(s);
  return s;
}

const once = (em, ev, ms = WAIT) => onceWithin(em, ev, ms);

async function ready(s) {
  if (!s.connected) await once(s, "connect");
  if (mode === "upgrade" && s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
  return s;
}

// counted asks the server how many "flood" events it handled, in order;
// the answer comes after every event sent before (one queue per socket).
async function counted(s, disconnects) {
  let res;
  try {
    res = await s.timeout(WAIT).emitWithAck("count");
  } catch (e) {
    throw new Error(`no count (${disconnects.join(",") || "no disconnect"}): ${e}`);
  }
  const { handled, inOrder } = res;
  return { handled, inOrder, lost: N - handled, disconnects: disconnects.length };
}

function check(r) {
  assert(r.disconnects === 0 && r.handled === N && r.inOrder, `${N} events handled in order without disconnect: ${JSON.stringify(r)}`);
  return r;
}

const scenarios = {
  async "offline-buffer"() {
    const s = connect({ autoConnect: false });
    const disconnects = [];
    s.on("disconnect", (r) => disconnects.push(r));
    for (let i = 0; i < N; i++) s.emit("flood", i);
    s.connect();
    await ready(s);
    return check(await counted(s, disconnects));
  },

  async "burst"() {
    const s = await ready(connect());
    const disconnects = [];
    s.on("disconnect", (r) => disconnects.push(r));
    for (let i = 0; i < N; i++) s.emit("flood", i);
    return check(await counted(s, disconnects));
  },

  async "recovery"() {
    const s = await ready(connect());
    const room = "r-" + Math.random();
    const joined = once(s, "joined");
    await s.timeout(WAIT).emitWithAck("join", room);
    await joined;
    // A second connection learns when the server has kept the session
    // (its close runs after the handler emitting the N packets).
    const ctl = await ready(connect());
    await ctl.timeout(WAIT).emitWithAck("join", "ctl-" + room);
    const got = [];
    s.on("m", (i) => got.push(i));
    const cut = once(s, "disconnect");
    const kept = once(ctl, "cut-done");
    s.emit("drop-and-miss", room, N);
    await cut;
    await kept;
    s.connect();
    await once(s, "connect");
    assert(s.recovered, "recovered");
    const end = Date.now() + WAIT;
    while (got.length < N && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const inOrder = got.every((v, i) => v === i);
    const r = { received: got.length, lost: N - got.length, inOrder, connected: s.connected };
    assert(got.length === N && inOrder && s.connected, `${N} missed packets recovered in order: ${JSON.stringify(r)}`);
    return r;
  },
};

await runScenarios(scenarios, () => {
  for (const s of open) s.disconnect();
  open = [];
});
