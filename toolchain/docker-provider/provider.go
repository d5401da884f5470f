// Package dockerprovider maps the upstream Terraform docker provider onto the token and property names of the
// @pulumi/docker SDK, for the bridge to serve as pulumi-resource-docker.
//
// The official plugin's Go module (pulumi/pulumi-docker/provider) is not served by the Go module proxy that
// this project's machines reach, so scripts/toolchain.sh builds the same layering from what is served: the
// Terraform bridge, Pulumi's fork of the plugin SDK, and kreuzwerker/terraform-provider-docker. Only the
// SDKv2 half of the upstream is bridged: it holds every resource the SDK exposes as a Terraform resource
// (Container, Network, Volume, RemoteImage, ...). The SDK's buildx `Image` resource is native code of the
// official plugin and is not available from this build; minidock does not use it.
package dockerprovider

import (
	"fmt"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"

	upstream "github.com/terraform-providers/terraform-provider-docker/shim"
)

// Version is the @pulumi/docker SDK version in package-lock.json; the SDK asks the engine for exactly this
// plugin version, so the build reports it.
const Version = "5.2.0"

// Provider returns the bridge's description of the provider.
func Provider() tfbridge.ProviderInfo {
	prov := tfbridge.ProviderInfo{
		P:           shimv2.NewProvider(upstream.NewProvider()),
		Name:        "docker",
		Version:     Version,
		DisplayName: "Docker",
		Publisher:   "Pulumi",
		License:     "Apache-2.0",
		Repository:  "https://github.com/pulumi/pulumi-docker",
		GitHubOrg:   "kreuzwerker",
		// As the official plugin has them: the daemon address defaults to DOCKER_HOST, and registry_auth keeps a
		// singular name.
		Config: map[string]*tfbridge.SchemaInfo{
			"host":          {Default: &tfbridge.DefaultInfo{Value: "unix:///var/run/docker.sock", EnvVars: []string{"DOCKER_HOST"}}},
			"registry_auth": {Name: "registryAuth", MaxItemsOne: tfbridge.False()},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"docker_container": {
				Tok:                 "docker:index/container:Container",
				DeleteBeforeReplace: true,
				// The SDK's names for the two list properties the bridge would otherwise pluralize. The bridge drops
				// an input whose name it does not know without an error, so a name missing here silently loses the
				// setting: scripts/ci/e2e.sh checks that every input the program declares is in the engine's state.
				Fields: map[string]*tfbridge.SchemaInfo{
					"command":           {Name: "command"},
					"networks_advanced": {Name: "networksAdvanced"},
				},
			},
			// The SDK names Terraform's docker_image RemoteImage: "Image" is the official plugin's native buildx
			// resource.
			"docker_image":  {Tok: "docker:index/remoteImage:RemoteImage", Fields: map[string]*tfbridge.SchemaInfo{"name": {Name: "name"}}},
			"docker_config": {Tok: "docker:index/serviceConfig:ServiceConfig"},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"docker_image": {Tok: "docker:index/getRemoteImage:getRemoteImage"},
		},
	}
	// Every other resource gets the standard token: docker_network -> docker:index/network:Network.
	if err := prov.ComputeTokens(tokens.SingleModule("docker_", "index", tokens.MakeStandard("docker"))); err != nil {
		panic(fmt.Sprintf("computing docker tokens: %v", err))
	}
	prov.SetAutonaming(255, "-")
	return prov
}
