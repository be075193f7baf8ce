package engineio

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
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
	switch r.Method {
	case http.MethodGet:
		s.servePoll(w, r)
	case http.MethodPost:
		s.servePost(w, r)
	default:
		w.WriteHeader(http.StatusInternalServerError) // as Node.js
	}
}

// servePoll answers a GET with the next packets, waiting for some.
func (s *Session) servePoll(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
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
	return batch, true
}

var pollBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writePollResponse writes pkts as the payload of a GET response,
// compressed when large enough and the client accepts it.
func (s *Session) writePollResponse(w http.ResponseWriter, r *http.Request, pkts []packet) {
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
	if t := s.cfg.compressThreshold; t > 0 && len(body) >= t {
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
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// servePost handles a POST carrying a payload of packets.
func (s *Session) servePost(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
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
	if r.Header.Get("Content-Type") == "application/octet-stream" {
		s.closeNow(ReasonTransportError, protocolError("binary POST body (protocol v3 only)"))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	body, err := readBody(r.Body, r.ContentLength, s.cfg.maxPayload)
	if err != nil {
		if errors.Is(err, ErrPayloadTooLarge) {
			s.closeNow(ReasonTransportError, err)
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		s.closeNow(ReasonTransportError, err)
		w.WriteHeader(http.StatusBadRequest)
		return
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
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "ok")
}

var errStop = errors.New("engineio: stop")

// readBody reads at most limit bytes of a request body; more is
// ErrPayloadTooLarge.
func readBody(body io.Reader, contentLength int64, limit int) ([]byte, error) {
	if contentLength > int64(limit) {
		return nil, ErrPayloadTooLarge
	}
	var b []byte
	if contentLength > 0 {
		b = make([]byte, 0, contentLength+1)
	} else {
		b = make([]byte, 0, 512)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > limit {
			return nil, ErrPayloadTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, protocolError("reading the POST body: %v", err)
		}
	}
}
