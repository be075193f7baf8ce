package main

import (
	"context"
	"time"

	"github.com/siogo/sio/socketio"
)

// Tag is a named string type, a map key here.
type Tag string

// Point is a flat struct.
type Point struct {
	X, Y int
}

// Order nests structs, slices, arrays, maps with string keys and pointers,
// all decoded by generated code, and a time.Time and an any, which the
// generated code leaves to encoding/json.
type Order struct {
	ID    int               `json:"id"`
	Lines []Line            `json:"lines"`
	Ship  *Point            `json:"ship"`
	Box   [3]uint8          `json:"box"`
	Notes map[Tag][]string  `json:"notes"`
	By    map[string]*Point `json:"by"`
	At    time.Time         `json:"at"`
	Meta  any               `json:"meta"`
}

// Line is an order line.
type Line struct {
	SKU string  `json:"sku"`
	Qty uint16  `json:"qty"`
	Sub []*Line `json:"sub"` // recursive
}

// OrderEvents are sent to clients: Line (recursive) and []Line by
// generated encoders, Order (with a time.Time and an any inside) by
// encoding/json whole.
//
//sio:emits
type OrderEvents interface {
	Shipped(lines []Line, by map[string]*Point)
	Updated(o Order)
}

// Orders receives nested payloads as event arguments and as the auth
// payload.
//
//sio:consumer emits=OrderEvents
type Orders struct{}

func (o *Orders) Connect(ctx context.Context, s *socketio.Socket, auth map[string]Point) error {
	return nil
}

func (o *Orders) EventOrder(ctx context.Context, s *socketio.Socket, v Order, lines []Line, opt *Order) error {
	return nil
}
