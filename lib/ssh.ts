/**
 * ssh options for the docker provider. One multiplexed connection per host avoids the sshd MaxStartups
 * throttling that shows up as intermittent exit 255 when the provider opens many sessions at once, and saves
 * a handshake per call. Host keys stay strictly checked: add the mini to known_hosts (docs/setup.md).
 */
export function dockerSshOpts(hostName: string, port: number): string[] {
  return [
    "-o", "ControlMaster=auto",
    "-o", `ControlPath=~/.ssh/minidock-${hostName}-%C`,
    "-o", "ControlPersist=10m",
    "-o", "StrictHostKeyChecking=yes",
    "-o", "ServerAliveInterval=30",
    "-o", "ServerAliveCountMax=4",
    "-o", "ConnectTimeout=20",
    ...(port === 22 ? [] : ["-p", String(port)]),
  ];
}
