package files

import (
	"syscall"
	"time"
)

// tsTime is ts as a time.Time.
func tsTime(ts syscall.Timespec) time.Time { return time.Unix(ts.Sec, ts.Nsec) }
