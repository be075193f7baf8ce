// Package web holds the chat example's page: index.html, style.css and the
// client, embedded in the binary, and the way to find the socket.io-client
// browser bundle, which is not committed but installed by npm next to this
// file (package.json, package-lock.json: socket.io-client 4.8.4).
//
// # Client
//
// The client is TypeScript, src/app.ts, typed with the declarations siogen
// generates from the chat's Go consumer: src/events.ts (`make generate`
// writes it with `siogen -ts`). tsc (a devDependency here) compiles both to
// app.js and events.js, which the page loads as ES modules
// (`make chat-web`). The compiled files are committed, so that serving the
// chat (`make demo`, `go run ./examples/chat`) needs no TypeScript
// compiler, only the bundle; this package's tests fail when they differ
// from what tsc emits from the sources now, and check that the generated
// types reject a client that sends or expects the wrong types.
//
// # Bundle
//
// The page loads the real socket.io-client browser bundle,
// node_modules/socket.io-client/dist/socket.io.min.js, installed by
// `npm ci` in this folder (`make demo` does it); app.js uses its global
// io. [FindBundle] looks for it under a folder given on the command line,
// then under this package's source folder, then under examples/chat/web
// relative to the working directory, and otherwise returns an error
// telling how to install it.
//
// # Concurrency
//
// [Files] is read-only and safe for concurrent use.
package web

import (
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Files holds the page: index.html, style.css, and app.js and events.js
// (compiled from src/).
//
//go:embed index.html style.css app.js events.js
var Files embed.FS

// BundleRel is the bundle's path relative to the folder holding
// package.json (this folder in the source tree).
const BundleRel = "node_modules/socket.io-client/dist/socket.io.min.js"

// ErrNoBundle is returned (wrapped) by [FindBundle] when the bundle is not
// installed.
var ErrNoBundle = errors.New("chat: the socket.io-client browser bundle is not installed; run `make demo` in the sio repository, or `npm ci` in examples/chat/web")

// SourceDir returns the folder this package was compiled from, when the
// binary was built without -trimpath and the source is still there; "" if
// not.
func SourceDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	dir := filepath.Dir(file)
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		return ""
	}
	return dir
}

// FindBundle returns the path of socket.io.min.js. webDir, when not empty,
// is the folder holding node_modules (examples/chat/web) and is the only
// place looked at; otherwise the package's source folder and
// examples/chat/web under the working directory are tried in turn. The
// error wraps [ErrNoBundle] and names the places looked at.
func FindBundle(webDir string) (string, error) {
	var dirs []string
	if webDir != "" {
		dirs = append(dirs, webDir)
	} else {
		if d := SourceDir(); d != "" {
			dirs = append(dirs, d)
		}
		dirs = append(dirs, filepath.Join("examples", "chat", "web"))
	}
	var tried []string
	for _, d := range dirs {
		p := filepath.Join(d, filepath.FromSlash(BundleRel))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("%w (looked for %s)", ErrNoBundle, strings.Join(tried, ", "))
}
