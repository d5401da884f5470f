/**
 * The type tokens of the docker resources minidock declares, as the engine names them. Shared by the pack (it
 * matches on tokens, so it loads without the docker SDK) and the tools that read an evaluation's resources.
 */
export const TYPE = {
  container: "docker:index/container:Container",
  image: "docker:index/remoteImage:RemoteImage",
  volume: "docker:index/volume:Volume",
  network: "docker:index/network:Network",
  provider: "pulumi:providers:docker",
} as const;
