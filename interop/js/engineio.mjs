// Interop scenarios for the Go Engine.IO server, driven by
// interop/engineio_test.go. Usage: node js/engineio.mjs <url> <scenario>
// Prints one JSON object per line: {"event": ..., ...}.
import { Socket } from "engine.io-client";

const [url, scenario] = process.argv.slice(2);

const print = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const show = (d) =>
  typeof d === "string"
    ? { data: d, binary: false }
    : { data: Array.from(new Uint8Array(d.buffer ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d)), binary: true };

const options = {
  "echo-polling": { transports: ["polling"] },
  "echo-websocket": { transports: ["websocket"] },
  "upgrade": {},
  "close-client": {},
  "close-server-polling": { transports: ["polling"] },
  "close-server-websocket": { transports: ["websocket"] },
  "ping-timeout": { transports: ["websocket"] },
  "heartbeat": {},
  "flood-polling": { transports: ["polling"] },
}[scenario];
if (!options) {
  console.error("unknown scenario", scenario);
  process.exit(2);
}

const socket = new Socket(url, { ...options, path: "/engine.io/" });
const done = (code = 0) => setTimeout(() => process.exit(code), 10);
const failTimer = setTimeout(() => {
  print({ event: "timeout" });
  process.exit(1);
}, 20000);
failTimer.unref();

socket.on("open", () => {
  print({ event: "open", transport: socket.transport.name, sid: socket.id });
  switch (scenario) {
    case "echo-polling":
    case "echo-websocket":
      socket.send("hello €");
      socket.send(Uint8Array.from([1, 2, 3, 255]));
      break;
    case "close-client":
      socket.once("upgrade", () => setTimeout(() => socket.close(), 10));
      break;
    case "close-server-polling":
    case "close-server-websocket":
      socket.send("close-me");
      break;
    case "ping-timeout":
      // Suppress pongs: the server must close the session.
      {
        const orig = socket._sendPacket.bind(socket);
        socket._sendPacket = (type, ...rest) => {
          if (type === "pong") return;
          return orig(type, ...rest);
        };
      }
      break;
    case "flood-polling":
      socket.send("flood");
      break;
  }
});

socket.on("upgrade", (transport) => {
  print({ event: "upgrade", transport: transport.name });
  if (scenario === "upgrade") {
    socket.send("after upgrade");
    socket.send(Uint8Array.from([9, 8, 7]));
  }
});

let received = 0;
socket.on("message", (data) => {
  received++;
  print({ event: "message", transport: socket.transport.name, ...show(data) });
  if ((scenario.startsWith("echo") || scenario === "upgrade") && received === 2) {
    socket.close();
  }
  if (scenario === "flood-polling" && received === 200) {
    socket.close();
  }
});

let pings = 0;
socket.on("ping", () => {
  pings++;
  if (scenario === "heartbeat" && pings === 3) {
    print({ event: "pings", count: pings, transport: socket.transport.name });
    socket.close();
  }
});

socket.on("close", (reason) => {
  print({ event: "close", reason });
  done();
});

socket.on("error", (err) => {
  print({ event: "error", message: String(err && err.message ? err.message : err) });
});
