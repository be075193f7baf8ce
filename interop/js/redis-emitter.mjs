// redis-emitter.mjs OPS_JSON — runs each op of OPS_JSON with
// @socket.io/redis-emitter 5.1.0 on a stand-in Redis client that records
// what the emitter publishes, and prints one line per op:
// {"name", "channel", "hex"} (the message bytes in hex). An op is
// {name, key, nsp, to, except, flags: [[flag, value]...] (applied in order),
// action: emit|join|leave|disconnect|sse, event, args, rooms, close}; an
// argument {"$bin": HEX} (at any depth) is a Buffer.
import { Emitter } from "@socket.io/redis-emitter";

const ops = JSON.parse(process.argv[2] ?? "[]");
let last;
const client = {
  publish(channel, msg) {
    last = { channel, hex: Buffer.from(msg).toString("hex") };
  },
};

const revive = (v) => {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === "object") {
    if (typeof v.$bin === "string") return Buffer.from(v.$bin, "hex");
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  }
  return v;
};

const root = new Emitter(client);
for (const op of ops) {
  last = undefined;
  const base = op.key ? new Emitter(client, { key: op.key }) : root;
  const e = op.nsp ? base.of(op.nsp) : base;
  let sel = e;
  if (op.to?.length) sel = sel.to(op.to);
  if (op.except?.length) sel = sel.except(op.except);
  for (const [flag, value] of op.flags ?? []) {
    sel = flag === "volatile" ? sel.volatile : sel.compress(value);
  }
  const args = revive(op.args ?? []);
  switch (op.action) {
    case "emit":
      sel.emit(op.event, ...args);
      break;
    case "join":
      sel.socketsJoin(op.rooms);
      break;
    case "leave":
      sel.socketsLeave(op.rooms);
      break;
    case "disconnect":
      sel.disconnectSockets(op.close);
      break;
    case "sse":
      e.serverSideEmit(op.event, ...args);
      break;
    default:
      throw new Error("unknown action " + op.action);
  }
  console.log(JSON.stringify({ name: op.name, ...last }));
}
