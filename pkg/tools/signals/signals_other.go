//go:build !linux

package signals

var osSignals []Signal
