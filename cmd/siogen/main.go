package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/siogo/sio/cmd/siogen/internal/gen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("siogen", flag.ContinueOnError)
	// Parse prints its complaint and the usage here; they go to stdout when
	// asked for with -h (exit 0), to stderr with a bad flag (exit 2).
	var usage bytes.Buffer
	fs.SetOutput(&usage)
	check := fs.Bool("check", false, "write nothing; print a diff of what would change and exit 1 on drift")
	prune := fs.Bool("prune", false, "remove orphaned generated files (that no consumer is generated into any more)")
	tags := fs.String("tags", "", "a space- or comma-separated `list` of build tags to load the packages with, as go build's -tags")
	ts := fs.String("ts", "", "also write the TypeScript declarations of the consumers' events for socket.io-client to `file` (.ts)")
	asyncapi := fs.String("asyncapi", "", "also write the AsyncAPI 3.0 document of the consumers' events to `file` (.yaml, .yml or .json)")
	clientFile := fs.String("client", "", "also write the typed Go client of the consumers (package github.com/siogo/sio/client) to `file` (.go, in a directory of its own)")
	clientPkg := fs.String("client-package", "", "the package `name` of the -client file (default: that of its directory's Go files, or the directory's name)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: siogen [-check] [-prune] [-tags 'tag,list'] [-ts file.ts] [-asyncapi file.yaml] [-client dir/file.go [-client-package name]] [packages]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			stdout.Write(usage.Bytes())
			return 0
		}
		stderr.Write(usage.Bytes())
		return 2
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(stderr, "siogen:", err)
		return 2
	}
	// Warnings come sorted, before any errors; they do not change the exit
	// status.
	warn := func(w error) { fmt.Fprintln(stderr, w) }
	files, errs := gen.Generate(&gen.Config{Dir: wd, Patterns: fs.Args(), Tags: splitTags(*tags), Warn: warn, TypeScript: *ts, AsyncAPI: *asyncapi, Client: *clientFile, ClientPackage: *clientPkg})
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, e)
		}
		return 2
	}
	if *check {
		report, drift := gen.Check(files, wd)
		fmt.Fprint(stdout, report)
		if drift {
			return 1
		}
		return 0
	}
	res, err := gen.Write(files, *prune)
	for _, p := range res.Removed {
		fmt.Fprintf(stderr, "siogen: removed orphaned %s\n", gen.ShortPath(wd, p))
	}
	for _, p := range res.Orphans {
		fmt.Fprintf(stderr, "siogen: %s is orphaned: no //sio:consumer type of its package is generated into it; delete it or run siogen -prune\n", gen.ShortPath(wd, p))
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	return 0
}

// splitTags splits a -tags value: space- or comma-separated, as the go
// command takes it.
func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}
