#define _GNU_SOURCE
#include "CProcess.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/// The tool's process group, for the supervisor's signal handler (0 until it exists).
static volatile sig_atomic_t tool_group = 0;

static void kill_tool_group(int signal_number) {
    if (tool_group > 0) killpg((pid_t)tool_group, SIGKILL);
    _exit(128 + signal_number);
}

static void write_text(int fd, const char *text) {
    size_t length = 0;
    while (text[length] != 0) length++;
    while (length > 0) {
        ssize_t n = write(fd, text, length);
        if (n <= 0) return;
        text += n;
        length -= (size_t)n;
    }
}

/// Closes every descriptor from `low` up, except `keep`.
static void close_from(int low, int keep, int max_fd) {
    if (keep >= low) {
        if (keep > low && syscall(SYS_close_range, (unsigned)low, (unsigned)(keep - 1), 0u) != 0) {
            for (int fd = low; fd < keep; fd++) close(fd);
        }
        low = keep + 1;
    }
    if (syscall(SYS_close_range, (unsigned)low, ~0u, 0u) != 0) {
        for (int fd = low; fd < max_fd; fd++) close(fd);
    }
}

static void set_signals(void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
}

/// The tool: its own group, default signals, the given descriptors, then exec.
static void become_tool(const char *path, char *const argv[], char *const envp[], const char *directory,
                        int output_fd, int max_fd) {
    setpgid(0, 0);
    set_signals(SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    // Dies with the supervisor too (which only happens if the supervisor is SIGKILLed itself).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int input = open("/dev/null", O_RDONLY);
    if (input >= 0 && input != 0) {
        dup2(input, 0);
        close(input);
    }
    if (dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0) _exit(127);
    close_from(3, -1, max_fd);
    if (chdir(directory) != 0) {
        write_text(2, "trigc: cannot enter the directory ");
        write_text(2, directory);
        write_text(2, "\n");
        _exit(127);
    }
    execve(path, argv, envp);
    write_text(2, "trigc: cannot execute ");
    write_text(2, path);
    write_text(2, "\n");
    _exit(127);
}

/// The supervisor: starts the tool in its own group, waits, kills the group's leftovers.
static void supervise(pid_t parent, const char *path, char *const argv[], char *const envp[], const char *directory,
                      int output_fd, int max_fd) {
    setpgid(0, 0);
    // Not "trigc", so that `killall -9 trigc` / `pkill -x trigc` leave it to do its work.
    prctl(PR_SET_NAME, "trigc-supervise", 0, 0, 0);
    // Signals stay blocked (as the caller blocked them) until the tool's group exists.
    set_signals(kill_tool_group);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(128 + SIGTERM);  // the caller died before prctl
    close_from(3, output_fd, max_fd);
    pid_t tool = fork();
    if (tool < 0) _exit(127);
    if (tool == 0) become_tool(path, argv, envp, directory, output_fd, max_fd);
    setpgid(tool, tool);  // also done by the tool; whichever runs first
    tool_group = tool;
    close(output_fd);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    // Wait without reaping, so that the group id stays the tool's while the leftovers die.
    while (waitid(P_PID, (id_t)tool, &info, WEXITED | WNOWAIT) != 0) {
        if (errno != EINTR) _exit(127);
    }
    killpg(tool, SIGKILL);
    int status = 0;
    while (waitpid(tool, &status, 0) < 0) {
        if (errno != EINTR) _exit(127);
    }
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) _exit(128 + WTERMSIG(status));
    _exit(127);
}

int trigc_spawn_supervised(const char *path, char *const argv[], char *const envp[], const char *directory,
                           int output_fd, int max_fd, pid_t *pid) {
    pid_t parent = getpid();
    sigset_t block, previous;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &previous);
    pid_t child = fork();
    if (child == 0) supervise(parent, path, argv, envp, directory, output_fd, max_fd);
    int error = child < 0 ? errno : 0;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (child < 0) return error;
    *pid = child;
    return 0;
}

int trigc_wait(pid_t pid, int *status) {
    int raw = 0;
    while (waitpid(pid, &raw, 0) < 0) {
        if (errno != EINTR) return errno;
    }
    if (WIFEXITED(raw)) {
        *status = WEXITSTATUS(raw);
    } else if (WIFSIGNALED(raw)) {
        *status = 128 + WTERMSIG(raw);
    } else {
        *status = 127;
    }
    return 0;
}

int trigc_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno; }

int trigc_die_with_parent(pid_t parent) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return -1;
    /* The parent may have died before the call: then this process was re-parented. */
    return getppid() == parent ? 0 : -1;
}

void trigc_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
