/* sha256: see sha256.h. */
#include "sha256.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <gcrypt.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ok;

/* libgcrypt wants its version checked once before use (it initialises
 * itself then); hashing needs no secure memory. */
static void init(void)
{
	if (!gcry_check_version(GCRYPT_VERSION))
		return;
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	init_ok = 1;
}

void rb_sha256_open(struct rb_sha256 *c)
{
	gcry_md_hd_t h = NULL;
	pthread_once(&init_once, init);
	c->ok = init_ok && !gcry_md_open(&h, GCRY_MD_SHA256, 0);
	c->h = c->ok ? h : NULL;
}

void rb_sha256_put(struct rb_sha256 *c, const void *p, size_t n)
{
	if (c->ok && n)
		gcry_md_write((gcry_md_hd_t)c->h, p, n);
}

int rb_sha256_close(struct rb_sha256 *c, unsigned char md[RB_SHA256_LEN])
{
	const unsigned char *d = c->ok ? gcry_md_read((gcry_md_hd_t)c->h, GCRY_MD_SHA256) : NULL;
	if (d)
		memcpy(md, d, RB_SHA256_LEN);
	if (c->h)
		gcry_md_close((gcry_md_hd_t)c->h);
	c->h = NULL;
	c->ok = 0;
	return d ? 0 : ENOMEM;
}

int rb_sha256(const void *p, size_t n, unsigned char md[RB_SHA256_LEN])
{
	struct rb_sha256 c;
	rb_sha256_open(&c);
	rb_sha256_put(&c, p, n);
	return rb_sha256_close(&c, md);
}
