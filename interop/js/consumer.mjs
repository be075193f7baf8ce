// consumer.mjs URL TRANSPORT — drives examples/consumer's ChatConsumer (the
// /chat namespace) with socket.io-client and prints one line per observation,
// in a fixed order. TRANSPORT is polling, websocket or upgrade (polling, then
// upgraded to websocket).
import { io } from "socket.io-client";

const [url, mode] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: ["polling", "websocket"] }[mode];
if (!url || !transports) {
  console.error("usage: node consumer.mjs URL polling|websocket|upgrade");
  process.exit(2);
}

const sockets = [];
function connect(auth) {
  const s = io(url + "/chat", { transports, upgrade: mode === "upgrade", forceNew: true, reconnection: false, auth });
  sockets.push(s);
  return s;
}
const once = (s, ev) => new Promise((resolve) => s.once(ev, (...args) => resolve(args)));
const show = (v) => JSON.stringify(v);
const timeout = (ms, what) =>
  new Promise((_, reject) => setTimeout(() => reject(new Error("timeout: " + what)), ms).unref());

async function main() {
  // Connection: join the lobby, get the welcome message.
  const a = connect();
  const aWelcome = once(a, "system_message");
  await once(a, "connect");
  console.log("a system_message " + show((await aWelcome)[0]));
  const b = connect({ token: "t" });
  const bWelcome = once(b, "system_message");
  await once(b, "connect");
  console.log("b system_message " + show((await bWelcome)[0]));

  if (mode === "upgrade") {
    for (const [n, s] of [["a", a], ["b", b]]) {
      if (s.io.engine.transport.name !== "websocket") await once(s.io.engine, "upgrade");
      console.log(n + " upgraded " + s.io.engine.transport.name);
    }
  }

  // chat_message: broadcast to the lobby, sender included, and acknowledged.
  const aMsg = once(a, "chat_message");
  const bMsg = once(b, "chat_message");
  const ack = await a.timeout(5000).emitWithAck("chat_message", { text: "hi", room: "lobby" });
  console.log("a ack " + show(ack));
  console.log("a chat_message " + show((await aMsg)[0]));
  console.log("b chat_message " + show((await bMsg)[0]));

  // chat_message without an ack.
  const bMsg2 = once(b, "chat_message");
  a.emit("chat_message", { text: "no ack" });
  console.log("b chat_message " + show((await bMsg2)[0]));

  // update_state: per-connection state.
  console.log("a update_state " + show(await a.timeout(5000).emitWithAck("update_state", { score: 1 })));
  console.log("a update_state " + show(await a.timeout(5000).emitWithAck("update_state", [1, 2])));
  console.log("b update_state " + show(await b.timeout(5000).emitWithAck("update_state", "x")));

  // move: relayed to the rest of the lobby.
  const bMove = once(b, "move");
  a.emit("move", 1.5, -2);
  const [from, x, y] = await bMove;
  console.log("b move " + (from === a.id) + " " + x + " " + y);

  // A chat_message whose payload is not an object is not delivered and not
  // acknowledged; the connection stays up.
  try {
    await a.timeout(500).emitWithAck("chat_message", "not an object");
    console.log("a bad chat_message: acknowledged");
  } catch (err) {
    console.log("a bad chat_message: " + err.message);
  }
  console.log("a still connected " + a.connected);

  // Rejected connection: CONNECT_ERROR with message and data.
  const c = connect({ token: "forbidden" });
  const [err] = await Promise.race([once(c, "connect_error"), timeout(5000, "connect_error")]);
  console.log("c connect_error " + err.message + " " + show(err.data));
}

// Fail, rather than exit quietly, when the server never answers.
const watchdog = setTimeout(() => {
  console.error("consumer.mjs: scenario did not finish within 30 s");
  process.exit(1);
}, 30000);

main()
  .then(() => {
    clearTimeout(watchdog);
    for (const s of sockets) s.close();
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    for (const s of sockets) s.close();
    process.exit(1);
  });
