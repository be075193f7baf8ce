// A client that uses every event of the chat as the Go consumer declares
// them: it must compile.
import { io, type Socket } from "socket.io-client";
import { ChatNamespace, type ChatAuth, type ChatClientToServerEvents, type ChatServerToClientEvents, type Message } from "../src/events.js";

const auth: ChatAuth = { username: "ada" };
const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io("http://127.0.0.1:8000" + ChatNamespace, { auth });

socket.on("joined", (room: string, history: Message[] | null) => console.log(room, history?.length ?? 0));
socket.on("user-joined", (room, user) => console.log(room, user));
socket.on("user-left", (room, user) => console.log(room, user));
socket.on("message", (room, msg) => console.log(room, msg.id + 1, msg.user, msg.text, new Date(msg.time)));
socket.on("typing", (room, user, isTyping) => console.log(room, user, isTyping ? "typing" : "stopped"));

export async function chat(): Promise<number | undefined> {
  const joined = await socket.emitWithAck("join", "lobby", "ada");
  await socket.emitWithAck("join", "lobby", null);
  if (!joined.ok) throw new Error(joined.error);
  socket.emit("typing", "lobby", true);
  const sent = await socket.emitWithAck("message", "lobby", "hello");
  socket.emit("message", "lobby", "no ack wanted", () => {});
  await socket.emitWithAck("leave", "lobby");
  return sent.id;
}
