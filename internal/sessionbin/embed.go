//go:build ddebug_embed

package sessionbin

import _ "embed"

// The Makefile builds cmd/ddebug-toolbox into toolbox.bin before building the plugin with
// -tags ddebug_embed.
//
//go:embed toolbox.bin
var toolbox []byte

func init() { embedded = toolbox }
