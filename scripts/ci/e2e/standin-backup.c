/*
 * Stand-in for offen/docker-volume-backup's /usr/bin/backup in the end-to-end test, where no image registry can
 * be reached. It is a real process named "backup" (the healthcheck runs `pidof backup`, which does not match
 * shell scripts) that idles until docker stop sends SIGTERM, then exits 0. The archive logic itself is tested
 * by scripts/ci/restore-test.sh.
 */
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(void) {
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  while (!stop) pause();
  return 0;
}
