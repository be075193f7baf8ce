// client.ts sends a message of each package.
import { io, type Socket } from "socket.io-client";
import { RelayNamespace, type RelayAuth, type RelayClientToServerEvents, type RelayServerToClientEvents } from "./want/contract";

const auth: RelayAuth = { key: "k" };
const relay: Socket<RelayServerToClientEvents, RelayClientToServerEvents> = io("http://localhost:8000" + RelayNamespace, { auth });
relay.emit("relay", { text: "mine" }, { body: "theirs" }, { n: 1 });
