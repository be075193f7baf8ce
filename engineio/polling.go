package engineio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Long-polling: the client keeps one GET waiting for packets and sends its
// packets with POST requests. A GET is answered as soon as packets are
// queued, with as many of them as fit in MaxPayload bytes (at least one);
// the rest waits for the next GET, so no packet is ever dropped. A close
// packet is never batched behind messages: it answers a GET of its own.

// wakePollLocked wakes the waiting GET, if any.
func (s *Session) wakePollLocked() {
	if s.pollWake != nil {
		close(s.pollWake)
		s.pollWake = nil
	}
}

// servePolling answers a polling request of an existing session.
func (s *Session) servePolling(w http.ResponseWriter, r *http.Request) {
	if f := s.cfg.obs.PollingRequest; f != nil {
		f(r.Method)
	}
	switch r.Method {
	case http.MethodGet:
		s.servePoll(w, r)
	case http.MethodPost:
		s.servePost(w, r)
	default:
		w.WriteHeader(http.StatusInternalServerError) // as Node.js
	}
}

// refuseClosed answers a request for a session that closed between the
// server's lookup and now as Node, which cannot interleave the two, answers
// a session it no longer has: 400, "Session ID unknown" (a close packet
// would tell the client the server closed it gracefully).
func (s *Session) refuseClosed(w http.ResponseWriter) {
	e := refuse(CodeUnknownSID)
	if f := s.cfg.obs.RequestRefused; f != nil {
		f(e.Code)
	}
	writeRefusal(w, e, false)
}

// servePoll answers a GET with the next packets, waiting for some.
func (s *Session) servePoll(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.state == stateClosed {
		s.mu.Unlock()
		s.refuseClosed(w)
		return
	}
	if s.polling {
		after := s.finishLocked(ReasonTransportError, protocolError("overlapping GET requests"))
		s.mu.Unlock()
		after()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.polling = true
	var batch []packet
	for {
		var ok bool
		if batch, ok = s.takePollLocked(); ok {
			break
		}
		wake := make(chan struct{})
		s.pollWake = wake
		s.mu.Unlock()
		select {
		case <-wake:
			s.mu.Lock()
		case <-r.Context().Done():
			s.mu.Lock()
			if s.pollWake == wake {
				s.pollWake = nil
			}
			s.polling = false
			after := s.finishLocked(ReasonTransportError, protocolError("poll request closed prematurely"))
			s.mu.Unlock()
			after()
			return
		}
	}
	s.polling = false
	s.mu.Unlock()
	s.writePollResponse(w, r, batch)
	if last := batch[len(batch)-1]; last.typ == typeClose {
		s.closeNow(ReasonTransportClose, nil) // keeps the closing reason
	}
}

// takePollLocked returns the packets for a GET response, or false when
// there are none yet.
func (s *Session) takePollLocked() ([]packet, bool) {
	if s.transport != TransportPolling {
		// Upgraded: release a GET still waiting; the queue is the
		// WebSocket's.
		return []packet{{typ: typeNoop}}, true
	}
	if len(s.queue) == 0 {
		if s.state == stateClosed {
			return []packet{{typ: typeClose}}, true
		}
		if s.noopDue { // see upgradeCheck
			s.noopDue = false
			return []packet{{typ: typeNoop}}, true
		}
		return nil, false
	}
	s.noopDue = false
	n, size := 0, 0
	for n < len(s.queue) {
		if n > 0 && s.queue[n].typ == typeClose {
			// The close packet travels alone in the next response, as
			// with Node.js: a client acts on a close at once, before it
			// handles the messages decoded with it (socket.io-client
			// would report "transport close" for a DISCONNECT packet
			// sent just before). The graceful-close timeout bounds the
			// wait for that GET.
			break
		}
		sz := s.queue[n].textSize()
		if n > 0 {
			sz++ // separator
		}
		if n > 0 && size+sz > s.cfg.maxPayload {
			break
		}
		size += sz
		n++
	}
	batch := s.queue[:n:n]
	if n == len(s.queue) {
		s.queue = nil
	} else {
		s.queue = s.queue[n:]
	}
	s.tookLocked()
	return batch, true
}

var pollBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writePollResponse writes pkts as the payload of a GET response,
// compressed when large enough and the client accepts it.
func (s *Session) writePollResponse(w http.ResponseWriter, r *http.Request, pkts []packet) {
	s.cfg.writePollResponse(w, r, pkts)
}

// writePollResponse writes pkts as the payload of a GET response (of a
// local session, or forwarded for another node's).
func (c *config) writePollResponse(w http.ResponseWriter, r *http.Request, pkts []packet) {
	buf := pollBufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 64<<10 {
			pollBufPool.Put(buf)
		}
	}()
	buf.Grow(payloadSize(pkts))
	buf.Write(appendPayload(buf.AvailableBuffer(), pkts))
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	body := buf.Bytes()
	if t := c.compressThreshold; t > 0 && len(body) >= t {
		if enc := chooseEncoding(r.Header.Get("Accept-Encoding")); enc != "" {
			zbuf := pollBufPool.Get().(*bytes.Buffer)
			zbuf.Reset()
			defer pollBufPool.Put(zbuf)
			if err := compress(zbuf, enc, body); err == nil {
				h.Set("Content-Encoding", enc)
				body = zbuf.Bytes()
			}
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.responseHeaders(h, r)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	if f := c.obs.BytesSent; f != nil {
		f(TransportPolling, len(body))
	}
}

// servePost handles a POST carrying a payload of packets.
func (s *Session) servePost(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.state == stateClosed {
		s.mu.Unlock()
		s.refuseClosed(w)
		return
	}
	if s.posting {
		after := s.finishLocked(ReasonTransportError, protocolError("overlapping POST requests"))
		s.mu.Unlock()
		after()
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.posting = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.posting = false
		s.mu.Unlock()
	}()
	switch ct := r.Header.Get("Content-Type"); {
	case ct == "application/octet-stream":
		s.closeNow(ReasonTransportError, protocolError("binary POST body (protocol v3 only)"))
		w.WriteHeader(http.StatusBadRequest)
		return
	case !postContentTypeOK(ct):
		s.closeNow(ReasonTransportError, protocolError("POST body of type %q (not text/plain)", ct))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	body, status, err := s.readPost(w, r)
	if err != nil {
		if !errors.Is(err, ErrClosed) { // else it closes as it was
			s.closeNow(ReasonTransportError, err)
		}
		if r.ProtoMajor == 1 {
			// Like Node's req.destroy(): the rest of the body is not
			// read. (HTTP/2 resets the stream by itself; its Connection:
			// close would end every stream of the connection.)
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(status)
		return
	}
	if f := s.cfg.obs.BytesReceived; f != nil {
		f(TransportPolling, len(body))
	}
	err = decodePayload(body, func(p packet) error {
		if !s.handlePacket(p) {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		s.closeNow(ReasonParseError, err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", "2")
	h.Set("Cache-Control", "no-store")
	s.cfg.responseHeaders(h, r)
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "ok")
}

var errStop = errors.New("engineio: stop")

// Why the read of a POST body was cut short (postBody.abort).
const (
	abortNone    = iota
	abortTimeout // HTTPRequestBodyTimeout passed
	abortClosed  // the session closed or started closing
)

// postBody is a POST body being read. abort, safe for concurrent use, makes
// a blocked read of it fail at once.
type postBody struct {
	rc *http.ResponseController

	// mu guards done and why. abort sets the read deadline while holding
	// it, so that the deadline never reaches the connection after finish
	// (when the connection may be reading its next request).
	mu   sync.Mutex
	done bool // reading finished: abort does nothing
	why  int  // abortNone, or why the read was aborted
}

// aLongTimeAgo is a read deadline that makes a blocked read fail at once.
var aLongTimeAgo = time.Unix(1, 0)

// abort makes the blocked read fail, for the reason why.
func (b *postBody) abort(why int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || b.why != abortNone {
		return
	}
	b.why = why
	_ = b.rc.SetReadDeadline(aLongTimeAgo)
}

// finish ends the reading and returns why it was aborted (abortNone when
// it was not).
func (b *postBody) finish() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = true
	return b.why
}

// readPost reads the body of a POST within Options.MaxPayload,
// MaxBufferedChunks and HTTPRequestBodyTimeout. Memory follows what was
// received, not the announced Content-Length. The read is aborted when the
// session closes or starts closing meanwhile (as Node destroys the
// request). On failure it
// returns the HTTP status to answer and the error to close the session
// with, or ErrClosed when the session was closed or closing.
func (s *Session) readPost(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	if r.ContentLength > int64(s.cfg.maxPayload) {
		return nil, http.StatusRequestEntityTooLarge, ErrPayloadTooLarge
	}
	pb := &postBody{rc: http.NewResponseController(w)}
	s.mu.Lock()
	if s.state == stateClosed {
		s.mu.Unlock()
		return nil, http.StatusBadRequest, ErrClosed
	}
	s.post = pb
	s.mu.Unlock()
	deadline := time.Now().Add(s.cfg.bodyTimeout)
	timer := time.AfterFunc(s.cfg.bodyTimeout, func() { pb.abort(abortTimeout) })
	body, err := readBody(r.Body, s.cfg.maxPayload, s.cfg.maxBodyChunks, deadline)
	timer.Stop()
	why := pb.finish()
	s.mu.Lock()
	if s.post == pb {
		s.post = nil
	}
	s.mu.Unlock()
	switch {
	case err == nil:
		return body, http.StatusOK, nil
	case why == abortTimeout || errors.Is(err, errBodyTimeout):
		return nil, http.StatusRequestTimeout, protocolError("POST body not complete after %v (HTTPRequestBodyTimeout)", s.cfg.bodyTimeout)
	case why == abortClosed:
		return nil, http.StatusBadRequest, ErrClosed
	case errors.Is(err, ErrPayloadTooLarge):
		return nil, http.StatusRequestEntityTooLarge, err
	}
	return nil, http.StatusBadRequest, err
}

// errBodyTimeout is returned by readBody when data arrives after the
// deadline.
var errBodyTimeout = errors.New("engineio: POST body timeout")

// testHookBodyRead, when set by a test, is called after each read of a POST
// body that returned data, with the bytes received so far.
var testHookBodyRead func(received int)

// readBody reads a request body of at most limit bytes (more is
// ErrPayloadTooLarge) that arrives in at most maxChunks reads returning
// data (more is ErrPayloadTooLarge too) and is complete by deadline (data
// arriving later is errBodyTimeout; a read blocked past it is the caller's
// to abort). The buffer grows with the data received, at most doubling, so
// that memory follows what the client sent, never what it announced.
func readBody(body io.Reader, limit, maxChunks int, deadline time.Time) ([]byte, error) {
	b := make([]byte, 0, min(512, limit+1))
	chunks := 0
	for {
		if len(b) == cap(b) {
			nb := make([]byte, len(b), min(2*cap(b), limit+1))
			copy(nb, b)
			b = nb
		}
		n, err := body.Read(b[len(b):cap(b)])
		if n > 0 {
			b = b[:len(b)+n]
			chunks++
			if testHookBodyRead != nil {
				testHookBodyRead(len(b))
			}
			switch {
			case len(b) > limit:
				return nil, ErrPayloadTooLarge
			case chunks > maxChunks:
				return nil, fmt.Errorf("%w: the POST body came in more than %d pieces (MaxBufferedChunks)", ErrPayloadTooLarge, maxChunks)
			case time.Now().After(deadline):
				return nil, errBodyTimeout
			}
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, protocolError("reading the POST body: %v", err)
		}
	}
}
