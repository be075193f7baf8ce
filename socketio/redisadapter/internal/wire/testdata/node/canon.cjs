// canon.cjs turns a decoded message into plain JSON: Buffers and typed arrays
// become {"$bin": "<hex>"}, undefined becomes {"$undefined": true}, and object
// keys keep the order Node gives them.
"use strict";
function canon(v) {
  if (v === undefined) return { $undefined: true };
  if (v === null || typeof v !== "object") {
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    return v;
  }
  if (Buffer.isBuffer(v) || ArrayBuffer.isView(v)) return { $bin: Buffer.from(v).toString("hex") };
  if (Array.isArray(v)) return v.map(canon);
  const out = {};
  for (const k of Object.keys(v)) out[k] = canon(v[k]);
  return out;
}
module.exports = canon;
