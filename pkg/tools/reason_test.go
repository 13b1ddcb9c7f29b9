package tools

import (
	"errors"
	"os"
	"syscall"
	"testing"
)

func TestReason(t *testing.T) {
	_, err := os.Open("/no/such/file")
	if got := Reason(err); got != "No such file or directory" {
		t.Errorf("Reason(ENOENT) = %q", got)
	}
	if got := Reason(syscall.EACCES); got != "Permission denied" {
		t.Errorf("Reason(EACCES) = %q", got)
	}
	if got := Reason(errors.New("plain")); got != "plain" {
		t.Errorf("Reason(plain) = %q", got)
	}
}
