//go:build ddebug_testhooks

package cli

import (
	"os"
	"strconv"
	"time"
)

// In the binary the hardening tests build (go build -tags ddebug_testhooks; never make,
// never a release), DDEBUG_TEST_PAUSE_BEFORE_EXEC (milliseconds, at most 5000) holds the
// session's child between its fork and its exec. It only delays the session.
func init() {
	pauseBeforeExec = func() time.Duration {
		ms, err := strconv.Atoi(os.Getenv("DDEBUG_TEST_PAUSE_BEFORE_EXEC"))
		if err != nil || ms <= 0 {
			return 0
		}
		return time.Duration(min(ms, 5000)) * time.Millisecond
	}
}
