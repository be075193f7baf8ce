// redis-node-server.mjs NAME REDIS_URL [sharded:MODE] — a Node.js socket.io 4.8.4 server
// with @socket.io/redis-adapter 8.3.0 on REDIS_URL (with a third argument
// sharded:MODE, createShardedAdapter in subscription mode MODE on the Redis
// Cluster of REDIS_URL), serving the "op"
// requests of redis.mjs (redis-ops.mjs). It listens on
// 127.0.0.1, port 0, prints its URL on the first stdout line and exits when
// stdin closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createClient, createCluster } from "redis";
import { serveOps } from "./redis-ops.mjs";

const [name, redisURL, variant] = process.argv.slice(2);
const shardedMode = variant?.startsWith("sharded:") ? variant.slice("sharded:".length) : undefined;
if (!name || !redisURL) {
  console.error("usage: node redis-node-server.mjs NAME REDIS_URL");
  process.exit(2);
}

const pub = shardedMode
  ? createCluster({ rootNodes: [{ url: redisURL }] })
  : createClient({ url: redisURL });
const sub = pub.duplicate();
pub.on("error", (e) => console.error("redis pub:", e.message));
sub.on("error", (e) => console.error("redis sub:", e.message));
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
const adapter = shardedMode
  ? createShardedAdapter(pub, sub, { subscriptionMode: shardedMode })
  : createAdapter(pub, sub);
const io = new Server(http, { adapter });

serveOps(io, name);

http.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${http.address().port}`);
});

process.stdin.resume();
process.stdin.on("end", async () => {
  io.close();
  await Promise.allSettled([pub.quit?.() ?? pub.disconnect(), sub.quit?.() ?? sub.disconnect()]);
  process.exit(0);
});
