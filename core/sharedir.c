/* sharedir: the shipped files' folders; see sharedir.h. */
#include "sharedir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* BINDIR/../share/ringbench into buf; 0 or errno. */
static int self_share(char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (k <= 0)
		return ENOENT;
	exe[k] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return ENOENT;
	*slash = '\0';
	int w = snprintf(buf, n, "%s/../share/ringbench", exe);
	return w < 0 || (size_t)w >= n ? ENAMETOOLONG : 0;
}

int sharedir_find(const char *rel, char *buf, size_t n)
{
	char self[PATH_MAX];
	const char *dirs[3] = {
		self_share(self, sizeof(self)) == 0 ? self : NULL,
#ifdef RB_TREE_DATADIR
		RB_TREE_DATADIR,
#else
		NULL,
#endif
#ifdef RB_DATADIR
		RB_DATADIR,
#else
		NULL,
#endif
	};
	int rc = ENOENT;
	for (size_t i = 0; i < 3; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		int w = snprintf(buf, n, "%s/%s", dirs[i], rel);
		if (w < 0 || (size_t)w >= n) {
			rc = ENAMETOOLONG;
			continue;
		}
		if (is_file(buf))
			return 0;
	}
	return rc;
}
