package eio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/internal/eiocodec"
)

// dialWebSocket dials the WebSocket transport.
func (c *Conn) dialWebSocket(ctx context.Context, withSID bool) (*websocket.Conn, error) {
	ws, resp, err := c.dialer.DialContext(ctx, c.url(WebSocket, withSID), c.opts.Header)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(c.opts.MaxMessageSize)
	return ws, nil
}

// readWithin reads one message from ws within ctx's deadline (or d).
func readWithin(ctx context.Context, ws *websocket.Conn, d time.Duration) (int, []byte, error) {
	deadline := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = ws.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = ws.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	mt, data, err := ws.ReadMessage()
	_ = ws.SetReadDeadline(time.Time{})
	return mt, data, err
}

// openWebSocket makes the handshake over a WebSocket.
func (c *Conn) openWebSocket(ctx context.Context) (*websocket.Conn, error) {
	ws, err := c.dialWebSocket(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("client: handshake: %w", err)
	}
	mt, data, err := readWithin(ctx, ws, time.Minute)
	if err == nil && mt != websocket.TextMessage {
		err = errors.New("binary open packet")
	}
	var p eiocodec.Packet
	if err == nil {
		p, err = eiocodec.DecodeText(data)
	}
	if err == nil && p.Type != eiocodec.TypeOpen {
		err = fmt.Errorf("got packet type %q, want open", p.Type)
	}
	if err == nil {
		err = c.onOpen(p.Data, WebSocket)
	}
	if err != nil {
		_ = ws.Close()
		return nil, fmt.Errorf("client: handshake: %w", err)
	}
	c.ws = ws
	return ws, nil
}

// readWebSocket is the WebSocket reader.
func (c *Conn) readWebSocket(ws *websocket.Conn) {
	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			if c.isClosed() {
				return
			}
			reason := ReasonTransportError
			var ce *websocket.CloseError
			if errors.As(err, &ce) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				reason = ReasonTransportClose
			}
			c.shutdown(reason, err)
			return
		}
		var p eiocodec.Packet
		if mt == websocket.BinaryMessage {
			p = eiocodec.Packet{Type: eiocodec.TypeMessage, Binary: true, Data: data}
		} else if p, err = eiocodec.DecodeText(data); err != nil {
			c.shutdown(ReasonParseError, err)
			return
		}
		if c.isClosed() || !c.onPacket(p) {
			return
		}
	}
}

// probe tries the upgrade to WebSocket (see the package documentation) and
// then reads the WebSocket.
func (c *Conn) probe() {
	defer c.readers.Done()
	ctx, cancel := context.WithTimeout(c.ctx, c.pingInterval+c.pingTimeout)
	defer cancel()
	ws, err := c.dialWebSocket(ctx, true)
	if err != nil {
		c.log.Debug("engine.io client: probe failed", "sid", c.sid, "err", err)
		return
	}
	fail := func(err error) {
		c.log.Debug("engine.io client: probe failed", "sid", c.sid, "err", err)
		_ = ws.Close()
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("2"+eiocodec.Probe)); err != nil {
		fail(err)
		return
	}
	mt, data, err := readWithin(ctx, ws, c.pingInterval+c.pingTimeout)
	if err != nil {
		fail(err)
		return
	}
	if mt != websocket.TextMessage || string(data) != "3"+eiocodec.Probe {
		fail(fmt.Errorf("probe answered %q", data))
		return
	}
	c.mu.Lock()
	if c.closed || c.closing {
		c.mu.Unlock()
		_ = ws.Close()
		return
	}
	c.upgrading = true
	c.mu.Unlock()
	close(c.pollStop)
	select {
	case c.switchTo <- ws:
	case <-c.done:
		_ = ws.Close()
		return
	}
	select {
	case <-c.switched:
	case <-c.done:
		return
	}
	if c.opts.OnUpgrade != nil {
		c.opts.OnUpgrade()
	}
	c.readWebSocket(ws)
}
