// gen.cjs records golden wire vectors from the real @socket.io/redis-adapter
// (the version pinned in interop/package.json). It drives a real socket.io
// Server whose namespaces use the real RedisAdapter over fake Redis clients
// that only capture PUBLISH calls, then prints one JSON document:
//
//   [{"name", "channel", "format": "json"|"msgpack", "hex", "value"}, ...]
//
// "value" is the message as Node decodes it, in canonical form (Buffers as
// {"$bin": "<hex>"}, undefined as {"$undefined": true}). Regenerate with
//
//   node socketio/redisadapter/internal/wire/testdata/node/gen.cjs > socketio/redisadapter/internal/wire/testdata/vectors.json
"use strict";
const path = require("path");
const { createRequire } = require("module");
const req = createRequire(path.resolve(__dirname, "../../../../../../interop/package.json"));
const canon = require("./canon.cjs");

// Deterministic ids: replace uid2 before the adapter loads it.
const uidPath = req.resolve("uid2", { paths: [path.dirname(req.resolve("@socket.io/redis-adapter"))] });
let uidCounter = 0;
require.cache[uidPath] = { id: uidPath, filename: uidPath, loaded: true, exports: (n) => ("r" + String(uidCounter++).padStart(n - 1, "0")).slice(0, n) };
req(uidPath); // no-op: served from cache

const { Server } = req("socket.io");
const { createAdapter } = req("@socket.io/redis-adapter");
const msgpack = req("notepack.io");

const published = [];
function fakeClient(numsub) {
  return {
    // node-redis v4 surface used by the adapter
    pSubscribe() {}, subscribe() {}, pUnsubscribe() {}, unsubscribe() {}, sSubscribe() {},
    on() {}, off() {},
    publish(channel, msg) { published.push({ channel, msg }); return Promise.resolve(1); },
    sendCommand(args) { return Promise.resolve([args[2], numsub]); },
  };
}

const vectors = [];
function take(name) {
  if (published.length !== 1) throw new Error(`${name}: ${published.length} messages published`);
  const { channel, msg } = published.pop();
  const buf = Buffer.isBuffer(msg) ? msg : Buffer.from(msg);
  const format = buf[0] === 0x7b ? "json" : "msgpack";
  const value = format === "json" ? JSON.parse(buf.toString()) : msgpack.decode(buf);
  vectors.push({ name, channel, format, hex: buf.toString("hex"), value: canon(value) });
}

function fakeSocket(nsp, id, rooms, extra) {
  const s = {
    id, rooms: new Set(rooms), acks: new Map(), data: extra.data,
    handshake: extra.handshake,
    client: { writeToEngine() {} },
    join(r) { for (const x of [].concat(r)) { s.rooms.add(x); nsp.adapter.addAll(id, new Set([x])); } },
    leave(r) { s.rooms.delete(r); nsp.adapter.del(id, r); },
    disconnect() {},
  };
  nsp.sockets.set(id, s);
  nsp.adapter.addAll(id, new Set(rooms));
  return s;
}

async function main() {
  const io = new Server();
  io.adapter(createAdapter(fakeClient(2), fakeClient(2), { requestsTimeout: 20 }));
  const root = io.of("/");
  const chat = io.of("/chat");
  root.adapter.uid = "NodeA1";
  chat.adapter.uid = "NodeA1";
  const ra = root.adapter;

  // --- broadcasts (msgpack array [uid, packet, opts]) ---
  io.emit("hello", "world");
  take("broadcast_all");
  io.to("room1").emit("msg", 1, -1, 127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129, -32768, -32769, 4294967295, 4294967296, -2147483649, 1.5, -0.25, true, false, null);
  take("broadcast_one_room_numbers");
  io.to("room1").to("room2").except("room3").except("sid-x").emit("two", { a: 1, b: [1, 2, { c: "d" }] });
  take("broadcast_rooms_except");
  io.except("room3").volatile.compress(false).emit("flags");
  take("broadcast_flags");
  io.emit("bin", Buffer.from([1, 2, 3]), { buf: Buffer.alloc(300, 7), text: "x".repeat(31) }, new Uint8Array([9, 8]));
  take("broadcast_binary");
  io.emit("strings", "", "x".repeat(32), "y".repeat(255), "z".repeat(256), "é€😀", "x".repeat(65536));
  take("broadcast_strings");
  chat.to("lobby").emit("chat message", { user: "ann", text: "hi" });
  take("broadcast_namespace");
  io.emit("order", { zeta: 1, alpha: 2, "10": 3, "2": 4 });
  take("broadcast_key_order");
  io.emit("many", ...Array.from({ length: 17 }, (_, i) => i));
  take("broadcast_array16");
  io.emit("undefined", undefined, { gone: undefined, kept: 1 });
  take("broadcast_undefined");
  io.local.emit("local-only");
  if (published.length !== 0) throw new Error("local broadcast was published");

  // --- broadcast with ack (msgpack request) ---
  io.timeout(1000).to("room1").emit("ask", "q", Buffer.from("hi"), () => {});
  await new Promise((r) => setImmediate(r));
  take("request_broadcast_ack");

  // --- JSON requests ---
  io.socketsJoin("room9");
  take("request_remote_join");
  io.in("room1").except("room2").socketsLeave(["room9", "room8"]);
  take("request_remote_leave");
  io.in("room1").disconnectSockets(true);
  take("request_remote_disconnect");
  io.disconnectSockets();
  take("request_remote_disconnect_noclose");
  io.serverSideEmit("ping", 1, { a: "b" });
  take("request_server_side_emit");
  io.serverSideEmit("ping-ack", "x", () => {});
  await new Promise((r) => setTimeout(r, 1));
  take("request_server_side_emit_ack");
  io.in("room1").fetchSockets().catch(() => {});
  await new Promise((r) => setTimeout(r, 1));
  take("request_remote_fetch");
  ra.allRooms().catch(() => {});
  await new Promise((r) => setTimeout(r, 1));
  take("request_all_rooms");

  // --- responses: feed requests from a remote node "NodeB2" into the adapter ---
  const handshake = {
    headers: { host: "127.0.0.1:3000", "user-agent": "node", "x-multi": ["a", "b"] },
    time: "Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)",
    address: "127.0.0.1", xdomain: false, secure: false, issued: 1767225600000,
    url: "/socket.io/?EIO=4&transport=websocket", query: { EIO: "4", transport: "websocket" },
    auth: { token: "abc" },
  };
  const s1 = fakeSocket(root, "sock1", ["sock1", "room1"], { handshake, data: { user: "ann", n: 3 } });
  fakeSocket(root, "sock2", ["sock2"], { handshake: Object.assign({}, handshake, { auth: {} }), data: undefined });
  const reqCh = ra.requestChannel;
  const feed = async (obj, asMsgpack) => ra.onrequest(reqCh, asMsgpack ? msgpack.encode(obj) : Buffer.from(JSON.stringify(obj)));

  await feed({ uid: "NodeB2", requestId: "b00001", type: 5, opts: { rooms: ["room1"], except: [] } });
  take("response_remote_fetch");
  await feed({ uid: "NodeB2", requestId: "b00011", type: 5, opts: { rooms: [], except: ["room1"] } });
  take("response_remote_fetch_no_data");
  await feed({ uid: "NodeB2", requestId: "b00002", type: 1 });
  take("response_all_rooms");
  await feed({ uid: "NodeB2", requestId: "b00003", type: 0, rooms: ["room1"] });
  take("response_sockets");
  await feed({ uid: "NodeB2", requestId: "b00004", type: 2, sid: "sock2", room: "room5" });
  take("response_remote_join_sid");
  root.on("ping-ack", (arg, cb) => cb({ pong: arg }));
  await feed({ uid: "NodeB2", requestId: "b00005", type: 6, data: ["ping-ack", 42] });
  take("response_server_side_emit");
  await feed({ uid: "NodeB2", requestId: "b00006", type: 7, packet: { type: 2, data: ["ask", 1], nsp: "/" }, opts: { rooms: ["room1"], except: [] } }, true);
  take("response_broadcast_client_count");
  const ackFn = [...s1.acks.values()][0];
  ackFn({ ok: true, buf: Buffer.from([0xde, 0xad]) });
  take("response_broadcast_ack");
  s1.acks.clear();
  await feed({ uid: "NodeB2", requestId: "b00007", type: 7, packet: { type: 2, data: ["ask", 2], nsp: "/" }, opts: { rooms: ["room1"], except: [] } }, true);
  take("response_broadcast_client_count_2");
  [...s1.acks.values()][0]();
  take("response_broadcast_ack_undefined");

  process.stdout.write(JSON.stringify(vectors, null, 1) + "\n");
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
