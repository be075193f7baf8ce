package engineio_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/siogo/sio/engineio"
)

// An echo server: every message a client sends comes back to it.
func ExampleNewServer() {
	srv := engineio.NewServer(&engineio.Options{
		PingInterval: 10 * time.Second,
		CORS:         &engineio.CORSOptions{Origins: []string{"https://app.example"}},
	})
	srv.OnConnection(func(s *engineio.Session) {
		s.OnMessage(func(m engineio.Message) { _ = s.Send(m) })
	})
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", srv)

	ts := httptest.NewServer(mux)
	defer ts.Close()
	defer func() {
		// This client never polls again: give up on its close packet.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	// The handshake of a long-polling client.
	res, err := http.Get(ts.URL + "/engine.io/?EIO=4&transport=polling")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(res.StatusCode, string(body[:1]), strings.Contains(string(body), `"upgrades":["websocket"]`))
	// Output: 200 0 true
}

// OnConnection registers the handlers of each new session; Send queues
// messages without waiting for the network.
func ExampleServer_OnConnection() {
	srv := engineio.NewServer(nil)
	closed := make(chan struct{})
	srv.OnConnection(func(s *engineio.Session) {
		fmt.Println("transport:", s.Transport())
		_ = s.Send(engineio.Message{Data: []byte("welcome")})
		s.OnMessage(func(m engineio.Message) {
			fmt.Printf("got %q\n", m.Data)
		})
		s.OnClose(func(reason engineio.CloseReason, err error) {
			fmt.Println("closed:", reason)
			close(closed)
		})
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()

	res, _ := http.Get(ts.URL + "/engine.io/?EIO=4&transport=polling")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	sid := strings.Split(string(body), `"`)[3]

	// The next GET carries the welcome message.
	res, _ = http.Get(ts.URL + "/engine.io/?EIO=4&transport=polling&sid=" + sid)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Printf("poll: %q\n", body)

	// A POST carries messages to the server, separated by 0x1e.
	res, _ = http.Post(ts.URL+"/engine.io/?EIO=4&transport=polling&sid="+sid, "text/plain", strings.NewReader("4hi\x1e4there"))
	res.Body.Close()

	// The client polls again; Shutdown answers with a close packet.
	polled := make(chan string)
	go func() {
		res, _ := http.Get(ts.URL + "/engine.io/?EIO=4&transport=polling&sid=" + sid)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		polled <- string(body)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Println(err)
	}
	<-closed
	fmt.Printf("poll: %q\n", <-polled)
	// Output:
	// transport: polling
	// poll: "4welcome"
	// got "hi"
	// got "there"
	// closed: server shutting down
	// poll: "1"
}

// Send is safe from many goroutines; a full queue closes the session.
func ExampleSession_Send() {
	srv := engineio.NewServer(&engineio.Options{SendQueueSize: 2})
	done := make(chan struct{})
	srv.OnConnection(func(s *engineio.Session) {
		s.OnClose(func(reason engineio.CloseReason, err error) {
			fmt.Println("closed:", reason, err)
			close(done)
		})
		// Nothing is polling yet: the third message does not fit.
		for i := range 3 {
			if err := s.Send(engineio.Message{Data: []byte{byte('a' + i)}}); err != nil {
				fmt.Println("send:", err)
			}
		}
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	res, _ := http.Get(ts.URL + "/engine.io/?EIO=4&transport=polling")
	res.Body.Close()
	<-done
	// Output:
	// send: engineio: send queue full
	// closed: send queue full engineio: send queue full
}

// A broadcast: one shared message queued on every session. Its WebSocket
// frame is built once for all of them; these long-polling clients get it
// in their GET responses like any message.
func ExampleNewSharedMessage() {
	srv := engineio.NewServer(nil)
	sessions := make(chan *engineio.Session, 2)
	srv.OnConnection(func(s *engineio.Session) { sessions <- s })
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	get := func(query string) string {
		res, err := http.Get(ts.URL + "/engine.io/?EIO=4&transport=polling" + query)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return string(body)
	}
	var sids []string
	for range 2 {
		open := get("")
		sid := open[strings.Index(open, `"sid":"`)+7:]
		sids = append(sids, sid[:strings.IndexByte(sid, '"')])
	}

	msg := engineio.NewSharedMessage([]byte("hello, everyone"), false)
	for range 2 {
		_ = (<-sessions).Send(msg)
	}
	for _, sid := range sids {
		fmt.Println(get("&sid=" + sid))
	}
	// Output:
	// 4hello, everyone
	// 4hello, everyone
}

// Limits refuse a client's handshakes beyond a rate, or beyond a number
// of open sessions, with Engine.IO's "Forbidden" error.
func ExampleLimitOptions() {
	srv := engineio.NewServer(&engineio.Options{
		Limits: &engineio.LimitOptions{
			HandshakesPerSecond: 0.001, // one every 1000 s...
			HandshakeBurst:      1,     // ...and none in advance
			MaxConnections:      10,
			// Key defaults to the client's IP address (RemoteIPKey).
		},
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	for range 2 {
		res, err := http.Get(ts.URL + "/engine.io/?EIO=4&transport=polling")
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, string(body[:1]))
		if res.StatusCode != http.StatusOK {
			fmt.Println(string(body))
		}
	}
	// Output:
	// 200 0
	// 403 {
	// {"code":4,"message":"Rate limited"}
}
