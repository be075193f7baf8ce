// client.ts sends a message of each package.
import { io, type Socket } from "socket.io-client";
import {
  RelayNamespace,
  type GuildClientToServerEvents,
  type GuildServerToClientEvents,
  type RelayAuth,
  type RelayClientToServerEvents,
  type RelayServerToClientEvents,
} from "./want/contract";

const auth: RelayAuth = { key: "k" };
const relay: Socket<RelayServerToClientEvents, RelayClientToServerEvents> = io("http://localhost:8000" + RelayNamespace, { auth });
relay.emit("relay", { text: "mine" }, { body: "theirs" }, { n: 1 });

const guild: Socket<GuildServerToClientEvents, GuildClientToServerEvents> = io("http://localhost:8000/guild-red");
guild.emit("hello");
guild.emit("hello", "me");
