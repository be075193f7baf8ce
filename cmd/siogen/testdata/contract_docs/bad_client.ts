import { io, type Socket } from "socket.io-client";
import type { ChatClientToServerEvents, ChatServerToClientEvents } from "./want/chat";

const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io("https://example.com/chat");
socket.emit("chat_message", { text: 42, sent: "" }, () => {});
