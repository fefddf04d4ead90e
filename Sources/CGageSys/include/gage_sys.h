#ifndef GAGE_SYS_H
#define GAGE_SYS_H
#include <spawn.h>
#include <sys/types.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec.
int gage_pipe_cloexec(int fds[2]);

/// Grows a pipe's buffer (F_SETPIPE_SZ); returns the new size or -1.
int gage_pipe_grow(int fd, int size);

/// posix_spawn_file_actions_addchdir_np (a GNU extension).
int gage_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// pidfd_open(pid, 0): a descriptor that keeps naming this process even if its PID is
/// reused; -1 with errno when unavailable.
int gage_pidfd_open(pid_t pid);

/// pidfd_send_signal(fd, sig, NULL, 0): signals exactly the process the descriptor names.
int gage_pidfd_send_signal(int fd, int sig);
#endif
