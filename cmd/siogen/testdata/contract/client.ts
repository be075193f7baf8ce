// client.ts uses the generated types as a socket.io-client application
// would: TestContractOutputs compiles it with tsc --noEmit.
import { io, type Socket } from "socket.io-client";
import {
  RoomNamespace,
  TeamNamespaceRegexp,
  type RoomAuth,
  type RoomClientToServerEvents,
  type RoomServerToClientEvents,
  type TeamClientToServerEvents,
  type TeamServerToClientEvents,
  type Tree,
} from "./want/contract";

const auth: RoomAuth = { token: "secret" };
const room: Socket<RoomServerToClientEvents, RoomClientToServerEvents> = io("http://localhost:8000" + RoomNamespace, { auth });

room.emit("send", { text: "hi", seq: "1", sent: new Date().toISOString(), reactions: null, id: "m1", labeled: { label: "" }, "-": "", Untouchable: "" }, (status) => {
  const ok: boolean = status.ok;
  void ok;
});
room.emit("move", 1, 2);
room.emit("move", 1, 2, null);
room.emit("move", 1, 2, 3);
room.emit("upload", "a.bin", new Uint8Array([1, 2, 3]), (size, sum) => {
  const n: number = size + sum[0];
  void n;
});
room.emit("upload", "b.bin", new ArrayBuffer(8), () => {});
room.emit("raw", { any: ["json"] }, 1, "high", "#ff8000");
const tree: Tree = { label: "root", children: [{ label: "leaf" }, null] };
room.emit("tree", tree, { items: [tree], next: null }, (t, blob) => {
  const label: string | undefined = t?.label;
  void label;
  void blob;
});
room.emit("tags", true);
room.emit("tags", false, "a", "b");
room.emit("untyped", (...args) => void args);
room.emit("odd name", true, "x");

async function requests(): Promise<void> {
  const status = await room.emitWithAck("send", { text: "x", seq: "2", sent: "", reactions: {}, id: "", labeled: { label: "" }, "-": "", Untouchable: "" });
  const ok: boolean = status.ok;
  void ok;
}
void requests;

room.on("chat_message", (msg) => {
  const text: string = msg.text;
  const author: string | undefined = msg.author?.name;
  void text, author;
});
room.on("user_joined", (name, count) => void (name.length + count));
room.on("user-left", (name) => void name.toUpperCase());
room.on("ask", (q, callback) => callback({ choice: q.text.length }));
room.on("ping", (callback) => callback());
room.on("file", (name, data, thumb) => void [name, data.byteLength, thumb?.byteLength]);
room.on("upload", (name, callback) => callback(new TextEncoder().encode(name)));
room.on("forest", (...trees) => void trees.map((t) => t?.label));

const team: Socket<TeamServerToClientEvents, TeamClientToServerEvents> = io("http://localhost:8000/team-1");
team.emit("ping", (name) => void name.toLowerCase());
void TeamNamespaceRegexp;
