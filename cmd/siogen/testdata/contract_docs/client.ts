import { io, type Socket } from "socket.io-client";
import { ChatNamespace, type ChatAuth, type ChatClientToServerEvents, type ChatServerToClientEvents } from "./want/chat";

const auth: ChatAuth = { token: "secret" };
const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io("https://example.com" + ChatNamespace, { auth });

socket.on("chat_message", (msg) => console.log(msg.text, msg.reply?.text));
socket.on("ask", (q, callback) => callback({ choice: (q.choices?.length ?? 1) - 1 }));

const status = await socket.emitWithAck("chat_message", { text: "hi", sent: new Date().toISOString() });
console.log(status.stored);
socket.emit("upload", "a.png", new Uint8Array([137, 80]));
