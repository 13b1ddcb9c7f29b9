package target

import "syscall"

// errESRCH is what reading /proc/<pid>/... returns when the process died while open.
const errESRCH = syscall.ESRCH
