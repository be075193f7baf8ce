package main

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/siogo/sio/socketio"
)

// Point is a flat struct.
type Point struct {
	X int    `json:"x"`
	Y int    `json:"y"`
	L string `json:"label,omitempty"`
}

// Line is recursive: its acknowledgement is written by generated code
// that counts the depth.
type Line struct {
	SKU string  `json:"sku"`
	Qty uint16  `json:"qty"`
	Sub []*Line `json:"sub"`
}

// Order nests structs, slices, arrays, maps with string keys and pointers:
// generated encoders write all of it.
type Order struct {
	ID    int               `json:"id"`
	Lines []Line            `json:"lines"`
	Ship  *Point            `json:"ship,omitempty"`
	Box   [2]float32        `json:"box"`
	Notes map[string]string `json:"notes,omitempty"`
	By    map[string]*Point `json:"by"`
}

// Stamped has a time.Time inside: encoding/json writes it whole.
type Stamped struct {
	At time.Time `json:"at"`
	N  int       `json:"n"`
}

// Acks answers acknowledgements with nested values. Each handler keeps
// what it sent in sent, for run.go to encode with encoding/json too.
//
//sio:consumer namespace=/acks
type Acks struct {
	sent []any
}

// EventOrder acknowledges the order it received, its lines and a pointer
// to its ship point.
func (a *Acks) EventOrder(ctx context.Context, s *socketio.Socket, o Order, ack func(Order, []Line, *Point) error) error {
	a.sent = []any{o, o.Lines, o.Ship}
	return ack(o, o.Lines, o.Ship)
}

// EventPoints acknowledges a variadic list of points after a map of them.
func (a *Acks) EventPoints(ctx context.Context, s *socketio.Socket, ps []Point, ack func(map[string]Point, ...Point) error) error {
	m := map[string]Point{}
	for _, p := range ps {
		m[p.L] = p
	}
	a.sent = []any{m}
	for _, p := range ps {
		a.sent = append(a.sent, p)
	}
	return ack(m, ps...)
}

// EventStamped acknowledges a value left to encoding/json and a raw JSON
// value built by the handler: raw is sent only when it is valid JSON.
func (a *Acks) EventStamped(ctx context.Context, s *socketio.Socket, raw string, ack func(Stamped, json.RawMessage) error) error {
	v := Stamped{At: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), N: 7}
	r := json.RawMessage(raw)
	if raw == "bad UTF-8" {
		r = json.RawMessage("\"\xff\"")
	}
	a.sent = []any{v, r}
	return ack(v, r)
}

// EventEcho acknowledges the raw JSON it received, as it received it.
func (a *Acks) EventEcho(ctx context.Context, s *socketio.Socket, v json.RawMessage, ack func(json.RawMessage) error) error {
	a.sent = []any{v}
	return ack(v)
}

// EventInf acknowledges a float encoding/json refuses.
func (a *Acks) EventInf(ctx context.Context, s *socketio.Socket, ack func(float64, []float64) error) error {
	a.sent = []any{1.5, []float64{math.Inf(-1)}}
	return ack(1.5, []float64{math.Inf(-1)})
}

// EventCycle acknowledges a line that contains itself: encoding/json
// reports the cycle.
func (a *Acks) EventCycle(ctx context.Context, s *socketio.Socket, ack func(Line) error) error {
	l := &Line{SKU: "loop"}
	l.Sub = []*Line{l}
	a.sent = []any{*l}
	return ack(*l)
}

// EventForward acknowledges with one untyped value, passed on as it is: a
// *socketio.Args among them is forwarded.
func (a *Acks) EventForward(ctx context.Context, s *socketio.Socket, v json.RawMessage, ack func(any) error) error {
	args := socketio.NewArgs(append(append([]byte("["), v...), ']'), nil)
	a.sent = nil
	return ack(args)
}
