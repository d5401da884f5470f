//go:build tools

// Package toolchain pins the CLI's main package, so `go mod tidy` keeps its dependencies in go.sum. The
// language host's source is added by scripts/toolchain.sh as ./nodejs-host/ before it builds or tidies.
package toolchain

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
