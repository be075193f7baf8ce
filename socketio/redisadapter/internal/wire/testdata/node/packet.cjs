// packet.cjs reads hex-encoded broadcast messages ([uid, packet, opts] in
// msgpack), one per line on stdin, and prints for each what a Node server
// sends its clients for it: the packet notepack.io decodes, encoded by
// socket.io-parser, as one JSON line {"text": "...", "bins": ["<hex>", ...]}.
"use strict";
const path = require("path");
const { createRequire } = require("module");
const req = createRequire(path.resolve(__dirname, "../../../../../../interop/package.json"));
const msgpack = req("notepack.io");
const { Encoder } = req("socket.io-parser");

const encoder = new Encoder();
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  for (const line of input.split("\n")) {
    if (!line) continue;
    const [, packet] = msgpack.decode(Buffer.from(line, "hex"));
    const [text, ...bins] = encoder.encode(packet);
    process.stdout.write(JSON.stringify({ text, bins: bins.map((b) => Buffer.from(b).toString("hex")) }) + "\n");
  }
});
