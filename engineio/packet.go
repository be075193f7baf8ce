package engineio

import (
	"errors"

	"github.com/siogo/sio/internal/eiocodec"
)

// Packet types of Engine.IO protocol v4, as the ASCII digit that starts an
// encoded text packet (see internal/eiocodec, shared with the client).
const (
	typeOpen    = eiocodec.TypeOpen
	typeClose   = eiocodec.TypeClose
	typePing    = eiocodec.TypePing
	typePong    = eiocodec.TypePong
	typeMessage = eiocodec.TypeMessage
	typeUpgrade = eiocodec.TypeUpgrade
	typeNoop    = eiocodec.TypeNoop
)

// packet is one Engine.IO packet. Only message packets carry binary data.
type packet struct {
	typ    byte
	binary bool
	data   []byte
	shared *sharedFrame // the prepared WebSocket frame of a shared message
}

// Message is one Engine.IO message: the payload of a "message" packet. Binary
// messages travel as binary WebSocket frames, or base64-encoded with a 'b'
// prefix inside a long-polling payload. A Message made by
// [NewSharedMessage] also carries a WebSocket frame prepared once for all
// the sessions it is sent to.
type Message struct {
	// Data is the message body. For text messages it is UTF-8 text.
	Data []byte
	// Binary reports whether the message is binary.
	Binary bool

	shared *sharedFrame // set by NewSharedMessage
}

// probe is the data of the ping/pong packets exchanged on a probing WebSocket.
const probe = eiocodec.Probe

func (p packet) codec() eiocodec.Packet {
	return eiocodec.Packet{Type: p.typ, Binary: p.binary, Data: p.data}
}

// TextSize is the length of p in the text (polling) encoding.
func (p packet) TextSize() int { return p.codec().TextSize() }

// AppendText appends the text encoding of p to dst.
func (p packet) AppendText(dst []byte) []byte { return p.codec().AppendText(dst) }

// textSize and appendText are the lower-case spellings the package uses.
func (p packet) textSize() int                { return p.TextSize() }
func (p packet) appendText(dst []byte) []byte { return p.AppendText(dst) }

// decodeText decodes one text-encoded packet (a WebSocket text frame or one
// element of a polling payload). The returned data aliases b.
func decodeText(b []byte) (packet, error) {
	q, err := eiocodec.DecodeText(b)
	if err != nil {
		return packet{}, parseError(err)
	}
	return packet{typ: q.Type, binary: q.Binary, data: q.Data}, nil
}

// parseError turns a codec error into a *ParseError; other errors pass.
func parseError(err error) error {
	var ce *eiocodec.Error
	if errors.As(err, &ce) {
		return &ParseError{Reason: ce.Reason}
	}
	return err
}
