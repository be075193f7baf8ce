// admin.mjs URL OUTDIR USER PASSWORD SERVERID — drives the official Admin
// UI (@socket.io/admin-ui's ui/dist, served by the chat at URL/admin-ui/)
// against the sio chat example in the system Chromium with
// playwright-core: two chat pages join a room, the UI logs in to the
// chat's /admin namespace, and its Servers, Sockets and Rooms pages must
// show the chat's server, sockets and room; a disconnect from the UI must
// disconnect the chat page. Prints one JSON line of checks, writes
// screenshots to OUTDIR, exits non-zero with the reason on stderr when a
// check fails.
import { mkdirSync } from "node:fs";
import { join as pathJoin } from "node:path";
import { check, withBrowser } from "./browser.mjs";

const [url, outdir, user, password, serverId] = process.argv.slice(2);
if (!url || !outdir || !user || !password || !serverId) {
  console.error("usage: node admin.mjs URL OUTDIR USER PASSWORD SERVERID");
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });

const STEP = 15_000; // bound on each wait
const ROOM = "ops-room";

function watch(page, who) {
  page.on("pageerror", (err) => console.error(`[${who}] page error: ${err.message}`));
  page.on("console", (msg) => {
    // The UI's page loads its web fonts from a CDN, which a machine
    // without Internet access cannot resolve; the icons' elements are
    // there all the same.
    if (msg.type() === "error" && !msg.text().includes("ERR_NAME_NOT_RESOLVED")) {
      console.error(`[${who}] console: ${msg.text()}`);
    }
  });
}

// chatPage opens the chat as user on transport mode ("upgrade" is the
// page's default), joins ROOM, and returns the page and its socket id.
async function chatPage(context, name, mode) {
  const page = await context.newPage();
  watch(page, name);
  const q = new URLSearchParams({ user: name });
  if (mode !== "upgrade") q.set("transport", mode);
  await page.goto(`${url}/?${q}`);
  await page.waitForSelector('#state[data-state="connected"]', { timeout: STEP });
  await page.fill("#room", ROOM);
  await page.click("#join");
  await page.waitForSelector(`#rooms li.current[data-room="${ROOM}"]`, { timeout: STEP });
  const id = await page.evaluate(() => window.chat.socket.id);
  return { page, id };
}

// show navigates the UI to a route of its hash router. The short pause
// lets the page's fade-in end, so that screenshots are not half
// transparent; the checks wait for their elements.
async function show(ui, route) {
  await ui.evaluate((route) => {
    location.hash = route;
  }, route);
  await ui.waitForTimeout(500);
}

async function scenario(context) {
  const checks = {};
  const alice = await chatPage(context, "alice", "upgrade");
  const bob = await chatPage(context, "bob", "polling");

  const ui = await context.newPage();
  watch(ui, "admin-ui");
  await ui.goto(`${url}/admin-ui/`);
  // The connection modal: server URL, user name, password.
  await ui.getByLabel("Server URL").fill(url);
  await ui.getByLabel("Username").fill(user);
  await ui.getByLabel("Password").fill(password);
  await ui.screenshot({ path: pathJoin(outdir, "login.png") });
  await ui.getByRole("button", { name: "Connect" }).click();
  await ui.getByLabel("Server URL").waitFor({ state: "hidden", timeout: STEP });
  checks.loggedIn = true;

  // Dashboard, after a server_stats or two (every 2 s).
  await ui.waitForTimeout(2500);
  await ui.screenshot({ path: pathJoin(outdir, "dashboard.png") });

  // Servers: the chat's server, by its id.
  await show(ui, "/servers/");
  await ui.getByText(serverId).first().waitFor({ timeout: STEP });
  checks.server = serverId;
  await ui.screenshot({ path: pathJoin(outdir, "servers.png") });

  // Sockets of "/": alice's and bob's.
  await show(ui, "/sockets/");
  await ui.getByText(alice.id).first().waitFor({ timeout: STEP });
  await ui.getByText(bob.id).first().waitFor({ timeout: STEP });
  checks.sockets = [alice.id, bob.id];
  await ui.screenshot({ path: pathJoin(outdir, "sockets.png") });

  // Rooms: the room they joined.
  await show(ui, "/rooms/");
  await ui.getByText(ROOM, { exact: true }).first().waitFor({ timeout: STEP });
  checks.room = ROOM;
  await ui.screenshot({ path: pathJoin(outdir, "rooms.png") });

  // alice's socket: disconnect it from the UI.
  await show(ui, `/n/${encodeURIComponent("/")}/sockets/${alice.id}`);
  await ui.getByText(alice.id).first().waitFor({ timeout: STEP });
  await ui.screenshot({ path: pathJoin(outdir, "socket.png") });
  await ui.locator("button.ml-3:has(i.mdi-logout)").click();
  await alice.page.waitForSelector('#state[data-state="disconnected"]', { timeout: STEP });
  checks.aliceState = await alice.page.textContent("#state");
  await alice.page.screenshot({ path: pathJoin(outdir, "alice-disconnected.png") });
  // The UI drops her socket (socket_disconnected); bob stays.
  await show(ui, "/sockets/");
  await ui.getByText(bob.id).first().waitFor({ timeout: STEP });
  await ui.locator("td.text-start", { hasText: alice.id }).waitFor({ state: "detached", timeout: STEP });
  checks.bobState = await bob.page.getAttribute("#state", "data-state");
  await ui.screenshot({ path: pathJoin(outdir, "sockets-after-disconnect.png") });

  // A reload logs in again with the session id the server gave.
  await ui.reload();
  await show(ui, "/servers/");
  await ui.getByText(serverId).first().waitFor({ timeout: STEP });
  checks.sessionLogin = (await ui.getByLabel("Password").count()) === 0 || !(await ui.getByLabel("Password").isVisible());
  await ui.screenshot({ path: pathJoin(outdir, "servers-after-reload.png") });

  await ui.close();
  await alice.page.close();
  await bob.page.close();
  return checks;
}

await withBrowser("admin.mjs", 100, { width: 1280, height: 800 }, async (context) => {
  console.log(JSON.stringify(await scenario(context)));
});
