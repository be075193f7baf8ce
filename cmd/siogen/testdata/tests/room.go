// Package tests is a golden case whose tests declare consumers: siogen
// generates Room (room.go) into sio_gen.go, Fixture (fixture_test.go) into
// sio_gen_test.go and Echo (echo_x_test.go, package tests_test) into
// sio_gen_x_test.go, and the tests use them.
package tests

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Point is a payload of Room and of the test consumer Fixture: the two
// generated files decode it with their own decoders.
type Point struct {
	X int `json:"x"`
	Y int `json:"y"`
}

// Room is the package's own consumer.
//
//sio:consumer namespace=/room
type Room struct{ Last Point }

// EventMove handles "move".
func (r *Room) EventMove(ctx context.Context, s *socketio.Socket, p Point) error {
	r.Last = p
	return nil
}
