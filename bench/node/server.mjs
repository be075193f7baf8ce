// The Node.js peer of sio's load benchmark: the benchmark's tiny app on
// socket.io 4.8 with its defaults, as bench/siopeer is on sio. The load
// generator (bench/loadgen) drives both the same way.
//
//   node server.mjs [port]   (default 0: any free port)
//
// It prints "listening 127.0.0.1:PORT" once it accepts connections.
//
// The app: connecting to "/" needs no auth; "echo" is acknowledged with its
// argument; "fanout" broadcasts "tick" with its argument to every socket of
// the namespace.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 0);
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });

io.on("connection", (socket) => {
  socket.on("echo", (arg, ack) => {
    if (typeof ack === "function") {
      ack(arg);
    }
  });
  socket.on("fanout", (arg) => {
    io.emit("tick", arg);
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  const { address, port } = httpServer.address();
  console.log(`listening ${address}:${port}`);
});

process.on("SIGTERM", () => process.exit(0));
