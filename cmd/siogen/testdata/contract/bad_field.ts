// A field of a wrong type, and a missing one: tsc must reject them.
import { io, type Socket } from "socket.io-client";
import type { RoomClientToServerEvents, RoomServerToClientEvents } from "./want/contract";

const room: Socket<RoomServerToClientEvents, RoomClientToServerEvents> = io("http://localhost:8000/room");
room.emit("send", { text: "hi", seq: 1, sent: "", reactions: null, id: "", labeled: { label: "" }, "-": "", Untouchable: "" }, () => {});
