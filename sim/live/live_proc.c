/*
 * live_proc: the programs a live run starts (secretaryd, SIPp), by fork and
 * exec, each stopped only by its own pid. See live_int.h.
 */
#define LOG_TAG "live"
#include "live_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sharedir.h"
#include "log.h"

int live_spawn(char *const argv[], const char *out_path, int *pipe_fd, pid_t *pid_out)
{
	int pfd[2] = {-1, -1};
	if (pipe_fd && pipe(pfd))
		return errno;
	int ofd = -1;
	if (out_path) {
		ofd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (ofd < 0) {
			int e = errno;
			if (pipe_fd) {
				close(pfd[0]);
				close(pfd[1]);
			}
			return e;
		}
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		if (ofd >= 0)
			close(ofd);
		if (pipe_fd) {
			close(pfd[0]);
			close(pfd[1]);
		}
		return e;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		if (pipe_fd)
			dup2(pfd[1], 1);
		else if (ofd >= 0)
			dup2(ofd, 1);
		if (ofd >= 0)
			dup2(ofd, 2);
		/* Its own process group: a ^C on the terminal reaches ringbench,
		 * which stops the children itself, in order. */
		setpgid(0, 0);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (ofd >= 0)
		close(ofd);
	if (pipe_fd) {
		close(pfd[1]);
		*pipe_fd = pfd[0];
	}
	*pid_out = pid;
	return 0;
}

int live_read_line(int fd, char *buf, size_t n, int timeout_ms)
{
	size_t k = 0;
	rb_us until = rb_now_mono_us() + (rb_us)timeout_ms * 1000;
	while (k + 1 < n) {
		rb_us left = until - rb_now_mono_us();
		if (left <= 0)
			return ETIMEDOUT;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, (int)(left / 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? ETIMEDOUT : errno;
		ssize_t g = read(fd, buf + k, 1);
		if (g <= 0)
			return g == 0 ? EPIPE : errno;
		if (buf[k] == '\n') {
			buf[k] = '\0';
			return 0;
		}
		k++;
	}
	buf[k] = '\0';
	return 0;
}

int live_wait(pid_t pid, int timeout_ms, int *status)
{
	rb_us until = rb_now_mono_us() + (rb_us)timeout_ms * 1000;
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			*status = st;
			return 0;
		}
		if (r < 0)
			return errno;
		if (rb_now_mono_us() >= until)
			return ETIMEDOUT;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int live_stop(pid_t pid, int grace_ms, int *status)
{
	int st = 0;
	if (live_wait(pid, 0, &st) == 0) {
		if (status)
			*status = st;
		return 0;
	}
	kill(pid, SIGTERM);
	if (live_wait(pid, grace_ms, &st) == ETIMEDOUT) {
		kill(pid, SIGKILL);
		live_wait(pid, 5000, &st);
	}
	if (status)
		*status = st;
	return 0;
}

int live_self_dir(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (k <= 0)
		return errno ? errno : ENOENT;
	exe[k] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return ENOENT;
	*slash = '\0';
	int w = snprintf(buf, n, "%s", exe);
	return w < 0 || (size_t)w >= n ? ENAMETOOLONG : 0;
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int live_find_secretaryd(char *buf, size_t n)
{
	const char *env = getenv("RINGBENCH_SECRETARYD");
	if (env && *env) {
		snprintf(buf, n, "%s", env);
		return 0;
	}
	char dir[PATH_MAX];
	if (live_self_dir(dir, sizeof(dir)) == 0) {
		snprintf(buf, n, "%s/secretaryd", dir);
		if (is_file(buf))
			return 0;
	}
	snprintf(buf, n, "secretaryd"); /* on PATH */
	return 0;
}

int live_find_flow(const char *flows_dir, const char *name, char *buf, size_t n)
{
	const char *cands[3] = {flows_dir, getenv("RINGBENCH_FLOWS"), "scenarios/sipp"};
	for (size_t i = 0; i < 3; i++) {
		if (!cands[i] || !*cands[i])
			continue;
		snprintf(buf, n, "%s/%s", cands[i], name);
		if (is_file(buf))
			return 0;
	}
	char rel[PATH_MAX];
	snprintf(rel, sizeof(rel), "scenarios/sipp/%s", name);
	return sharedir_find(rel, buf, n) ? ENOENT : 0;
}
