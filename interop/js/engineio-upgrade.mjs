// Upgrade timing scenario for the Go Engine.IO server, driven by
// interop/engineio_test.go. Usage: node js/engineio-upgrade.mjs <url> <clients>
// Every client does what a socket.io-client does on connecting: it sends a
// message as soon as it is open (over polling, while its upgrade to
// WebSocket starts), and another one ("the event") when the first is
// echoed; it counts the noop packets received before the second echo (its
// "first reply"). Prints {"event":"early","count":M} where M is how many clients saw a noop before their echo (0 with Node's
// engine.io, which keeps delivering over polling during the probe).
import { Socket } from "engine.io-client";

const [url, n] = process.argv.slice(2);
const total = Number(n);
const print = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const failTimer = setTimeout(() => {
  print({ event: "timeout" });
  process.exit(1);
}, 20000);

let finished = 0;
let noopFirst = 0;
for (let i = 0; i < total; i++) {
  const socket = new Socket(url, { path: "/engine.io/" });
  let noops = 0;
  let echoes = 0;
  let replied = false;
  socket.on("packet", (p) => {
    if (p.type === "noop" && !replied) noops++;
  });
  socket.on("open", () => socket.send("connect"));
  socket.on("error", (err) => {
    print({ event: "error", message: String(err && err.message ? err.message : err) });
  });
  const end = () => {
    socket.close();
    if (++finished === total) {
      clearTimeout(failTimer);
      print({ event: "early", count: noopFirst });
      setTimeout(() => process.exit(0), 10);
    }
  };
  socket.on("message", () => {
    if (++echoes === 1) {
      socket.send("event");
      return;
    }
    if (replied) return;
    replied = true;
    if (noops > 0) noopFirst++;
    // Close once upgraded, so that every upgrade completes.
    if (socket.transport.name === "websocket") end();
    else socket.once("upgrade", end);
  });
}
