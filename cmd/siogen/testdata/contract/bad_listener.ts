// A listener taking a server event's argument with a wrong type, an
// unknown event, and an acknowledgement with a wrong type: tsc must reject
// them.
import { io, type Socket } from "socket.io-client";
import type { RoomClientToServerEvents, RoomServerToClientEvents } from "./want/contract";

const room: Socket<RoomServerToClientEvents, RoomClientToServerEvents> = io("http://localhost:8000/room");
room.on("user_joined", (name: string, count: string) => void [name, count]);
room.emit("no_such_event");
room.on("ask", (q, callback) => callback({ choice: "first" }));
