package nsenter

// launchEntry is the launcher's entry point without the Go runtime (entry_linux_amd64.s).
func launchEntry()

// launchEntryPC is launchEntry's address in this program.
func launchEntryPC() uintptr
