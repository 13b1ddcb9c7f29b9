package tools

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	reg, other, fifo := filepath.Join(dir, "reg"), filepath.Join(dir, "other"), filepath.Join(dir, "fifo")
	for _, p := range []string{reg, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	regInfo, _ := os.Stat(reg)
	otherInfo, _ := os.Stat(other)
	tests := []struct {
		name, path string
		want       os.FileInfo
		refused    bool
	}{
		{"regular", reg, nil, false},
		{"regular, as stat saw it", reg, regInfo, false},
		{"a FIFO, never waited on", fifo, nil, true},
		{"a FIFO where stat saw a regular file", fifo, regInfo, true},
		{"another file than stat saw", reg, otherInfo, true},
		{"a directory", dir, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				f, err := OpenRegular(tt.path, tt.want)
				if err == nil {
					f.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if tt.refused != errors.Is(err, ErrNotRegular) || !tt.refused && err != nil {
					t.Errorf("OpenRegular(%s) = %v, want refused %v", tt.path, err, tt.refused)
				}
			case <-time.After(time.Second):
				t.Fatal("OpenRegular blocked")
			}
		})
	}
}
