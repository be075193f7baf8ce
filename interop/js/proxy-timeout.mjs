// proxy-timeout.mjs URL MS — connects one socket.io-client over each
// transport mode through a proxy (URL) and waits MS milliseconds for it to
// disconnect. Prints one JSON line per mode: {"mode", "reason"}, the
// disconnect's reason, or null when the client was still connected.
import { io } from "socket.io-client";
import { onceWithin } from "./check.mjs";

const [url, ms] = process.argv.slice(2);
if (!url || !ms) {
  console.error("usage: node proxy-timeout.mjs URL MS");
  process.exit(2);
}
const modes = { polling: ["polling"], websocket: ["websocket"] };

await Promise.all(
  Object.entries(modes).map(async ([mode, transports]) => {
    const s = io(url, { transports, forceNew: true, reconnection: false });
    await onceWithin(s, "connect", 5000);
    let reason = null;
    try {
      [reason] = await onceWithin(s, "disconnect", Number(ms));
    } catch {
      // still connected after ms
    }
    s.disconnect();
    console.log(JSON.stringify({ mode, reason }));
  }),
);
setTimeout(() => process.exit(0), 100);
