package engineio

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// CORS, with the semantics of the Node.js cors module used by engine.io,
// and the WebSocket origin policy, which shares the allowed origins.

const defaultCORSMethods = "GET,HEAD,PUT,PATCH,POST,DELETE"

// anyOrigin reports whether every origin is allowed with a literal "*".
func (o *CORSOptions) anyOrigin() bool {
	return o.AllowOrigin == nil && (len(o.Origins) == 0 || (len(o.Origins) == 1 && o.Origins[0] == "*"))
}

// allows reports whether origin is allowed.
func (o *CORSOptions) allows(origin string) bool {
	switch {
	case o.AllowOrigin != nil:
		return o.AllowOrigin(origin)
	case o.anyOrigin():
		return true
	}
	return slices.Contains(o.Origins, origin) || slices.Contains(o.Origins, "*")
}

// applyCORS adds the CORS headers to w and answers a preflight request. It
// reports whether the request was answered.
func (c *config) applyCORS(w http.ResponseWriter, r *http.Request) bool {
	o := c.cors
	h := w.Header()
	origin := r.Header.Get("Origin")
	if o.anyOrigin() {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		if origin != "" && o.allows(origin) {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		h.Add("Vary", "Origin")
	}
	if o.Credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(o.ExposedHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(o.ExposedHeaders, ","))
	}
	if r.Method != http.MethodOptions {
		return false
	}
	methods := defaultCORSMethods
	if len(o.Methods) > 0 {
		methods = strings.Join(o.Methods, ",")
	}
	h.Set("Access-Control-Allow-Methods", methods)
	if len(o.AllowedHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(o.AllowedHeaders, ","))
	} else if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
		h.Set("Access-Control-Allow-Headers", req)
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	if o.MaxAge > 0 {
		h.Set("Access-Control-Max-Age", strconv.FormatInt(int64(o.MaxAge.Seconds()), 10))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// checkWebSocketOrigin applies the WebSocket origin policy (see
// Options.CheckOrigin).
func (c *config) checkWebSocketOrigin(r *http.Request) bool {
	if c.checkOrigin != nil {
		return c.checkOrigin(r)
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if c.cors != nil {
		return c.cors.allows(origin)
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// sessionCookie is the cookie sent with a handshake response.
func (c *config) sessionCookie(sid string) *http.Cookie {
	o := c.cookie
	ck := &http.Cookie{
		Name:     o.Name,
		Value:    sid,
		Path:     o.Path,
		Domain:   o.Domain,
		Secure:   o.Secure,
		HttpOnly: !o.NoHTTPOnly,
		SameSite: o.SameSite,
	}
	if o.MaxAge > 0 {
		ck.MaxAge = int(o.MaxAge.Seconds())
	}
	return ck
}
