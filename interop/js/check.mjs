// Helpers shared by the interop scripts: running the scenarios, waiting for
// an event with a deadline, and assertions that throw with what was seen.

// onceWithin resolves with the arguments of the next ev event of em, or
// rejects after ms milliseconds.
export function onceWithin(em, ev, ms) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout waiting for " + ev)), ms);
    em.once(ev, (...args) => {
      clearTimeout(t);
      resolve(args);
    });
  });
}

export function assert(cond, msg) {
  if (!cond) throw new Error("assertion failed: " + msg);
}

// same compares two JSON values.
export const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export function eq(got, want, what) {
  assert(same(got, want), `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// runScenarios runs each scenario (all, or those named in $SCENARIOS) and
// prints one JSON line per scenario, {"scenario", "ok", "detail"|"error"},
// as the Go side's checkScenarios reads them; cleanup runs after each. It
// ends the process once the polling transports had time to send their
// close packets.
export async function runScenarios(scenarios, cleanup) {
  const only = process.env.SCENARIOS ? process.env.SCENARIOS.split(",") : null;
  for (const [name, fn] of Object.entries(scenarios)) {
    if (only && !only.includes(name)) continue;
    try {
      const detail = await fn();
      console.log(JSON.stringify({ scenario: name, ok: true, detail }));
    } catch (e) {
      console.log(JSON.stringify({ scenario: name, ok: false, error: String((e && e.stack) || e) }));
    }
    cleanup();
  }
  await new Promise((r) => setTimeout(r, 200));
  process.exit(0);
}
