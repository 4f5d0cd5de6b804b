#ifndef TRIGC_CPROCESS_H
#define TRIGC_CPROCESS_H

#include <sys/types.h>

/// Starts `path` (already resolved, executable) with `argv` and `envp` (NULL-terminated) in
/// `directory`, its stdout and stderr on `output_fd`, its stdin on /dev/null, under a
/// supervisor process so that it dies with the caller:
///
///   caller ── supervisor (own process group; PR_SET_PDEATHSIG = SIGTERM)
///                └── tool (own process group; everything it starts stays in that group)
///
/// The supervisor kills the tool's whole group with SIGKILL when it gets SIGTERM, SIGINT or
/// SIGHUP (the death signal arrives as SIGTERM when the caller dies, even by SIGKILL), and
/// when the tool exits (leftovers such as make's children); it then exits with the tool's
/// status, 128 + the signal number when the tool was signalled.
///
/// The supervisor is named `trigc-supervise` (comm), so that killing trigc by name leaves it
/// alone. If the supervisor itself is SIGKILLed, the tool dies (its own death signal) but the
/// tool's children may not: nothing is left to kill their group.
///
/// PR_SET_PDEATHSIG fires when the *thread* that called this function exits, not the whole
/// process: call it from a thread that lives until the tool is waited for.
///
/// Everything is prepared by the caller before fork(); after fork() only async-signal-safe
/// calls run. `max_fd` bounds the descriptors closed in the child when close_range(2) is
/// not available. Returns 0 and the supervisor's pid in `*pid`, or an errno value.
int trigc_spawn_supervised(const char *path, char *const argv[], char *const envp[], const char *directory,
                           int output_fd, int max_fd, pid_t *pid);

/// Waits for `pid` (retrying on EINTR). Returns 0 and the exit status in `*status` (128 + the
/// signal number when it was killed by a signal), or an errno value.
int trigc_wait(pid_t pid, int *status);

/// A pipe whose two ends are close-on-exec (pipe2 with O_CLOEXEC). Returns 0 or an errno value.
int trigc_pipe(int fds[2]);

/// Asks the kernel to SIGKILL this process when its parent dies (PR_SET_PDEATHSIG), for
/// worker processes that must not outlive the trigc that started them; returns 0, or -1
/// when the parent is no longer `parent` (it died before the request took effect).
int trigc_die_with_parent(pid_t parent);

/// Makes standard output line-buffered (also into a file or a pipe), so that what a command
/// printed is on disk line by line: a batch job's log shows progress and survives a kill.
void trigc_line_buffer_stdout(void);

#endif
