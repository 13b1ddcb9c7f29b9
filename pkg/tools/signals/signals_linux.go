package signals

import "syscall"

var osSignals = []Signal{{syscall.SIGSTKFLT, "STKFLT"}, {syscall.SIGPWR, "PWR"}}
