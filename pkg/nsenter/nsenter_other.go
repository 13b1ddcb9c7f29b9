//go:build !linux

package nsenter

import (
	"context"
	"fmt"
	"runtime"
)

// Run is only supported on Linux.
func Run(context.Context, Options) (int, error) {
	return 0, fmt.Errorf("%w (this is %s)", ErrUnsupported, runtime.GOOS)
}

// BeginSession is only supported on Linux.
func BeginSession() (SessionConfig, error) {
	return SessionConfig{}, fmt.Errorf("%w (this is %s)", ErrUnsupported, runtime.GOOS)
}

// EndSession does nothing off Linux.
func EndSession() {}

// Launch is only supported on Linux.
func Launch() int { return 125 }

// Preloaded is the session program and launcher copied ahead of Run (Linux only).
type Preloaded struct{}

// Preload does nothing off Linux.
func Preload(session, launcher Executable) *Preloaded { return &Preloaded{} }

// Close does nothing off Linux.
func (p *Preloaded) Close() {}
