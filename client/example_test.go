package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
)

// startServer starts a sio server for the examples: it greets each socket
// with "news", answers "add" with the sum of its arguments, and refuses the
// auth token "bad".
func startServer() (url string, stop func()) {
	io := socketio.NewServer(nil)
	io.Use(func(ctx context.Context, s *socketio.Socket) error {
		if string(s.Handshake().Auth) == `{"token":"bad"}` {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]string{"hint": "log in"}}
		}
		return nil
	})
	io.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.On("add", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var a, b int
			_ = args.Decode(0, &a)
			_ = args.Decode(1, &b)
			return ack(a + b)
		})
		return s.Emit("news", "welcome")
	})
	hs := httptest.NewServer(io)
	return hs.URL, func() {
		hs.Close()
		_ = io.Shutdown(context.Background())
	}
}

// Connect, receive an event, and call the server with an acknowledgement.
func ExampleDial() {
	url, stop := startServer()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	m, err := client.Dial(ctx, url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	s := m.Socket("/", &client.SocketOptions{Auth: map[string]string{"token": "good"}})
	news := make(chan string, 1)
	s.On("news", func(e *client.Event) {
		var text string
		_ = e.Args.Decode(0, &text)
		news <- text
	})
	if err := s.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("news:", <-news)

	reply, err := s.EmitWithAck(ctx, "add", 1, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	var sum int
	_ = reply.Decode(0, &sum)
	fmt.Println("sum:", sum)
	// Output:
	// news: welcome
	// sum: 3
}

// A server's refusal is a *ConnectError with the middleware's message and
// data.
func ExampleConnectError() {
	url, stop := startServer()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	m, err := client.Dial(ctx, url, &client.Options{Transports: []string{client.WebSocket}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	err = m.Socket("/", &client.SocketOptions{Auth: map[string]string{"token": "bad"}}).Connect(ctx)
	var ce *client.ConnectError
	if errors.As(err, &ce) {
		fmt.Println(ce.Message, string(ce.Data))
	}
	// Output: not authorized {"hint":"log in"}
}

// Reconnection follows socket.io-client's options; a Manager reports its
// attempts to handlers.
func ExampleManager_OnReconnect() {
	url, stop := startServer()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	m, err := client.Dial(ctx, url, &client.Options{
		ReconnectionDelay:    500 * time.Millisecond,
		ReconnectionDelayMax: 10 * time.Second,
		ReconnectionAttempts: 20,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	m.OnReconnect(func(attempt int) { fmt.Println("reconnected after", attempt, "attempts") })
	m.OnReconnectFailed(func() { fmt.Println("gave up") })
	fmt.Println("transport:", m.Transport() != "")
	// Output: transport: true
}

// With Retries, packets go through a retry queue: each is acknowledged by
// the server, or sent again once AckTimeout passed, Retries times at most.
// The server of this example never answers "unknown".
func ExampleSocketOptions_retries() {
	url, stop := startServer()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	m, err := client.Dial(ctx, url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	s := m.Socket("/", &client.SocketOptions{Retries: 2, AckTimeout: 250 * time.Millisecond})
	if err := s.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}
	reply, err := s.EmitWithAck(ctx, "add", 2, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	var sum int
	_ = reply.Decode(0, &sum)
	fmt.Println("sum:", sum)

	// Three tries, 250 ms each, then the error.
	_, err = s.EmitWithAck(ctx, "unknown")
	fmt.Println(err, errors.Is(err, client.ErrAckTimeout))
	// Output:
	// sum: 5
	// client: operation has timed out true
}
