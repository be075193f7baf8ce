// Sends typing with a string where the Go handler takes a bool.
import { io, type Socket } from "socket.io-client";
import type { ChatClientToServerEvents, ChatServerToClientEvents } from "../src/events.js";

const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io("http://127.0.0.1:8000");
socket.emit("typing", "lobby", "yes");
