package engineio

import (
	"mime"
	"net/http"
	"runtime/debug"
	"strings"
)

// Response headers: the application's hooks (Options.InitialHeaders and
// Options.Headers, Node's "initial_headers" and "headers" events), the
// X-Content-Type-Options header, and the Content-Type a POST may carry.

// responseHeaders adds the headers of the application's hooks to h, the
// headers of a response that is about to be written for r: a polling
// response (GET or POST answered 200) or a WebSocket upgrade (101). As in
// Node.js, InitialHeaders runs first for a handshake (a request without
// sid), then Headers for every such response. A panicking hook is recovered
// and logged; the headers it set stay.
func (c *config) responseHeaders(h http.Header, r *http.Request) {
	if c.initialHeaders == nil && c.headers == nil {
		return
	}
	if c.initialHeaders != nil && first(r.URL.Query()["sid"]) == "" {
		c.callHeaderHook("InitialHeaders", c.initialHeaders, h, r)
	}
	if c.headers != nil {
		c.callHeaderHook("Headers", c.headers, h, r)
	}
}

// upgradeHeaders returns the headers of a WebSocket upgrade response for
// r: hdr (nil or the session cookie of a handshake) with those of the
// hooks added.
func (c *config) upgradeHeaders(hdr http.Header, r *http.Request) http.Header {
	if c.initialHeaders == nil && c.headers == nil {
		return hdr
	}
	if hdr == nil {
		hdr = http.Header{}
	}
	c.responseHeaders(hdr, r)
	return hdr
}

// callHeaderHook calls fn, recovering and logging a panic.
func (c *config) callHeaderHook(name string, fn func(http.Header, *http.Request), h http.Header, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("engineio: header hook panicked", "hook", name, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	fn(h, r)
}

// setNoSniff marks a response as not to be MIME-sniffed: a polling payload
// is text/plain (or text/html for "ok") and carries client-chosen bytes.
func setNoSniff(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
}

// postContentTypeOK reports whether a polling POST may carry the
// Content-Type v: none (python-engineio sends text/plain, fetch without a
// body type and some clients send nothing), or text/plain with no charset
// or the UTF-8 one, as engine.io-client ("text/plain;charset=UTF-8"),
// python-engineio ("text/plain") and the Java and Swift clients
// ("text/plain; charset=UTF-8") send. Anything else is no Engine.IO
// payload: an HTML form (urlencoded, multipart) or protocol v3's binary
// "application/octet-stream".
func postContentTypeOK(v string) bool {
	if strings.TrimSpace(v) == "" {
		return true
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil || mt != "text/plain" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}
