package eio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/siogo/sio/internal/eiocodec"
)

// do makes one polling request and returns the response body, read up to
// Options.MaxMessageSize.
func (c *Conn) do(ctx context.Context, method, url string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range c.opts.Header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > c.opts.MaxMessageSize {
		return nil, fmt.Errorf("client: polling response over %d bytes", c.opts.MaxMessageSize)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPError{Status: resp.StatusCode, Body: string(b)}
	}
	return b, nil
}

// HTTPError is a polling request answered with a status other than 200.
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("client: HTTP %d: %s", e.Status, e.Body)
}

// openPolling makes the polling handshake and returns the packets that came
// after the open packet.
func (c *Conn) openPolling(ctx context.Context) ([]eiocodec.Packet, error) {
	body, err := c.do(ctx, http.MethodGet, c.url(Polling, false), nil)
	if err != nil {
		return nil, fmt.Errorf("client: handshake: %w", err)
	}
	var pkts []eiocodec.Packet
	err = eiocodec.DecodePayload(body, func(p eiocodec.Packet) error {
		if len(pkts) == 0 && c.sid == "" {
			if p.Type != eiocodec.TypeOpen {
				return fmt.Errorf("client: handshake: got packet type %q, want open", p.Type)
			}
			return c.onOpen(p.Data, Polling)
		}
		pkts = append(pkts, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("client: handshake: %w", err)
	}
	return pkts, nil
}

// pollLoop is the polling reader: it keeps one GET waiting and handles
// what it returns, until the connection closes or an upgrade pauses it.
func (c *Conn) pollLoop(pkts []eiocodec.Packet) {
	defer c.readers.Done()
	defer close(c.pollDone)
	for _, p := range pkts {
		if !c.onPacket(p) {
			return
		}
	}
	for {
		select {
		case <-c.pollStop:
			return
		case <-c.done:
			return
		default:
		}
		body, err := c.do(c.ctx, http.MethodGet, c.url(Polling, true), nil)
		if err != nil {
			if !c.isClosed() {
				c.shutdown(ReasonTransportError, err)
			}
			return
		}
		err = eiocodec.DecodePayload(body, func(p eiocodec.Packet) error {
			if c.isClosed() || !c.onPacket(p) {
				return errStop
			}
			return nil
		})
		if errors.Is(err, errStop) {
			return
		}
		if err != nil {
			c.shutdown(ReasonParseError, err)
			return
		}
	}
}

var errStop = errors.New("stop")

// post writes pkts in one POST.
func (c *Conn) post(pkts []eiocodec.Packet) error {
	_, err := c.do(c.ctx, http.MethodPost, c.url(Polling, true), eiocodec.AppendPayload(nil, pkts))
	return err
}

// polledBatch returns how many packets of q the next POST carries: as many
// as fit in the server's maxPayload, at least one.
func (c *Conn) polledBatch(q []eiocodec.Packet) int {
	if c.maxPayload <= 0 {
		return len(q)
	}
	size := 0
	for i, p := range q {
		size += p.TextSize()
		if i > 0 {
			size++
		}
		if i > 0 && size > c.maxPayload {
			return i
		}
	}
	return len(q)
}
