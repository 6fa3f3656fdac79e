/*
 * datadir: secretaryd's default data directory and its creation. See datadir.h.
 */
#include "datadir.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void datadir_env_get(struct datadir_env *env)
{
	memset(env, 0, sizeof *env);
	env->state_directory = getenv("STATE_DIRECTORY");
	env->invocation_id = getenv("INVOCATION_ID");
	env->xdg_state_home = getenv("XDG_STATE_HOME");
	env->home = getenv("HOME");
	if (!env->home || !*env->home) {
		struct passwd *pw = getpwuid(geteuid()); /* before any thread starts */
		env->home = pw ? pw->pw_dir : NULL;
	}
	env->root = geteuid() == 0;
}

static int put(char *buf, size_t n, const char *a, const char *b)
{
	int l = snprintf(buf, n, "%s%s", a, b);
	return l < 0 || (size_t)l >= n ? ENAMETOOLONG : 0;
}

int datadir_default(const struct datadir_env *env, char *buf, size_t n, const char **why)
{
	const char *sd = env->state_directory;
	if (sd && *sd) { /* systemd gives every StateDirectory=, colon-separated */
		const char *colon = strchr(sd, ':');
		size_t l = colon ? (size_t)(colon - sd) : strlen(sd);
		if (l >= n)
			return ENAMETOOLONG;
		memcpy(buf, sd, l);
		buf[l] = '\0';
		*why = "STATE_DIRECTORY";
		return 0;
	}
	if (env->root || (env->invocation_id && *env->invocation_id)) {
		*why = env->root ? "root" : "systemd";
		return put(buf, n, "/var/lib/secretaryd", "");
	}
	/* XDG: a relative $XDG_STATE_HOME is invalid and is ignored */
	if (env->xdg_state_home && env->xdg_state_home[0] == '/') {
		*why = "XDG_STATE_HOME";
		return put(buf, n, env->xdg_state_home, "/secretaryd");
	}
	if (env->home && env->home[0] == '/') {
		*why = "HOME";
		return put(buf, n, env->home, strcmp(env->home, "/") ? "/.local/state/secretaryd"
								       : ".local/state/secretaryd");
	}
	return ENOENT;
}

/* mkdir -p: parents and the directory itself 0750 (less the umask). */
static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int e = mkdir(path, 0750) && errno != EEXIST ? errno : 0;
		*p = '/';
		if (e)
			return e;
	}
	return mkdir(path, 0750) && errno != EEXIST ? errno : 0;
}

int datadir_prepare(const char *dir, char *err, size_t errlen)
{
	char buf[4096];
	struct stat st;
	int e = 0;
	if (!dir || !*dir) {
		snprintf(err, errlen, "data directory: an empty path (give --data-dir DIR)");
		return EINVAL;
	}
	if (strlen(dir) >= sizeof buf)
		e = ENAMETOOLONG;
	else {
		memcpy(buf, dir, strlen(dir) + 1);
		e = mkdirs(buf);
	}
	if (!e && stat(dir, &st))
		e = errno;
	if (!e && !S_ISDIR(st.st_mode))
		e = ENOTDIR;
	if (!e && access(dir, W_OK | X_OK))
		e = errno;
	if (e)
		snprintf(err, errlen,
			 "data directory %s: %s (create it writable for this user, e.g. "
			 "'install -d -m 0750 %s', or give another with --data-dir DIR)",
			 dir, strerror(e), dir);
	return e;
}
