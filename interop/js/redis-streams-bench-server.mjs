// redis-streams-bench-server.mjs REDIS_URL — a Node.js socket.io 4.8.4
// server with @socket.io/redis-streams-adapter 0.3.1 on REDIS_URL for
// redis_streams_test.go's BenchmarkRedisStreamsCrossNode, answering GET
// /trigger as redis-bench-server.mjs does. It listens on 127.0.0.1, port 0,
// prints its URL on the first stdout line once its subscriptions are
// confirmed, and exits when stdin closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { createClient } from "redis";

const [redisURL] = process.argv.slice(2);
if (!redisURL) {
  console.error("usage: node redis-streams-bench-server.mjs REDIS_URL");
  process.exit(2);
}

const client = createClient({ url: redisURL });
client.on("error", (e) => console.error("redis:", e.message));
await client.connect();

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
const io = new Server(http, { adapter: createAdapter(client) });

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
