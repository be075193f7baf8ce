// Listens to message with a handler that takes the message as a string:
// the Go server sends a Message object.
import { io, type Socket } from "socket.io-client";
import type { ChatClientToServerEvents, ChatServerToClientEvents } from "../src/events.js";

const socket: Socket<ChatServerToClientEvents, ChatClientToServerEvents> = io("http://127.0.0.1:8000");
socket.on("message", (room: string, text: string) => console.log(room, text.toUpperCase()));
