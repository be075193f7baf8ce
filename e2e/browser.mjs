// browser.mjs — what the browser scripts (chat.mjs, admin.mjs) share:
// the system Chromium driven by playwright-core in a throw-away profile,
// a watchdog, and the exit status.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as pathJoin } from "node:path";

// CHROMIUM is the browser; the environment variable overrides it.
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// check throws when cond is false: the script's run fails with what.
export function check(cond, what) {
  if (!cond) throw new Error("check failed: " + what);
}

// withBrowser runs fn(context) in a headless Chromium of the given
// viewport, failing the script (exit status 1, the reason on stderr) when
// fn throws or the whole run outlasts seconds; then closes the browser and
// removes its profile.
export async function withBrowser(name, seconds, viewport, fn) {
  const userDataDir = mkdtempSync(pathJoin(tmpdir(), "sio-e2e-chromium-"));
  let context;
  const watchdog = setTimeout(() => {
    console.error(`${name}: did not finish within ${seconds} s`);
    process.exit(1);
  }, seconds * 1000);
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    await fn(context);
  } catch (err) {
    console.error(err && err.stack ? err.stack : String(err));
    process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    if (context) await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
