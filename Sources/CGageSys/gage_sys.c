#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "gage_sys.h"

int gage_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int gage_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
  return posix_spawn_file_actions_addchdir_np(actions, path);
}

int gage_pipe_grow(int fd, int size) { return fcntl(fd, F_SETPIPE_SZ, size); }

int gage_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int gage_pidfd_send_signal(int fd, int sig) { return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0); }
