// decode.cjs reads hex-encoded adapter messages, one per line on stdin, and
// prints each as Node's adapter decodes it (JSON when it starts with '{',
// notepack.io msgpack otherwise), in the canonical form of canon.cjs.
"use strict";
const path = require("path");
const { createRequire } = require("module");
const req = createRequire(path.resolve(__dirname, "../../../../../../interop/package.json"));
const msgpack = req("notepack.io");
const canon = require("./canon.cjs");

let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  for (const line of input.split("\n")) {
    if (!line) continue;
    const buf = Buffer.from(line, "hex");
    const v = buf[0] === 0x7b ? JSON.parse(buf.toString()) : msgpack.decode(buf);
    process.stdout.write(JSON.stringify(canon(v)) + "\n");
  }
});
