//go:build !linux

package files

// ddMemory is the most one of dd's buffers may take: 2^47 bytes, past which Go cannot
// allocate at all.
func ddMemory() int64 { return 1 << 47 }
