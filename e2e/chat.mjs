// chat.mjs URL OUTDIR — drives the sio chat example (examples/chat) in the
// system Chromium with playwright-core: two pages chat in one room, over a
// mix of transports, and the page's state is checked through its DOM.
// Prints one JSON line per run ({"run": ..., "checks": {...}}) and writes a
// screenshot of each page after the exchange to OUTDIR. Exits non-zero,
// with the reason on stderr, when a check fails.
import { mkdirSync } from "node:fs";
import { join as pathJoin } from "node:path";
import { check, withBrowser } from "./browser.mjs";

const [url, outdir] = process.argv.slice(2);
if (!url || !outdir) {
  console.error("usage: node chat.mjs URL OUTDIR");
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });

const STEP = 10_000; // bound on each wait

// Each run: two users, each page on a transport mode: "polling" and
// "websocket" force one, "upgrade" is the page's default (polling, then
// WebSocket).
const runs = [
  { name: "upgrade+polling", room: "room-a", a: "upgrade", b: "polling" },
  { name: "polling+websocket", room: "room-b", a: "polling", b: "websocket" },
];

function pageURL(user, mode) {
  const q = new URLSearchParams({ user });
  if (mode !== "upgrade") q.set("transport", mode);
  return `${url}/?${q}`;
}

async function open(context, user, mode) {
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[${user}] page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") console.error(`[${user}] console: ${msg.text()}`);
  });
  await page.goto(pageURL(user, mode));
  await page.waitForSelector('#state[data-state="connected"]', { timeout: STEP });
  const want = mode === "polling" ? "polling" : "websocket";
  // With "upgrade" the page starts on polling and upgrades.
  await page.waitForSelector(`#transport[data-transport="${want}"]`, { timeout: STEP });
  return page;
}

async function joinRoom(page, room) {
  await page.fill("#room", room);
  await page.click("#join");
  await page.waitForSelector(`#rooms li.current[data-room="${room}"]`, { timeout: STEP });
}

async function send(page, text) {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
  // The sender's own message comes back with the room broadcast, and the
  // acknowledgement marks it.
  const li = page.locator("#messages li.msg:not(.history)", { hasText: text }).last();
  await li.locator(".ack.ok").waitFor({ timeout: STEP });
  return {
    id: Number(await li.getAttribute("data-id")),
    ack: await li.locator(".ack").textContent(),
  };
}

// received lists the texts of the live "message" events a page got in room.
async function received(page, room) {
  return page.evaluate(
    (room) => window.chat.state.events.filter((e) => e.type === "message" && e.detail.room === room).map((e) => e.detail.text),
    room,
  );
}

async function scenario(context, run) {
  const checks = {};
  const a = await open(context, "alice", run.a);
  const b = await open(context, "bob", run.b);
  checks.transportA = await a.getAttribute("#transport", "data-transport");
  checks.transportB = await b.getAttribute("#transport", "data-transport");

  // Both join; alice sees bob arrive.
  await joinRoom(a, run.room);
  await joinRoom(b, run.room);
  await a.locator("#messages li.system", { hasText: "bob joined" }).waitFor({ timeout: STEP });
  checks.joinNotice = true;

  // Typing shows on the other page, and stops when alice sends.
  await a.fill("#text", "hell"); // an input event
  await b.locator("#typing", { hasText: "alice is typing" }).waitFor({ timeout: STEP });
  checks.typingShown = await b.textContent("#typing");
  await b.screenshot({ path: pathJoin(outdir, `${run.name}-bob-typing.png`) });

  // alice sends; bob sees it, alice sees the acknowledgement.
  const first = await send(a, "hello from alice");
  checks.ackA = first.ack;
  check(first.ack === "✓ acked #" + first.id, "ack label names the message id: " + first.ack);
  const onB = b.locator(`#messages li.msg[data-id="${first.id}"]`);
  await onB.waitFor({ timeout: STEP });
  checks.seenByB = (await onB.locator(".user").textContent()) + ": " + (await onB.locator(".text").textContent());
  check(checks.seenByB === "alice: hello from alice", "bob's copy: " + checks.seenByB);
  await b.waitForFunction(() => document.querySelector("#typing").textContent === "", null, { timeout: STEP });
  checks.typingCleared = true;

  // bob answers; alice sees it.
  const second = await send(b, "hi alice, bob here");
  await a.locator(`#messages li.msg[data-id="${second.id}"]`).waitFor({ timeout: STEP });
  checks.seenByA = true;

  await a.screenshot({ path: pathJoin(outdir, `${run.name}-alice.png`) });
  await b.screenshot({ path: pathJoin(outdir, `${run.name}-bob.png`) });

  // bob leaves: alice sees it, and her next message is not delivered to him.
  await b.click(`#rooms li[data-room="${run.room}"] .leave`);
  await b.waitForSelector(`#rooms li[data-room="${run.room}"]`, { state: "detached", timeout: STEP });
  await a.locator("#messages li.system", { hasText: "bob left" }).waitFor({ timeout: STEP });
  const third = await send(a, "after bob left");
  // bob joins again: the server writes "joined" to him after it broadcast
  // alice's message, so had he still been in the room, he would have got it
  // before this returns.
  await joinRoom(b, run.room);
  const live = await received(b, run.room);
  checks.liveAtB = live;
  check(!live.includes("after bob left"), "bob got a message sent after he left: " + JSON.stringify(live));
  check(live.includes("hello from alice"), "bob's live messages: " + JSON.stringify(live));
  // ...but the history he gets on joining has it.
  checks.historyAtB = await b.locator("#messages li.msg.history .text").allTextContents();
  check(checks.historyAtB.includes("after bob left"), "history: " + JSON.stringify(checks.historyAtB));
  check(third.id > second.id && second.id > first.id, "ids increase");

  // Sending to a room after leaving it is refused with {ok:false, error}.
  const refused = await b.evaluate(async (room) => {
    await window.chat.socket.timeout(5000).emitWithAck("leave", room);
    return window.chat.socket.timeout(5000).emitWithAck("message", room, "not a member");
  }, run.room);
  checks.refused = refused;
  check(refused.ok === false && /not in this room/.test(refused.error), "refusal: " + JSON.stringify(refused));

  // A client-side disconnect shows its reason.
  await b.click("#disconnect");
  await b.waitForSelector('#state[data-state="disconnected"]', { timeout: STEP });
  checks.disconnectState = await b.textContent("#state");
  check(checks.disconnectState === "disconnected (io client disconnect)", "state: " + checks.disconnectState);
  await b.screenshot({ path: pathJoin(outdir, `${run.name}-bob-disconnected.png`) });
  await a.close();
  await b.close();
  return checks;
}

await withBrowser("chat.mjs", 90, { width: 1000, height: 640 }, async (context) => {
  for (const run of runs) {
    const checks = await scenario(context, run);
    console.log(JSON.stringify({ run: run.name, a: run.a, b: run.b, checks }));
  }
});
