// A wrong argument type: tsc must reject it.
import { io, type Socket } from "socket.io-client";
import type { RoomClientToServerEvents, RoomServerToClientEvents } from "./want/contract";

const room: Socket<RoomServerToClientEvents, RoomClientToServerEvents> = io("http://localhost:8000/room");
room.emit("move", "1", 2);
