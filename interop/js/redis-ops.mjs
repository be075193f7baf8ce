// redis-ops.mjs — what the Node.js cluster nodes of the Redis interop tests
// share, whatever their adapter: they answer the server-side "hello" with
// their name, put each socket in the rooms its auth names (tag, room) unless
// it recovered them, and run the "op" requests of redis.mjs the way
// redis_test.go's sio nodes do.

const WAIT = 5000;
const sorted = (a) => [...a].sort();

async function run(io, o) {
  let sel = io.to(o.rooms ?? []);
  if (o.except?.length) sel = sel.except(o.except);
  switch (o.op) {
    case "emit":
      sel.emit(o.event, o.arg);
      return "ok";
    case "emitBinary":
      sel.emit(o.event, Buffer.from(o.arg));
      return "ok";
    case "emitWithAck":
      return sorted(await sel.timeout(WAIT).emitWithAck(o.event));
    case "emitWithAckBinary":
      return sorted((await sel.timeout(WAIT).emitWithAck(o.event)).map((b) => Buffer.from(b).toString()));
    case "fetch": {
      const socks = await sel.fetchSockets();
      return { ids: sorted(socks.map((s) => s.id)), tags: sorted(socks.map((s) => s.data?.tag ?? "")) };
    }
    case "join":
      sel.socketsJoin(o.add);
      return "ok";
    case "leave":
      sel.socketsLeave(o.add);
      return "ok";
    case "disconnect":
      sel.disconnectSockets(!!o.close);
      return "ok";
    case "sse":
      return sorted(await io.serverSideEmitWithAck("hello"));
  }
  throw new Error("unknown op " + o.op);
}

// serveOps makes io, the server of the node called name, a test node.
export function serveOps(io, name) {
  io.on("hello", (cb) => cb(name));
  io.on("connection", (socket) => {
    if (!socket.recovered) {
      const { tag, room } = socket.handshake.auth;
      socket.data.tag = tag;
      socket.join([tag, room]);
    }
    socket.on("op", async (o, cb) => {
      try {
        cb(await run(io, o));
      } catch (e) {
        cb({ error: String(e && e.message) });
      }
    });
  });
}
