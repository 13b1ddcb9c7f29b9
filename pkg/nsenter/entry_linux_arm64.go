package nsenter

// launchEntry is the launcher's entry point without the Go runtime (entry_linux_arm64.s),
// for cmd/ddebug-launch linked with -E.
func launchEntry()

// launchEntryPC is 0: only an amd64 plugin's stored copy is given launchEntry as its ELF
// entry (the store's patch reads x86-64 executables alone).
func launchEntryPC() uintptr { return 0 }
