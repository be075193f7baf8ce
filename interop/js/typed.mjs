// typed.mjs URL TRANSPORT — receives the events interop/typed sends
// through siogen's typed emitter, with socket.io-client, and prints one
// line per observation, in a fixed order. TRANSPORT is polling or websocket.
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
if (!url || !["polling", "websocket"].includes(mode)) {
  console.error("usage: node typed.mjs URL polling|websocket");
  process.exit(2);
}
const connect = () => io(url + "/typed", { transports: [mode], forceNew: true, reconnection: false });
const once = (s, ev) => new Promise((resolve) => s.once(ev, (...args) => resolve(args)));
const show = (v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? "binary[" + Buffer.from(v).toString("hex") + "]" : JSON.stringify(v));

async function main() {
  const a = connect();
  const b = connect();
  await Promise.all([once(a, "connect"), once(b, "connect")]);

  const events = ["message", "scalars", "file", "maybe"];
  const lines = [];
  for (const ev of events) {
    a.on(ev, (...args) => lines.push("a " + ev + " " + args.map(show).join(" ")));
  }
  a.on("ask", (q, cb) => {
    lines.push("a ask " + show(q));
    cb({ color: "red", votes: 3 });
  });
  a.on("poll", (cb) => cb(1, "from a"));
  b.on("poll", (cb) => cb(2, "from b"));

  const result = await a.timeout(10000).emitWithAck("start");
  for (const l of lines) console.log(l);
  console.log("a start " + result);
  a.close();
  b.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
