// redis-streams-node-server.mjs NAME REDIS_URL [FLAG...] — a Node.js
// socket.io 4.8.4 server with @socket.io/redis-streams-adapter 0.3.1 on
// REDIS_URL (node-redis 4.7), serving the "op" requests of redis.mjs
// (redis-ops.mjs). Flags: "recovery" turns connection
// state recovery on with a short heartbeat (so that a cut polling session
// ends soon); "cluster" makes REDIS_URL a node of a Redis Cluster;
// "streams=N" sets streamCount, "prefix=P" streamName and channelPrefix. It listens on 127.0.0.1, port 0, prints
// its URL on the first stdout line once its subscriptions are confirmed,
// and exits when stdin closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { createClient, createCluster } from "redis";
import { serveOps } from "./redis-ops.mjs";

const [name, redisURL, ...flags] = process.argv.slice(2);
if (!name || !redisURL) {
  console.error("usage: node redis-streams-node-server.mjs NAME REDIS_URL [recovery] [cluster] [streams=N]");
  process.exit(2);
}
const recovery = flags.includes("recovery");
const flag = (k) => flags.find((f) => f.startsWith(k + "="))?.slice(k.length + 1);
const streamCount = Number(flag("streams") ?? 1);
const prefix = flag("prefix") ?? "socket.io";

const client = flags.includes("cluster") ? createCluster({ rootNodes: [{ url: redisURL }] }) : createClient({ url: redisURL });
client.on("error", (e) => console.error("redis:", e.message));
await client.connect();

const http = createServer();
const io = new Server(http, {
  adapter: createAdapter(client, { streamCount, streamName: prefix, channelPrefix: prefix }),
  ...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 60000 }, pingInterval: 300, pingTimeout: 2000 } : {}),
});

serveOps(io, name);

// The adapter subscribes and starts reading the stream in the background:
// wait until Redis counts this server's subscription, then a little for
// the first XREAD.
for (let i = 0; (await io.of("/").adapter.serverCount()) < 1; i++) {
  if (i > 500) throw new Error("adapter subscription not confirmed");
  await new Promise((r) => setTimeout(r, 10));
}
await new Promise((r) => setTimeout(r, 200));

http.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${http.address().port}`);
});

process.stdin.resume();
process.stdin.on("end", async () => {
  io.close();
  await Promise.allSettled([client.quit()]);
  process.exit(0);
});
