// limits.mjs URL MODE — socket.io-client 4.8 against sio's limits per client
// (limits_test.go): a connection flooding events is disconnected as by the
// server ("io server disconnect", no reconnection) while another goes on;
// handshakes beyond a key's MaxConnections or rate are refused
// (connect_error; HTTP 403 over polling) and a closed connection gives its
// place back. MODE is polling, websocket or upgrade. The key of a
// connection is its "k" query parameter (none: not limited). Prints one
// JSON line per scenario: {"scenario":..., "ok":true|false, "detail"|"error":...}.
import { io } from "socket.io-client";
import { assert, eq, onceWithin, runScenarios } from "./check.mjs";

const [url, mode] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!url || !transports) {
  console.error("usage: node limits.mjs URL polling|websocket|upgrade");
  process.exit(2);
}

const WAIT = 10000;
let open = [];

function connect(opts = {}) {
  const s = io(url, { transports, upgrade: mode === "upgrade", forceNew: true, reconnection: false, ...opts });
  open.push(s);
  return s;
}

const once = (em, ev, ms = WAIT) => onceWithin(em, ev, ms);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ready(s) {
  if (!s.connected) await once(s, "connect");
  if (mode === "upgrade" && s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
  return s;
}

// refused connects as key and returns what connect_error says.
async function refused(key) {
  const s = connect({ query: { k: key } });
  const [err] = await once(s, "connect_error");
  s.close();
  return { message: err.message, status: err.description };
}

// wantRefused checks a refusal: over polling the 403 of the handshake
// (socket.io-client does not read the body); over WebSocket the failed
// upgrade.
function wantRefused(r) {
  if (mode === "websocket") {
    eq(r.message, "websocket error", "connect_error");
  } else {
    eq([r.message, r.status], ["xhr poll error", 403], "connect_error");
  }
}

const scenarios = {
  async flood() {
    // Reconnection on: a server disconnect must not reconnect.
    const s = await ready(connect({ reconnection: true, reconnectionDelay: 50 }));
    const other = await ready(connect());
    const gone = once(s, "disconnect");
    for (let i = 0; i < 50; i++) s.emit("e", i);
    const [reason] = await gone;
    eq(reason, "io server disconnect", "flooder's disconnect reason");
    eq(await other.timeout(WAIT).emitWithAck("ping"), "pong", "other client's answer");
    await sleep(1500); // past the server's grace, and the client's reconnection delay
    assert(!s.connected && !s.active, "the flooder stays disconnected");
    assert(other.connected, "the other client stays connected");
    return { reason, engineClosed: s.io.engine.readyState };
  },

  async "too-many-connections"() {
    const key = "conn-" + mode;
    const a = await ready(connect({ query: { k: key } }));
    await ready(connect({ query: { k: key } }));
    const r = await refused(key);
    wantRefused(r);
    a.close();
    // The server sees a's close packet; then its place is free.
    const end = Date.now() + WAIT;
    for (;;) {
      const s = connect({ query: { k: key } });
      const [ev] = await Promise.race([once(s, "connect").then(() => ["connect"]), once(s, "connect_error").then(() => ["error"])]);
      if (ev === "connect") break;
      s.close();
      assert(Date.now() < end, "a's place was not released");
      await sleep(20);
    }
    return r;
  },

  async "rate-limited"() {
    const key = "rate-" + mode;
    for (let i = 0; i < 3; i++) {
      const s = await ready(connect({ query: { k: key } }));
      s.close(); // no connection stays open: the rate refuses the fourth
    }
    const r = await refused(key);
    wantRefused(r);
    await ready(connect({ query: { k: "rate-other-" + mode } })); // another key
    return r;
  },
};

await runScenarios(scenarios, () => {
  for (const s of open) s.close();
  open = [];
});
