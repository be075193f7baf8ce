// Records the JSON of the handshake object of Node's socket.io server
// (socket.handshake, which applications send to clients) for a polling
// handshake with a repeated query parameter and an auth payload, into
// handshake_node.json, which TestHandshakeJSONMatchesNode compares with
// Handshake's JSON. Run from the repository root after `make deps`:
//
//	node socketio/testdata/node/handshake.mjs
import { createRequire } from "node:module";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../../interop/package.json"));
const { Server } = require("socket.io");

const httpServer = http.createServer();
const io = new Server(httpServer);
const got = new Promise((resolve) => io.on("connection", (s) => resolve(s.handshake)));
await new Promise((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${httpServer.address().port}/socket.io/?EIO=4&transport=polling`;
const headers = { Origin: "http://example.com", Cookie: "a=1", "X-Multi": "one" };
const open = await fetch(`${base}&t=abc&a=b&list=x&list=y&empty=`, { headers });
const sid = JSON.parse((await open.text()).slice(1)).sid;
await fetch(`${base}&sid=${sid}`, { method: "POST", headers, body: '40{"token":"t"}' });
const handshake = await got;
fs.writeFileSync(path.join(here, "handshake_node.json"), JSON.stringify(handshake, null, 2) + "\n");
io.close();
httpServer.close();
