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

// LauncherEntry is 0 off Linux.
func LauncherEntry() uint64 { return 0 }

// Preloaded is the session program and launcher copied ahead of Run (Linux only).
type Preloaded struct{}

// PreloadOption configures Preload.
type PreloadOption func()

// WithStore does nothing off Linux.
func WithStore(dir string) PreloadOption { return func() {} }

// Preload does nothing off Linux.
func Preload(session, launcher Executable, opts ...PreloadOption) *Preloaded { return &Preloaded{} }

// How says nothing off Linux.
func (p *Preloaded) How() string { return "" }

// Close does nothing off Linux.
func (p *Preloaded) Close() {}
