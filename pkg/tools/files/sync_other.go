//go:build !linux

package files

import "os"

func syncFS(f *os.File) error   { return f.Sync() }
func syncData(f *os.File) error { return f.Sync() }
