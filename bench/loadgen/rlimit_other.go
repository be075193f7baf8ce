//go:build !linux

package loadgen

import (
	"errors"
	"time"
)

// RaiseFileLimit raises the soft limit on open files of this process: only
// on Linux, as the load generator's measurements need /proc.
func RaiseFileLimit() (uint64, error) {
	return 0, errors.ErrUnsupported
}

func fileLimit() int64 { return -1 }

func selfCPU() time.Duration { return 0 }
