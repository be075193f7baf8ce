package parser

import (
	"encoding/json"
	"strconv"

	"github.com/siogo/sio/internal/jsontext"
)

// DefaultMaxAttachments is the number of binary attachments a packet may
// carry when [Decoder.MaxAttachments] is 0. It is Node's socket.io-parser
// default (maxAttachments: 10), on the server and in socket.io-client alike.
const DefaultMaxAttachments = 10

// maxAttachmentDigits bounds the attachment count's header field, before it
// is compared with MaxAttachments.
const maxAttachmentDigits = 10

// maxIDDigits bounds the ack id field: MaxID has 16 digits.
const maxIDDigits = 16

// Bounds of the decoder's string caches, which let repeated event names and
// namespaces decode without allocating.
const (
	nameCacheSize   = 8
	nsCacheSize     = 4
	maxCachedString = 128
)

// Decoder turns the Engine.IO messages of one connection into packets,
// reassembling binary attachments. The zero value is ready to use. A Decoder
// is not safe for concurrent use; use one per connection.
type Decoder struct {
	// MaxAttachments bounds the binary attachments per packet; a packet
	// announcing more is rejected. 0 (or less) means DefaultMaxAttachments.
	MaxAttachments int

	pending  Packet // a BINARY_EVENT or BINARY_ACK awaiting attachments
	want     int    // number of attachments pending announced
	awaiting bool   // pending is in use

	names    [nameCacheSize]string
	nameNext int
	nss      [nsCacheSize]string
	nsNext   int
}

// Add feeds one Engine.IO message to the decoder: a text message (binary
// false) is a packet's header and payload; binary messages are the
// attachments of the BINARY_EVENT or BINARY_ACK before them.
//
// Add returns a complete packet, or (nil, nil) while attachments are
// awaited. The packet, its Data and Attachments alias data (and the binary
// messages before it); the caller must not modify data afterwards. Each
// complete packet is a new *Packet, which stays valid after later calls; use
// [Decoder.AddTo] to decode into a Packet of your own instead.
//
// Anything malformed is an error wrapping [ErrMalformed] (a [*ParseError]):
// an unknown type, a bad attachment count or too many attachments, an ack id
// longer than 16 digits or above [MaxID], a payload that is not valid JSON
// or not allowed for the type (see the package documentation), a text
// message while attachments are awaited, a binary message when none is, or a
// placeholder referring to an attachment the packet does not carry. The
// caller closes the connection; the decoder is reset and ready for another
// packet.
func (d *Decoder) Add(data []byte, binary bool) (*Packet, error) {
	p := new(Packet)
	done, err := d.AddTo(p, data, binary)
	if !done {
		return nil, err
	}
	return p, nil
}

// AddTo is Add decoding into p: it reports true when p holds a complete
// packet, and leaves p's contents unspecified otherwise. Reusing one Packet
// for a connection's packets saves Add's one allocation; what p held is then
// gone after the next AddTo (Data and Attachments still alias the messages,
// which stay valid).
func (d *Decoder) AddTo(p *Packet, data []byte, binary bool) (done bool, err error) {
	if binary {
		if !d.awaiting {
			return false, parseErr(-1, "binary message when no attachment is expected")
		}
		d.pending.Attachments = append(d.pending.Attachments, data)
		if len(d.pending.Attachments) < d.want {
			return false, nil
		}
		pending := d.pending
		d.Reset()
		if err := checkPlaceholders(pending.Data, len(pending.Attachments)); err != nil {
			return false, err
		}
		*p = pending
		return true, nil
	}
	if d.awaiting {
		missing := d.want - len(d.pending.Attachments)
		d.Reset()
		return false, parseErr(-1, "text message while "+strconv.Itoa(missing)+" more attachments are expected")
	}
	*p = Packet{ID: NoID}
	n, err := d.decodeText(p, data)
	if err != nil {
		return false, err
	}
	if n > 0 {
		d.pending, d.want, d.awaiting = *p, n, true
		d.pending.Attachments = make([][]byte, 0, min(n, DefaultMaxAttachments))
		*p = Packet{}
		return false, nil
	}
	return true, nil
}

// Reset drops a partly received binary packet, so that the next message is
// taken as a new packet.
func (d *Decoder) Reset() {
	d.pending, d.want, d.awaiting = Packet{}, 0, false
}

func (d *Decoder) maxAttachments() int {
	if d.MaxAttachments <= 0 {
		return DefaultMaxAttachments
	}
	return d.MaxAttachments
}

// decodeText parses a text message into p and returns the number of
// attachments that must follow it.
func (d *Decoder) decodeText(p *Packet, s []byte) (attachments int, err error) {
	if len(s) == 0 {
		return 0, parseErr(0, "empty message")
	}
	if s[0] < '0' || s[0] > '6' {
		return 0, parseErr(0, "unknown packet type "+strconv.QuoteRune(rune(s[0])))
	}
	p.Type = Type(s[0] - '0')
	i := 1

	if p.Type == BinaryEvent || p.Type == BinaryAck {
		start := i
		n := 0
		for i < len(s) && isDigit(s[i]) {
			if i-start == maxAttachmentDigits {
				return 0, parseErr(start, "attachment count too long")
			}
			n = n*10 + int(s[i]-'0')
			i++
		}
		if i == start || i >= len(s) || s[i] != '-' {
			return 0, parseErr(i, "illegal attachments: want a count followed by '-'")
		}
		if n < 1 {
			return 0, parseErr(start, "illegal attachments: count must be at least 1")
		}
		if n > d.maxAttachments() {
			return 0, parseErr(start, "too many attachments: "+strconv.Itoa(n)+" > "+strconv.Itoa(d.maxAttachments()))
		}
		attachments = n
		i++
	}

	p.Namespace = "/"
	if i < len(s) && s[i] == '/' {
		start := i
		for i < len(s) && s[i] != ',' {
			i++
		}
		p.Namespace = d.namespace(s[start:i])
		if i < len(s) {
			i++ // the comma
		}
	}

	if i < len(s) && isDigit(s[i]) {
		start := i
		var id int64
		for i < len(s) && isDigit(s[i]) {
			if i-start == maxIDDigits {
				return 0, parseErr(start, "ack id too long")
			}
			id = id*10 + int64(s[i]-'0')
			i++
		}
		if id > MaxID {
			return 0, parseErr(start, "ack id too large")
		}
		p.ID = id
	}

	if i < len(s) {
		p.Data = s[i:]
		if err := d.checkPayload(p, i); err != nil {
			return 0, err
		}
	}
	return attachments, nil
}

// checkPayload applies the rules of Node's isPayloadValid to p.Data, which
// starts at offset off of the message, and records an event's name.
func (d *Decoder) checkPayload(p *Packet, off int) error {
	data := p.Data
	if p.Type == Disconnect {
		return parseErr(off, "DISCONNECT packet with payload")
	}
	// What json.Valid accepts, several times faster. Neither checks UTF-8:
	// Engine.IO refuses text messages that are not.
	if !validJSON(data, false) {
		return parseErr(off, "payload is not valid JSON")
	}
	j := jsontext.SkipSpace(data, 0)
	c := data[j] // valid JSON is not all space
	switch p.Type {
	case Connect:
		if c != '{' {
			return parseErr(off+j, "CONNECT payload is not an object")
		}
	case ConnectError:
		if c != '{' && c != '"' {
			return parseErr(off+j, "CONNECT_ERROR payload is neither an object nor a string")
		}
	case Ack, BinaryAck:
		if c != '[' {
			return parseErr(off+j, p.Type.String()+" payload is not an array")
		}
	case Event, BinaryEvent:
		nameRaw, restOff, err := splitEvent(data)
		if err != nil {
			err.(*ParseError).Offset += off
			return err
		}
		name, err := eventNameString(nameRaw, d)
		if err != nil {
			return err
		}
		if nameRaw[0] == '"' && IsReservedEvent(name) {
			return parseErr(off+j+1, "reserved event name "+strconv.Quote(name))
		}
		p.name, p.nameData, p.nameLen, p.restOff = name, &data[0], len(data), restOff
	}
	return nil
}

// splitEvent finds the first element of an event's JSON array, which must be
// a string or a number, and the offset just past it and its comma (or at the
// closing bracket). data must be valid JSON.
func splitEvent(data []byte) (name []byte, restOff int, err error) {
	i := jsontext.SkipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, 0, parseErr(i, "event payload is not an array")
	}
	i = jsontext.SkipSpace(data, i+1)
	if i >= len(data) {
		return nil, 0, parseErr(i, "event payload is not an array")
	}
	start := i
	switch c := data[i]; {
	case c == '"':
		end, ok := jsontext.StringEnd(data, i)
		if !ok {
			return nil, 0, parseErr(i, "unterminated event name")
		}
		i = end
	case c == '-' || isDigit(c):
		for i < len(data) && isNumberByte(data[i]) {
			i++
		}
	case c == ']':
		return nil, 0, parseErr(i, "event payload is an empty array")
	default:
		return nil, 0, parseErr(i, "event name is neither a string nor a number")
	}
	name = data[start:i]
	i = jsontext.SkipSpace(data, i)
	if i >= len(data) {
		return nil, 0, parseErr(i, "unterminated event array")
	}
	switch data[i] {
	case ',':
		i++
	case ']':
	default:
		return nil, 0, parseErr(i, "unexpected "+strconv.QuoteRune(rune(data[i]))+" after the event name")
	}
	return name, i, nil
}

// eventNameString returns the event name that the JSON string or number raw
// stands for. Names without escapes found in d's cache are not allocated
// again; d may be nil.
func eventNameString(raw []byte, d *Decoder) (string, error) {
	if raw[0] != '"' {
		return jsNumberString(raw)
	}
	body := raw[1 : len(raw)-1]
	if !hasEscape(body) {
		if d == nil {
			return string(body), nil
		}
		return d.name(body), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", parseErr(-1, "bad event name: "+err.Error())
	}
	return s, nil
}

// name returns b as a string, from the cache of recent event names when it is
// there.
func (d *Decoder) name(b []byte) string {
	for _, s := range d.names {
		if s == string(b) && s != "" {
			return s
		}
	}
	s := string(b)
	if len(s) <= maxCachedString {
		d.names[d.nameNext] = s
		d.nameNext = (d.nameNext + 1) % nameCacheSize
	}
	return s
}

// namespace returns b as a string, from the cache of recent namespaces when
// it is there.
func (d *Decoder) namespace(b []byte) string {
	if len(b) == 1 && b[0] == '/' {
		return "/"
	}
	for _, s := range d.nss {
		if s == string(b) && s != "" {
			return s
		}
	}
	s := string(b)
	if len(s) <= maxCachedString {
		d.nss[d.nsNext] = s
		d.nsNext = (d.nsNext + 1) % nsCacheSize
	}
	return s
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isNumberByte(c byte) bool {
	return isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func hasEscape(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return false
}
