// client-server.mjs [recovery] — the Node.js socket.io 4.8.4 server that
// client_test.go drives with sio's Go client (package client). It listens on
// 127.0.0.1, port 0, prints its URL on the first stdout line and exits when
// stdin closes. With "recovery", connection state recovery is on.
//
// Namespace "/" refuses the auth token "bad" (message "not authorized",
// data {hint}), greets with "welcome" (auth, socket.recovered) and answers:
//   echo(...args, cb)        cb(...args)
//   ask(q, cb)               emitWithAck("question", q) to the client, cb(answer)
//   kick                     socket.disconnect()
//   drop                     socket.conn.close() (the transport, not the namespace)
//   join(room, cb)           socket.join(room); cb()
//   room(room, event, arg, cb)  io.to(room).emit(event, arg); cb()
//   reason-of(tag, cb)       cb(the disconnect reason of the socket tagged so, or null)
//   seen(tag, cb)            cb(the events received from sockets tagged so, in order)
//   engine-id(cb)            cb(socket.conn.id)
//   flaky(key, n, cb)        counts its receipts per key; from the n-th on, cb(count)
//   ignored                  no handler: never acknowledged (for retries)
// "/chat" answers echo and engine-id.
import { createServer } from "node:http";
import { Server } from "socket.io";

const recovery = process.argv.includes("recovery");
const http = createServer();
const io = new Server(http, recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 60000, skipMiddlewares: true } } : {});

const reasons = new Map();
const seen = new Map();
const counts = new Map();

io.use((socket, next) => {
  if (socket.handshake.auth?.token === "bad") {
    const err = new Error("not authorized");
    err.data = { hint: "use a good token" };
    return next(err);
  }
  next();
});

io.on("connection", (socket) => {
  const tag = socket.handshake.auth?.tag ?? "";
  socket.onAny((event) => {
    if (!seen.has(tag)) seen.set(tag, []);
    seen.get(tag).push(event);
  });
  socket.on("echo", (...args) => {
    const cb = args.pop();
    if (typeof cb === "function") cb(...args);
  });
  socket.on("ask", async (q, cb) => {
    try {
      cb(await socket.timeout(5000).emitWithAck("question", q));
    } catch (e) {
      cb("error: " + e.message);
    }
  });
  socket.on("kick", () => socket.disconnect());
  socket.on("drop", () => socket.conn.close());
  socket.on("join", (room, cb) => {
    socket.join(room);
    cb?.();
  });
  socket.on("room", (room, event, arg, cb) => {
    io.to(room).emit(event, arg);
    cb?.();
  });
  socket.on("reason-of", (t, cb) => cb(reasons.get(t) ?? null));
  socket.on("seen", (t, cb) => cb(seen.get(t) ?? []));
  socket.on("engine-id", (cb) => cb(socket.conn.id));
  socket.on("flaky", (key, n, cb) => {
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c >= n) cb?.(c);
  });
  socket.on("disconnect", (reason) => reasons.set(tag, reason));
  socket.emit("welcome", socket.handshake.auth ?? null, socket.recovered);
});

io.of("/chat").on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const cb = args.pop();
    if (typeof cb === "function") cb(...args);
  });
  socket.on("engine-id", (cb) => cb(socket.conn.id));
});

http.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${http.address().port}`);
});
process.stdin.on("end", () => {
  io.close();
  process.exit(0);
});
process.stdin.resume();
