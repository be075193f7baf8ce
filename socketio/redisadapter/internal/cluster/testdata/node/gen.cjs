// gen.cjs records the messages Node's sharded adapter publishes
// (createShardedAdapter of the @socket.io/redis-adapter pinned in
// interop/package.json, dynamic subscription mode) over fake node-redis
// clients that capture SPUBLISH, and the responses it sends to requests fed
// to its subscription handler. It prints one JSON document:
//
//   [{"name", "channel", "hex"}, ...]
//
// Regenerate with
//
//   node socketio/redisadapter/internal/cluster/testdata/node/gen.cjs > socketio/redisadapter/internal/cluster/testdata/vectors.json
"use strict";
const path = require("path");
const { createRequire } = require("module");
const req = createRequire(path.resolve(__dirname, "../../../../../../interop/package.json"));

const { Server } = req("socket.io");
const { createShardedAdapter } = req("@socket.io/redis-adapter");

const published = [];
const handlers = new Map();
const client = {
  sSubscribe(channel, handler) { handlers.set(channel, handler); },
  sUnsubscribe() {},
  on() {}, off() {},
  sPublish(channel, msg) { published.push({ channel, msg }); return Promise.resolve(1); },
  sendCommand(args) { return Promise.resolve([args[2], 2]); },
};

const vectors = [];
function take(name) {
  if (published.length !== 1) throw new Error(`${name}: ${published.length} messages published`);
  const { channel, msg } = published.pop();
  vectors.push({ name, channel, hex: Buffer.from(msg).toString("hex") });
}
const tick = () => new Promise((r) => setImmediate(r));

(async () => {
  const io = new Server({ adapter: createShardedAdapter(client, client) });
  const nsp = io.of("/");
  const uid = nsp.adapter.uid;
  const main = `socket.io#/#`;
  const feed = (msg) => handlers.get(main)(Buffer.from(JSON.stringify(msg)), Buffer.from(main));

  io.emit("hello", "world", 1, 1.5, null, { a: [true] }); await tick(); take("broadcast_all");
  io.to("room1").emit("hello"); await tick(); take("broadcast_one_room");
  io.to(["a", "b"]).except("c").volatile.emit("x", "y"); await tick(); take("broadcast_rooms_except_volatile");
  io.emit("bin", Buffer.from([1, 2, 3]), { nested: Buffer.from([4]) }); await tick(); take("broadcast_binary");
  io.to("room1").timeout(1000).emit("ack", "q", () => {}); await tick(); take("broadcast_with_ack");
  io.in("room1").socketsJoin(["r2", "r3"]); await tick(); take("sockets_join");
  io.in("room1").socketsLeave("r2"); await tick(); take("sockets_leave");
  io.in("room1").disconnectSockets(true); await tick(); take("disconnect_sockets");
  io.serverSideEmit("sse", "arg", 2); await tick(); take("server_side_emit");
  io.serverSideEmit("sse_bin", Buffer.from([9])); await tick(); take("server_side_emit_binary");
  io.serverSideEmit("sse_ack", "a", () => {}); await tick(); await tick(); take("server_side_emit_with_ack");
  io.in("room1").timeout(1000).fetchSockets().catch(() => {}); await tick(); await tick(); take("fetch_sockets");

  // Responses to another server's requests.
  const other = "0123456789abcdef";
  feed({ type: 7, data: { opts: { rooms: [], except: [], flags: {} }, requestId: "req1" }, uid: other, nsp: "/" });
  await tick(); await tick(); take("fetch_sockets_response");
  io.on("ping", (...args) => args[args.length - 1]({ pong: [1, "two"] }));
  feed({ type: 9, data: { requestId: "req2", packet: ["ping", "p"] }, uid: other, nsp: "/" });
  await tick(); take("server_side_emit_response");
  io.on("pingbin", (cb) => cb(Buffer.from([7, 8])));
  feed({ type: 9, data: { requestId: "req3", packet: ["pingbin"] }, uid: other, nsp: "/" });
  await tick(); take("server_side_emit_response_binary");
  feed({ type: 3, data: { packet: { type: 2, data: ["e"] }, requestId: "req4", opts: { rooms: [], except: [], flags: { timeout: 100 } } }, uid: other, nsp: "/" });
  await tick(); take("broadcast_client_count");

  process.stdout.write(JSON.stringify({ uid, vectors }, null, 1) + "\n");
  io.close();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
