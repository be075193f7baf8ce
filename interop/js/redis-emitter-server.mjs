// redis-emitter-server.mjs REDIS_URL — a Node.js socket.io 4.8.4 server
// with @socket.io/redis-adapter 8.3.0 on REDIS_URL, for the Go emitter's
// tests (redis_emitter_test.go): a socket joins the rooms its auth lists
// ({rooms: [...]}), on "/" and "/chat", and a server-side "ping" is passed
// on to the server's own sockets as "sse" with the same arguments. It
// listens on 127.0.0.1, port 0, prints its URL on the first stdout line and
// exits when stdin closes.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const [redisURL] = process.argv.slice(2);
if (!redisURL) {
  console.error("usage: node redis-emitter-server.mjs REDIS_URL");
  process.exit(2);
}

const pub = createClient({ url: redisURL });
const sub = pub.duplicate();
pub.on("error", (e) => console.error("redis pub:", e.message));
sub.on("error", (e) => console.error("redis sub:", e.message));
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
const io = new Server(http, { adapter: createAdapter(pub, sub) });
for (const nsp of ["/", "/chat"]) {
  io.of(nsp).on("connection", (socket) => socket.join(socket.handshake.auth?.rooms ?? []));
  io.of(nsp).on("ping", (...args) => io.of(nsp).local.emit("sse", ...args));
}

// The adapter's subscriptions are confirmed once PUBSUB NUMSUB counts them.
const ready = async () => {
  for (;;) {
    const n = await pub.sendCommand(["PUBSUB", "NUMSUB", "socket.io-request#/chat#"]);
    if (Number(n[1]) > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
};
await ready();

http.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${http.address().port}`);
});

process.stdin.on("end", async () => {
  io.close();
  await Promise.allSettled([pub.quit(), sub.quit()]);
  process.exit(0);
});
process.stdin.resume();
