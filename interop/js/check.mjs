// Helpers shared by the interop scripts: waiting for an event with a
// deadline, and assertions that throw with what was seen.

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
