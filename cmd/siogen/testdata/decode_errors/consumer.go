package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Level and Name are named scalar types.
type (
	Level int
	Name  string
)

// Sample has a field of every kind that siogen decodes field by field.
type Sample struct {
	S   string `json:"s"`
	B   bool
	I8  int8 `json:"i8,omitempty"`
	I   int
	U16 uint16 `json:"u16"`
	U   uint64
	F32 float32 `json:"f32"`
	F   float64
	L   Level `json:"level"`
	N   Name
}

// Decoder receives a Sample as an event argument and as the auth payload.
//
//sio:consumer
type Decoder struct{}

func (d *Decoder) Connect(ctx context.Context, s *socketio.Socket, auth Sample) error { return nil }

func (d *Decoder) EventSample(ctx context.Context, s *socketio.Socket, v Sample) error { return nil }
