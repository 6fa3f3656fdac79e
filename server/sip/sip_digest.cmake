# sip_digest: Digest authentication's server side (RFC 3261 22, RFC 7616,
# RFC 8760) for secretaryd's registrar; hashes from OpenSSL's libcrypto.
rb_module(sip_digest SOURCES sip_digest.c DEPS sipmsg base PkgConfig::CRYPTO)
