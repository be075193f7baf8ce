package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sioruntime "github.com/siogo/sio/runtime"
	"github.com/siogo/sio/socketio"
)

// Name validates itself with a value receiver.
type Name string

// Validate rejects the empty name.
func (n Name) Validate() error {
	if n == "" {
		return errors.New("name is empty")
	}
	return nil
}

// Point validates itself with a pointer receiver, which may also normalize:
// the handler receives the value as Validate left it.
type Point struct {
	X, Y float64
}

// Validate rejects points outside the unit square and rounds the rest.
func (p *Point) Validate() error {
	if p.X < 0 || p.X > 1 || p.Y < 0 || p.Y > 1 {
		return fmt.Errorf("point (%g, %g) is outside the unit square", p.X, p.Y)
	}
	p.X, p.Y = float64(int(p.X*10))/10, float64(int(p.Y*10))/10
	return nil
}

// Auth is the connection's payload; Validate has a pointer receiver.
type Auth struct {
	Token string `json:"token"`
}

// Validate requires a token; a token "panic" makes it panic with a secret.
func (a *Auth) Validate() error {
	switch a.Token {
	case "":
		return errors.New("token is empty")
	case "panic":
		panic("secret-auth-panic")
	}
	return nil
}

// Boom's Validate panics with text that must reach no client.
type Boom struct {
	Text string `json:"text"`
}

// Validate panics.
func (b Boom) Validate() error { panic("secret-validate-panic: " + b.Text) }

// Checked gets its Validate from an embedded field.
type Checked struct {
	Name
	Note string `json:"note"`
}

// Blob is a binary attachment that validates its size.
type Blob []byte

// Validate rejects more than 4 bytes.
func (b Blob) Validate() error {
	if len(b) > 4 {
		return fmt.Errorf("blob of %d bytes is larger than 4", len(b))
	}
	return nil
}

// Loose has a Validate method of another shape: siogen does not call it.
type Loose struct {
	Text string `json:"text"`
}

// Validate reports, but is not func() error.
func (l Loose) Validate() bool { return l.Text != "" }

// Strict has no DecodeError hook: a failed validation is returned to
// socketio, and a requested acknowledgement is not sent.
//
//sio:consumer namespace=/strict
type Strict struct {
	log *strings.Builder
}

func (c *Strict) Connect(ctx context.Context, s *socketio.Socket, auth Auth) error {
	c.log.WriteString("Connect " + auth.Token + "\n")
	return nil
}

func (c *Strict) EventRename(ctx context.Context, s *socketio.Socket, n Name, ack func(string) error) error {
	c.log.WriteString("EventRename " + string(n) + "\n")
	if ack != nil {
		return ack("renamed " + string(n))
	}
	return nil
}

func (c *Strict) EventMove(ctx context.Context, s *socketio.Socket, p Point) error {
	fmt.Fprintf(c.log, "EventMove %g %g\n", p.X, p.Y)
	return nil
}

func (c *Strict) EventMaybe(ctx context.Context, s *socketio.Socket, p *Point, ack func(string) error) error {
	if p == nil {
		c.log.WriteString("EventMaybe nil\n")
	} else {
		fmt.Fprintf(c.log, "EventMaybe %g %g\n", p.X, p.Y)
	}
	if ack != nil {
		return ack("ok")
	}
	return nil
}

func (c *Strict) EventTags(ctx context.Context, s *socketio.Socket, count int, tags ...Name) error {
	fmt.Fprintf(c.log, "EventTags %d %q\n", count, tags)
	return nil
}

func (c *Strict) EventPoints(ctx context.Context, s *socketio.Socket, ps ...*Point) error {
	c.log.WriteString("EventPoints")
	for _, p := range ps {
		if p == nil {
			c.log.WriteString(" nil")
		} else {
			fmt.Fprintf(c.log, " (%g %g)", p.X, p.Y)
		}
	}
	c.log.WriteString("\n")
	return nil
}

func (c *Strict) EventBoom(ctx context.Context, s *socketio.Socket, b Boom, ack func(string) error) error {
	c.log.WriteString("EventBoom\n")
	return ack("boom")
}

func (c *Strict) EventChecked(ctx context.Context, s *socketio.Socket, v Checked) error {
	c.log.WriteString("EventChecked " + string(v.Name) + "\n")
	return nil
}

func (c *Strict) EventUpload(ctx context.Context, s *socketio.Socket, name Name, data Blob) error {
	fmt.Fprintf(c.log, "EventUpload %s %q\n", name, data)
	return nil
}

func (c *Strict) EventLoose(ctx context.Context, s *socketio.Socket, v Loose) error {
	c.log.WriteString("EventLoose " + v.Text + "\n")
	return nil
}

// Hooked has a DecodeError hook, which gets validation failures too and
// answers the acknowledgement: Validate's message for a validation
// failure, a fixed text for a decode error.
//
//sio:consumer namespace=/hooked
type Hooked struct {
	log *strings.Builder
}

func (c *Hooked) Connect(ctx context.Context, s *socketio.Socket, auth *Auth) error {
	if auth == nil {
		c.log.WriteString("Connect nil\n")
	} else {
		c.log.WriteString("Connect " + auth.Token + "\n")
	}
	return nil
}

func (c *Hooked) EventRename(ctx context.Context, s *socketio.Socket, n Name, ack func(string) error) error {
	c.log.WriteString("EventRename " + string(n) + "\n")
	if ack != nil {
		return ack("renamed " + string(n))
	}
	return nil
}

func (c *Hooked) EventMaybe(ctx context.Context, s *socketio.Socket, p *Point) error {
	c.log.WriteString("EventMaybe\n")
	return nil
}

func (c *Hooked) EventBoom(ctx context.Context, s *socketio.Socket, b Boom, ack func(string) error) error {
	c.log.WriteString("EventBoom\n")
	return ack("boom")
}

// DecodeError answers a requested acknowledgement with {"error": …} and
// returns nil (nothing logged).
func (c *Hooked) DecodeError(ctx context.Context, s *socketio.Socket, event string, err error, ack socketio.AckFunc) error {
	msg := "bad request"
	if ve, ok := errors.AsType[*sioruntime.ValidationError](err); ok {
		msg = ve.Err.Error()
	}
	fmt.Fprintf(c.log, "DecodeError %s: %v\n", event, err)
	if ack != nil {
		return ack(map[string]string{"error": msg})
	}
	return nil
}
