// Takes a message's acknowledgement for a bare id: it is a Result.
import { io, type Socket } from "socket.io-client";
import type { ChatClientToServerEvents, ChatServerToClientEvents } from "../src/events.js";

const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io("http://127.0.0.1:8000");
export const id: Promise<number> = socket.emitWithAck("message", "lobby", "hello");
