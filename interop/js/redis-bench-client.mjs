// redis-bench-client.mjs URL TRIGGER_URL CLIENTS EVENTS ROUNDS — the client
// side of redis_bench_test.go's BenchmarkRedisCrossNode. It connects CLIENTS
// socket.io-client 4.8.4 clients (websocket transport) to URL (server B),
// warms the cluster up, then plays ROUNDS rounds: each one GETs
// TRIGGER_URL?n=EVENTS, which makes server A broadcast "tick" 0..EVENTS-1
// to every client through Redis, and waits until every client got all
// EVENTS ticks, in order. For each round it prints one JSON line
// {"round":r,"deliveries":EVENTS*CLIENTS,"ms":elapsed}, timed from just
// before the trigger request to the last delivery. It exits non-zero on a
// missing, duplicate or out-of-order tick, or a disconnect.
import { io } from "socket.io-client";

const [url, trigger, nClients, nEvents, nRounds] = process.argv.slice(2);
const C = Number(nClients);
const M = Number(nEvents);
const R = Number(nRounds);
if (!url || !trigger || !(C > 0) || !(M > 0) || !(R > 0)) {
  console.error("usage: node redis-bench-client.mjs URL TRIGGER_URL CLIENTS EVENTS ROUNDS");
  process.exit(2);
}

const WAIT = 20000;

function fail(msg) {
  console.error(msg);
  process.exit(1);
}

function connect() {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
    const t = setTimeout(() => reject(new Error("connect timeout")), WAIT);
    s.once("connect", () => {
      clearTimeout(t);
      resolve(s);
    });
    s.once("connect_error", (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

const clients = await Promise.all(Array.from({ length: C }, connect));

// Per round, each client expects ticks 0..M-1 in order; done counts the
// clients that have all of them.
let next = new Array(C).fill(0);
let done = 0;
let finish = null;
let closing = false;
clients.forEach((s, i) => {
  s.on("disconnect", (reason) => {
    if (!closing) fail(`client ${i} disconnected: ${reason}`);
  });
  s.on("tick", (n) => {
    if (n !== next[i]) fail(`client ${i}: got tick ${n}, want ${next[i]}`);
    next[i]++;
    if (next[i] === M) {
      done++;
      if (done === C && finish) finish();
    }
  });
});

async function get(u) {
  const res = await fetch(u);
  if (!res.ok) fail(`GET ${u}: ${res.status} ${await res.text()}`);
  await res.text();
}

// Warm-up: the Redis subscriptions of both servers are set up
// asynchronously, so broadcast "warm" from server A until every client has
// one.
{
  const warm = new Set();
  clients.forEach((s, i) => s.on("warm", () => warm.add(i)));
  const deadline = Date.now() + WAIT;
  while (warm.size < C) {
    if (Date.now() > deadline) fail(`warm-up: ${warm.size}/${C} clients reached`);
    await get(`${trigger}?warm=1`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Let in-flight warm-up broadcasts land before timing.
  await new Promise((r) => setTimeout(r, 200));
}

for (let r = 0; r < R; r++) {
  next = new Array(C).fill(0);
  done = 0;
  const all = new Promise((resolve) => (finish = resolve));
  const timer = setTimeout(() => fail(`round ${r}: timeout, ${next.reduce((a, b) => a + b, 0)}/${M * C} deliveries`), WAIT);
  const start = process.hrtime.bigint();
  await get(`${trigger}?n=${M}`);
  await all;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  clearTimeout(timer);
  finish = null;
  console.log(JSON.stringify({ round: r, deliveries: M * C, ms }));
}

closing = true;
clients.forEach((s) => s.disconnect());
process.exit(0);
