// Command pulumi-resource-docker is the docker resource provider plugin.
//
// It serves no Pulumi schema: the bridge uses one only for GetSchema (code generation) and for advisory input
// type warnings, and generating it needs the bridge's tfgen, whose code generators need an older pulumi/pkg
// than the CLI pinned beside it. Inputs are still checked against the Terraform schema on every Check.
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"

	dockerprovider "minidock.dev/toolchain/docker-provider"
)

func main() { tfbridge.Main("docker", dockerprovider.Version, dockerprovider.Provider(), nil) }
