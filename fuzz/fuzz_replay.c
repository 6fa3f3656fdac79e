/*
 * fuzz_replay: a main() for libFuzzer targets when libFuzzer is not used
 * (gcc builds, RB_FUZZ off): runs LLVMFuzzerTestOneInput once on each file
 * given, or on each file of each directory given. So the seed corpus is
 * also a plain regression test, under valgrind or the sanitizers.
 *
 *   fuzzrun_sipmsg fuzz/corpus/sipmsg/
 * Exit status: 0 when every input ran, 2 when a path cannot be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz_replay: cannot open %s\n", path);
		return 2;
	}
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return 2;
	/* an exact-size copy, so that ASan sees reads past the input */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return 2;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0, files = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "fuzz_replay: cannot read %s\n", argv[i]);
			rc = 2;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc = run_file(argv[i]) ? 2 : rc;
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			rc = run_file(p) ? 2 : rc;
			files++;
		}
		if (d)
			closedir(d);
	}
	fprintf(stderr, "fuzz_replay: %d inputs\n", files);
	return rc;
}
