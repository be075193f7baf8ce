// redis-bench-server.mjs ADAPTER REDIS_URL — a Node.js socket.io 4.8.4
// server with the cluster adapter named ADAPTER (a key of adapters below) on
// REDIS_URL for redis_bench_test.go's BenchmarkRedisCrossNode. Besides
// Socket.IO it answers GET /trigger?n=N by calling io.emit("tick", i) for
// i = 0..N-1 in one synchronous loop, and GET /trigger?warm=1 by one
// io.emit("warm"). It listens on 127.0.0.1, port 0, prints its URL on the
// first stdout line and exits when stdin closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";

// adapters are the Node counterparts of the sio adapters that
// BenchmarkRedisCrossNode's benchAdapters table names, each made from the
// two Redis clients with its defaults.
const adapters = {
  // @socket.io/redis-adapter 8.3.0's classic pub/sub adapter.
  classic: (pub, sub) => createAdapter(pub, sub),
  // @socket.io/redis-adapter 8.3.0's sharded adapter (SPUBLISH/SSUBSCRIBE,
  // Redis 7), in its default subscription mode, dynamic.
  sharded: (pub, sub) => createShardedAdapter(pub, sub),
  // @socket.io/redis-streams-adapter 0.3.1 (XADD/XREAD); it takes one
  // client.
  streams: (pub) => createStreamsAdapter(pub),
};

const [adapterName, redisURL] = process.argv.slice(2);
const makeAdapter = Object.hasOwn(adapters, adapterName ?? "") ? adapters[adapterName] : undefined;
if (!makeAdapter || !redisURL) {
  console.error(`usage: node redis-bench-server.mjs ${Object.keys(adapters).join("|")} REDIS_URL`);
  process.exit(2);
}

const pub = createClient({ url: redisURL });
const sub = pub.duplicate();
pub.on("error", (e) => console.error("redis pub:", e.message));
sub.on("error", (e) => console.error("redis sub:", e.message));
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer((req, res) => {
  const u = new URL(req.url, "http://localhost");
  if (u.pathname !== "/trigger") {
    res.writeHead(404).end();
    return;
  }
  if (u.searchParams.get("warm")) {
    io.emit("warm");
  } else {
    const n = Number(u.searchParams.get("n"));
    for (let i = 0; i < n; i++) io.emit("tick", i);
  }
  res.end("ok");
});
const io = new Server(http, { adapter: makeAdapter(pub, sub) });

// Listen once this server counts itself: its subscriptions are confirmed.
for (let i = 0; (await io.of("/").adapter.serverCount()) < 1; i++) {
  if (i > 500) throw new Error("adapter subscription not confirmed");
  await new Promise((r) => setTimeout(r, 10));
}

http.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${http.address().port}`);
});

process.stdin.resume();
process.stdin.on("end", async () => {
  io.close();
  await Promise.allSettled([pub.quit(), sub.quit()]);
  process.exit(0);
});
