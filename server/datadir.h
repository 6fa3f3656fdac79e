/*
 * datadir: where secretaryd keeps its files (cdr.sqlite, queue_log, spool/,
 * maildir/) when --data-dir is not given, and making sure it is usable
 * (docs/secretaryd.md, The data directory).
 *
 *   struct datadir_env env; datadir_env_get(&env);
 *   char dir[4096]; const char *why;
 *   datadir_default(&env, dir, sizeof dir, &why);   "/var/lib/secretaryd", "STATE_DIRECTORY"
 *   datadir_prepare(dir, err, sizeof err);           mkdir -p, mode 0750, writable?
 *
 * The default is never the current directory: a server started from a
 * checkout must not litter it. Order: $STATE_DIRECTORY (systemd's
 * StateDirectory=; the first of a colon-separated list), /var/lib/secretaryd
 * for root or under systemd ($INVOCATION_ID), else $XDG_STATE_HOME/secretaryd
 * (when absolute, per the XDG base directory spec), else
 * $HOME/.local/state/secretaryd.
 */
#ifndef RB_DATADIR_H
#define RB_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* What the default depends on, so tests need not change the environment. */
struct datadir_env {
	const char *state_directory; /* $STATE_DIRECTORY */
	const char *invocation_id;   /* $INVOCATION_ID: set by systemd for a unit */
	const char *xdg_state_home;  /* $XDG_STATE_HOME */
	const char *home;            /* $HOME, else the passwd entry's */
	bool root;                   /* effective uid 0 */
};

/* Fills env from the process's environment and credentials. */
void datadir_env_get(struct datadir_env *env);

/*
 * The default data directory into buf, and in *why where it came from
 * ("STATE_DIRECTORY", "root", "systemd", "XDG_STATE_HOME", "HOME").
 * Returns 0, ENAMETOOLONG, or ENOENT when no rule applies (no home).
 */
int datadir_default(const struct datadir_env *env, char *buf, size_t n, const char **why);

/*
 * Creates dir and its missing parents (mode 0750, less the umask) and checks
 * that it is a writable directory. Returns 0 or an errno, with err saying
 * the path, the reason and the fix.
 */
int datadir_prepare(const char *dir, char *err, size_t errlen);

#endif
