// redis-sharded-node.mjs REDIS_URL MODE — a Node.js socket.io 4.8 server
// with createShardedAdapter of @socket.io/redis-adapter 8.3 (subscription
// mode MODE) on the Redis Cluster of REDIS_URL, for the sharded emitter's
// and the binary interop tests (redis_emitter_sharded_test.go):
//
//   - a socket of "/" or "/chat" joins the rooms of its auth payload
//     ({rooms: [...]}) and holds socket.data = {bin: <Buffer 01 02 fe>};
//   - the server-side event "ping" is passed on to the namespace's local
//     clients as the event "sse" with the same arguments (Buffers stay
//     binary);
//   - the server-side event "makeBin" acknowledges with <Buffer 07 08> and
//     sends the server-side event "fromNode" with <Buffer 05 06>.
//
// It listens on 127.0.0.1, port 0, prints its URL on the first stdout line
// and exits when stdin closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { createCluster } from "redis";

const [redisURL, mode] = process.argv.slice(2);
if (!redisURL || !mode) {
  console.error("usage: node redis-sharded-node.mjs REDIS_URL MODE");
  process.exit(2);
}

const pub = createCluster({ rootNodes: [{ url: redisURL }] });
const sub = pub.duplicate();
pub.on("error", (e) => console.error("redis pub:", e.message));
sub.on("error", (e) => console.error("redis sub:", e.message));
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
const io = new Server(http, { adapter: createShardedAdapter(pub, sub, { subscriptionMode: mode }) });

for (const nsp of ["/", "/chat"]) {
  io.of(nsp).on("connection", (socket) => {
    socket.join(socket.handshake.auth?.rooms ?? []);
    socket.data = { bin: Buffer.from([1, 2, 0xfe]) };
  });
  io.of(nsp).on("ping", (...args) => {
    if (typeof args[args.length - 1] === "function") args.pop();
    io.of(nsp).local.emit("sse", ...args);
  });
}
io.on("makeBin", (cb) => {
  io.serverSideEmit("fromNode", Buffer.from([5, 6]));
  cb(Buffer.from([7, 8]));
});

// The subscriptions are confirmed once SHARDNUMSUB counts this server.
for (const nsp of ["/", "/chat"]) {
  while ((await io.of(nsp).adapter.serverCount()) < 1) await new Promise((r) => setTimeout(r, 20));
}

http.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${http.address().port}`);
});

process.stdin.resume();
process.stdin.on("end", async () => {
  io.close();
  await Promise.allSettled([pub.quit?.() ?? pub.disconnect(), sub.quit?.() ?? sub.disconnect()]);
  process.exit(0);
});
