//go:build ddebug_embed

package sessionbin

import _ "embed"

// The Makefile builds cmd/ddebug-toolbox into toolbox.bin and cmd/ddebug-launch into
// launch.bin before building the plugin with -tags ddebug_embed.
var (
	//go:embed toolbox.bin
	toolbox []byte
	//go:embed launch.bin
	launch []byte
)

func init() { embedded, embeddedLauncher = toolbox, launch }
