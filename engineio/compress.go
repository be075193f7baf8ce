package engineio

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strconv"
	"strings"
	"sync"
)

// HTTP compression of long-polling responses (Node's httpCompression):
// responses of at least the threshold are compressed with gzip or deflate,
// whichever the request's Accept-Encoding prefers (gzip on a tie).

var (
	gzipPool sync.Pool // *gzip.Writer
	zlibPool sync.Pool // *zlib.Writer
)

// chooseEncoding returns "gzip", "deflate" or "" for an Accept-Encoding
// header value.
func chooseEncoding(accept string) string {
	if accept == "" {
		return ""
	}
	qGzip, qDeflate, qAny := -1.0, -1.0, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if params != "" {
			for p := range strings.SplitSeq(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(k, "q") {
					if f, err := strconv.ParseFloat(v, 64); err == nil {
						q = f
					}
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip":
			qGzip = q
		case "deflate":
			qDeflate = q
		case "*":
			qAny = q
		}
	}
	if qGzip < 0 {
		qGzip = qAny
	}
	if qDeflate < 0 {
		qDeflate = qAny
	}
	switch {
	case qGzip > 0 && qGzip >= qDeflate:
		return "gzip"
	case qDeflate > 0:
		return "deflate"
	}
	return ""
}

// compress writes data compressed with enc ("gzip" or "deflate", the zlib
// format as in Node.js) to dst.
func compress(dst *bytes.Buffer, enc string, data []byte) error {
	var w interface {
		io.Writer
		Close() error
	}
	switch enc {
	case "gzip":
		zw, _ := gzipPool.Get().(*gzip.Writer)
		if zw == nil {
			zw = gzip.NewWriter(dst)
		} else {
			zw.Reset(dst)
		}
		defer gzipPool.Put(zw)
		w = zw
	default:
		// HTTP "deflate" is the zlib format; Node's createDeflate
		// produces zlib too.
		zw, _ := zlibPool.Get().(*zlib.Writer)
		if zw == nil {
			zw = zlib.NewWriter(dst)
		} else {
			zw.Reset(dst)
		}
		defer zlibPool.Put(zw)
		w = zw
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	return w.Close()
}
