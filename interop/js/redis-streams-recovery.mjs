// redis-streams-recovery.mjs MODE URL_A URL_B PROXY_URL CONTROL_URL — plays
// connection state recovery across two servers sharing a Redis with the
// streams adapter (sio or Node's @socket.io/redis-streams-adapter 0.3.1,
// both with recovery on), with socket.io-client 4.8. Client c reaches
// server A through the test's proxy (PROXY_URL); two controllers connected
// to A and B send them "op" requests (as redis.mjs does). The proxy's
// control (CONTROL_URL) cuts c's transport and sends its reconnection to
// B: c must get back its id, rooms and data, and exactly the events sent
// to its rooms meanwhile. Prints one JSON line per scenario, as redis.mjs.
import { io } from "socket.io-client";
import { eq, onceWithin } from "./check.mjs";

const [mode, urlA, urlB, proxyURL, control] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!transports || !control) {
  console.error("usage: node redis-streams-recovery.mjs polling|websocket|upgrade URL_A URL_B PROXY_URL CONTROL_URL");
  process.exit(2);
}

const WAIT = 10000;
const once = (em, ev, ms = WAIT) => onceWithin(em, ev, ms);

async function controller(url, tag) {
  const s = io(url, { transports: ["websocket"], forceNew: true, reconnectionDelay: 50, auth: { tag, room: "ctl" } });
  await once(s, "connect");
  return s;
}

async function op(s, o) {
  const res = await s.timeout(WAIT).emitWithAck("op", o);
  if (res && res.error) throw new Error(`op ${JSON.stringify(o)}: ${res.error}`);
  return res;
}

async function call(path) {
  const res = await fetch(control + path);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

// got records c's events as "event:arg"; waitFor resolves with (and
// forgets) what came before ev.
const got = [];
const waiters = [];
const trace = []; // every event with its offset and transport, for failures
function record(ev, arg, ...rest) {
  trace.push(`${ev}:${arg}@${rest.at(-1)}/${c.io.engine?.transport?.name}`);
  got.push(`${ev}:${arg}`);
  for (const w of [...waiters]) w();
}
function waitFor(ev) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${ev} not received (got ${JSON.stringify(got)})`)), WAIT);
    const check = () => {
      const i = got.indexOf(ev);
      if (i < 0) return false;
      clearTimeout(t);
      waiters.splice(waiters.indexOf(check), 1);
      resolve(got.splice(0, i + 1).slice(0, i));
      return true;
    };
    waiters.push(check);
    check();
  });
}

// waitForAll resolves, once every event of evs came, with (and forgets)
// what came up to the last of them, sorted.
function waitForAll(evs) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${evs} not all received (got ${JSON.stringify(got)})`)), WAIT);
    const check = () => {
      if (!evs.every((ev) => got.includes(ev))) return false;
      clearTimeout(t);
      waiters.splice(waiters.indexOf(check), 1);
      const last = Math.max(...evs.map((ev) => got.indexOf(ev)));
      resolve(got.splice(0, last + 1).sort());
      return true;
    };
    waiters.push(check);
    check();
  });
}

let failed = false;
const report = (scenario, e) => {
  if (e) failed = true;
  console.log(JSON.stringify(e ? { scenario, ok: false, error: `${e && e.message} (events: ${trace.join(" ")})` } : { scenario, ok: true }));
};
let ctlA, ctlB, c;
try {
  ctlA = await controller(urlA, "ctlA");
  ctlB = await controller(urlB, "ctlB");
  c = io(proxyURL, {
    transports,
    upgrade: mode === "upgrade",
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    auth: { tag: "c", room: "red" },
  });
  await once(c, "connect");
  if (mode === "upgrade" && c.io.engine.transport.name !== "websocket") await once(c.io.engine, "upgrade");
  c.onAny((ev, arg, ...rest) => record(ev, arg, ...rest));
  const id = c.id;

  try {
    await op(ctlB, { op: "emit", rooms: ["red"], event: "before", arg: "1" });
    eq(await waitFor("before:1"), [], "from B before the cut");
    await op(ctlA, { op: "emit", rooms: [], event: "before", arg: "2" });
    eq(await waitFor("before:2"), [], "from A before the cut");

    await call("/cut");
    // Wait until A has seen the cut (its socket is gone cluster wide).
    for (let k = 0; ; k++) {
      const r = await op(ctlA, { op: "fetch", rooms: ["c"] });
      if (r.ids.length === 0) break;
      if (k > 200) throw new Error("server A did not see the cut");
      await new Promise((r) => setTimeout(r, 50));
    }
    await op(ctlA, { op: "emit", rooms: ["red"], event: "missed", arg: "m1" });
    await op(ctlB, { op: "emit", rooms: ["blue"], event: "missed", arg: "nope" });
    await op(ctlB, { op: "emit", rooms: [], except: ["blue", "ctl"], event: "missed", arg: "m2" });
    const back = once(c, "connect");
    await call("/to-b");
    await back;
    eq([c.recovered, c.id], [true, id], "recovered, same id");
    // Both missed events, in the stream's order, which need not be the
    // order of the ops: Node's adapter answers an emit before its XADD
    // is done, so m1 (from A) may land in the stream after m2 (from B)
    // when A is a Node server.
    eq(await waitForAll(["missed:m1", "missed:m2"]), ["missed:m1", "missed:m2"], "missed events");
    report("recovery");
  } catch (e) {
    report("recovery", e);
  }

  try {
    eq(await op(ctlB, { op: "fetch", rooms: ["red"] }), { ids: [id], tags: ["c"] }, "rooms and data on B, from B");
    eq(await op(ctlA, { op: "fetch", rooms: ["red"] }), { ids: [id], tags: ["c"] }, "rooms and data on B, from A");
    await op(ctlA, { op: "emit", rooms: ["red"], event: "after", arg: "3" });
    eq(await waitFor("after:3"), [], "from A after recovery");
    report("after-recovery");
  } catch (e) {
    report("after-recovery", e);
  }
} catch (e) {
  console.error(e);
  failed = true;
}
[ctlA, ctlB, c].forEach((s) => s?.close());
process.exit(failed ? 1 : 0);
