package eio

import (
	"slices"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/internal/eiocodec"
)

// writeLoop is the writer: it writes what is queued over the current
// transport, one POST or a series of frames at a time, and makes the switch
// to WebSocket during an upgrade.
func (c *Conn) writeLoop() {
	defer c.writerWG.Done()
	for {
		select {
		case <-c.wake:
		case ws := <-c.switchTo:
			if !c.switchWebSocket(ws) {
				return
			}
		case <-c.done:
			return
		}
		for {
			pkts, ws := c.take()
			if len(pkts) == 0 {
				break
			}
			var err error
			if ws != nil {
				err = writeFrames(ws, pkts)
			} else {
				err = c.post(pkts)
			}
			if err != nil {
				if !c.isClosed() {
					c.shutdown(ReasonTransportError, err)
				}
				return
			}
			if pkts[len(pkts)-1].Type == eiocodec.TypeClose {
				if ws != nil {
					_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
				}
				c.shutdown(ReasonForcedClose, nil)
				return
			}
		}
	}
}

// take removes the packets for the next write from the queue: everything
// over WebSocket, what fits in maxPayload over polling, nothing while
// upgrading. A close packet ends a batch.
func (c *Conn) take() ([]eiocodec.Packet, *websocket.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.upgrading || c.closed || len(c.queue) == 0 {
		return nil, nil
	}
	n := len(c.queue)
	if c.ws == nil {
		n = c.polledBatch(c.queue)
	}
	// The close packet travels alone, after what was queued before it was
	// written (engine.io-client waits for "drain"): a server handles the
	// packets of one payload before it acts on a close.
	if i := slices.IndexFunc(c.queue[:n], func(p eiocodec.Packet) bool { return p.Type == eiocodec.TypeClose }); i == 0 {
		n = 1
	} else if i > 0 {
		n = i
	}
	pkts := slices.Clone(c.queue[:n])
	c.queue = slices.Delete(c.queue, 0, n)
	for _, p := range pkts {
		if p.Type == eiocodec.TypeMessage {
			c.msgs--
		}
	}
	return pkts, c.ws
}

// writeFrames writes pkts as WebSocket frames.
func writeFrames(ws *websocket.Conn, pkts []eiocodec.Packet) error {
	var buf []byte
	for _, p := range pkts {
		var err error
		if p.Binary {
			err = ws.WriteMessage(websocket.BinaryMessage, p.Data)
		} else {
			buf = p.AppendText(buf[:0])
			err = ws.WriteMessage(websocket.TextMessage, buf)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// switchWebSocket completes an upgrade on the writer: once the polling loop
// returned, the upgrade packet goes over ws, which becomes the transport.
func (c *Conn) switchWebSocket(ws *websocket.Conn) bool {
	select {
	case <-c.pollDone:
	case <-c.done:
		_ = ws.Close()
		return false
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		_ = ws.Close()
		return false
	}
	c.ws = ws
	c.transport = WebSocket
	c.mu.Unlock()
	if err := ws.WriteMessage(websocket.TextMessage, []byte{eiocodec.TypeUpgrade}); err != nil {
		c.shutdown(ReasonTransportError, err)
		return false
	}
	c.mu.Lock()
	c.upgrading = false
	c.mu.Unlock()
	close(c.switched)
	c.log.Debug("engine.io client upgraded", "sid", c.sid)
	return true
}
